package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

func runExport(ctx context.Context, e *env, args []string) int {
	fs := e.flags("export", "[--db DSN] [--since RFC3339] [--client ID] [--force] OUT")
	db := e.dbFlag(fs)
	force := fs.Bool("force", false, "write even where OUT already holds something (OneRoster files in a folder are replaced)")
	client := fs.String("client", "", "export only what this API client may see (its --orgs and --hide rules), for a vendor that takes CSV files")
	since := fs.String("since", "", "export a delta package of what changed after this time (RFC 3339, e.g. 2026-01-31T00:00:00Z)")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 1 {
		return usageErr(e, fs, fmt.Errorf("want exactly one OUT (a folder, or a file ending in .zip)"))
	}
	var o csvexport.Options
	if *since != "" {
		t, why, ok := oneroster.ParseDateTime(*since)
		if !ok {
			if why != "" {
				why = ": " + why
			}
			return usageErr(e, fs, fmt.Errorf("--since %s is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z%s", oneroster.Quote(*since), why))
		}
		o.Since = t
	}
	if err := refuseNonEmpty(pos[0], *force); err != nil {
		fmt.Fprintf(e.stderr, "oneroster export: %v\n", err)
		return ExitRejected
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return storeErr(e, "export", err)
	}
	defer st.Close()
	if *client != "" {
		c, err := auth.New(st, auth.Config{}).Client(ctx, *client)
		if err != nil {
			fmt.Fprintf(e.stderr, "oneroster export: --client: %v\n", err)
			return ExitRejected
		}
		if !c.RevokedAt.IsZero() {
			fmt.Fprintf(e.stderr, "oneroster export: --client: client %s is revoked\n", c.ID)
			return ExitRejected
		}
		v, err := jsonbind.NewView(c.Hide, c.Orgs)
		if err != nil {
			fmt.Fprintf(e.stderr, "oneroster export: --client: %v\n", err)
			return ExitRejected
		}
		if len(v.Orgs) > 0 {
			o.Visible = []store.Subset{{Name: store.Visible, Arg: strings.Join(v.Orgs, " ")}}
		}
		o.Blank, o.Skip = csvexport.Hidden(v.Hide)
	}
	if p := progressPrinter(e.stderr); p != nil {
		o.Progress = p
	}
	start := time.Now()
	sum, err := csvexport.Export(ctx, st, pos[0], o)
	if o.Progress != nil {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster export: %v\n", err)
		return ExitRejected
	}
	rows := 0
	for _, n := range sum.Files {
		rows += n
	}
	fmt.Fprintf(e.stdout, "exported a %s package to %s in %s: %d files, %d rows\n", sum.Mode, pos[0],
		time.Since(start).Round(time.Millisecond), len(sum.Files), rows)
	return ExitOK
}

// progressPrinter returns export's progress callback when w is a
// terminal: files and rows, as export cannot know its total beforehand.
func progressPrinter(w io.Writer) func(string, int) {
	if !isTerminal(w) {
		return nil
	}
	start := time.Now()
	last := time.Time{}
	return func(file string, rows int) {
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "\r\033[Kexporting %-24s %10d rows  %6.1fs", file, rows, time.Since(start).Seconds())
	}
}
