package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"golang.org/x/term"
)

// progressFlag adds --progress to fs: auto draws on a terminal and stays
// quiet otherwise (a cron job's mail, a CI log), json writes events for
// a script whatever stderr is, none never writes.
func progressFlag(fs *flag.FlagSet) *choice {
	c := &choice{value: "auto", words: []string{"auto", "json", "none"}}
	fs.Var(c, "progress", `progress on stderr: auto (a line redrawn in place when stderr is a terminal, else nothing), json (one event a line) or none`)
	return c
}

// isTerminal reports whether w is a terminal. Tests hand Run buffers,
// which are not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// step is how far a long command is, in its own unit: bytes read for
// import and validate, schools for generate.
type step struct {
	File                string
	Rows                int
	FileDone, FileTotal int64
	Done, Total         int64
}

// progressEvent is one --progress json line. Field names are the
// contract with scripts: keep them stable.
type progressEvent struct {
	Event       string  `json:"event"` // always "progress"
	Command     string  `json:"command"`
	File        string  `json:"file"`
	Rows        int     `json:"rows"`
	Unit        string  `json:"unit"`      // what fileDone and fileTotal count
	TotalUnit   string  `json:"totalUnit"` // what done and total count
	FileDone    int64   `json:"fileDone"`
	FileTotal   int64   `json:"fileTotal"`
	Done        int64   `json:"done"`
	Total       int64   `json:"total"`
	FilePercent float64 `json:"filePercent"`
	Percent     float64 `json:"percent"`
	Elapsed     float64 `json:"elapsedSeconds"`
	// Estimates, absent until something is done to estimate from.
	FileLeft *float64 `json:"fileRemainingSeconds,omitempty"`
	Left     *float64 `json:"remainingSeconds,omitempty"`
}

// meter shows the steps of a long command. A nil meter shows nothing,
// so commands call it unconditionally.
type meter struct {
	w       io.Writer
	json    bool
	command string
	// unit is what a file's counts count, totalUnit the overall ones'.
	unit, totalUnit string
	now             func() time.Time
	start           time.Time
	last            time.Time            // of the last line written
	began           map[string]time.Time // when each file was first seen, for its estimate
	drawn           bool                 // a terminal line is on screen
}

// every is the least time between two lines: a redraw more often than
// ten times a second only costs the work it reports on.
const every = 100 * time.Millisecond

// newMeter returns the meter --progress asks for, or nil.
func newMeter(e *env, mode *choice, command, unit, totalUnit string) *meter {
	m := &meter{w: e.stderr, command: command, unit: unit, totalUnit: totalUnit, now: time.Now, began: map[string]time.Time{}}
	switch {
	case mode.value == "json":
		m.json = true
	case mode.value == "none" || !isTerminal(e.stderr):
		return nil
	}
	m.start = m.now()
	return m
}

// update shows s, unless a line was written less than every ago: the
// end of a file and the end of the whole always get through, so that a
// script sees every file reach its total.
func (m *meter) update(s step) {
	if m == nil {
		return
	}
	now := m.now()
	if _, ok := m.began[s.File]; !ok {
		m.began[s.File] = now
	}
	end := s.FileDone >= s.FileTotal || s.Done >= s.Total
	if !end && now.Sub(m.last) < every {
		return
	}
	m.last = now
	ev := progressEvent{Event: "progress", Command: m.command, File: s.File, Rows: s.Rows, Unit: m.unit, TotalUnit: m.totalUnit,
		FileDone: s.FileDone, FileTotal: s.FileTotal, Done: s.Done, Total: s.Total,
		FilePercent: percent(s.FileDone, s.FileTotal), Percent: percent(s.Done, s.Total),
		Elapsed:  round1(now.Sub(m.start).Seconds()),
		FileLeft: left(now.Sub(m.began[s.File]), s.FileDone, s.FileTotal),
		Left:     left(now.Sub(m.start), s.Done, s.Total)}
	if m.json {
		b, _ := json.Marshal(ev)
		m.w.Write(append(b, '\n'))
		return
	}
	m.drawn = true
	fmt.Fprintf(m.w, "\r\033[K%s %s %s · all %s", m.command, s.File,
		part(ev.FilePercent, m.unit, s.FileDone, s.FileTotal, ev.FileLeft),
		part(ev.Percent, m.totalUnit, s.Done, s.Total, ev.Left))
}

// part writes one half of the terminal line: "45% (1.2 MB of 3.4 MB), 9s left".
func part(pct float64, unit string, done, total int64, secs *float64) string {
	s := fmt.Sprintf("%.0f%%", pct)
	if a := amount(unit, done, total); a != "" {
		s += " " + a
	}
	return s + eta(secs)
}

// clear erases the terminal line before the command writes its report.
func (m *meter) clear() {
	if m != nil && m.drawn {
		fmt.Fprint(m.w, "\r\033[K")
		m.drawn = false
	}
}

func percent(done, total int64) float64 {
	if total <= 0 {
		return 100
	}
	return round1(100 * float64(min(done, total)) / float64(total))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// left estimates the seconds still to go at the pace so far; nil before
// there is a pace to go by.
func left(elapsed time.Duration, done, total int64) *float64 {
	if done <= 0 || elapsed <= 0 {
		return nil
	}
	s := round1(elapsed.Seconds() * float64(max(total-done, 0)) / float64(done))
	return &s
}

func eta(secs *float64) string {
	if secs == nil {
		return ""
	}
	d := time.Duration(*secs * float64(time.Second)).Round(time.Second)
	if d == 0 {
		return ""
	}
	return ", " + d.String() + " left"
}

// amount writes done of total in unit, "(1.2 MB of 3.4 MB)"; nothing
// for a unit that means nothing to a reader (generate's weighted steps).
func amount(unit string, done, total int64) string {
	switch unit {
	case "bytes":
		return "(" + size(done) + " of " + size(total) + ")"
	case "steps":
		return ""
	}
	return fmt.Sprintf("(%d of %d %s)", done, total, unit)
}

// size writes a byte count in decimal units, as file managers do.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
