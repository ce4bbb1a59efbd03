package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/logsink"
)

// choice is a flag value that must be one of a few words.
type choice struct {
	value string
	words []string
}

func (c *choice) String() string { return c.value }

func (c *choice) Set(s string) error {
	s = strings.ToLower(s)
	if !slices.Contains(c.words, s) {
		return fmt.Errorf("want %s", c.Kind())
	}
	c.value = s
	return nil
}

// Kind says what the flag takes, for valueKind.
func (c *choice) Kind() string { return "one of " + strings.Join(c.words, ", ") }

// logFlags adds --log-format and --log-level to fs and returns the
// function that makes the logger they describe, writing to w. Through a
// logsink.Writer, lines at WARN and above go out at once.
func logFlags(fs *flag.FlagSet) func(w io.Writer) *slog.Logger {
	format := &choice{value: "text", words: []string{"text", "json"}}
	level := &choice{value: "info", words: []string{"debug", "info", "warn", "error"}}
	fs.Var(format, "log-format", "log lines as text (key=value) or json, one object a line")
	fs.Var(level, "log-level", "least level logged: debug, info (every request of serve; the start and end of an import), warn or error")
	return func(w io.Writer) *slog.Logger {
		var l slog.Level
		l.UnmarshalText([]byte(level.value)) // one of the words slog knows
		opts := &slog.HandlerOptions{Level: l}
		var h slog.Handler = slog.NewTextHandler(w, opts)
		if format.value == "json" {
			h = slog.NewJSONHandler(w, opts)
		}
		if sink, ok := w.(*logsink.Writer); ok {
			h = logsink.Urgent(h, sink)
		}
		return slog.New(h)
	}
}
