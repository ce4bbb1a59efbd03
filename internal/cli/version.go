package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/oneroster/oneroster/internal/buildinfo"
)

func runVersion(_ context.Context, e *env, args []string) int {
	fs := e.flags("version", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 0 {
		return usageErr(e, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	in := buildinfo.Read()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(in)
		return ExitOK
	}
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	commit := unknown(in.Commit)
	if in.Modified {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(e.stdout, "oneroster %s\n", in.Version)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "commit:\t%s\n", commit)
	fmt.Fprintf(tw, "commit time:\t%s\n", unknown(in.CommitTime))
	fmt.Fprintf(tw, "build time:\t%s\n", unknown(in.BuildTime))
	fmt.Fprintf(tw, "go:\t%s %s\n", in.GoVersion, in.Platform)
	tw.Flush()
	return ExitOK
}
