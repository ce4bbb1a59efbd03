package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/generate"
)

func runGenerate(ctx context.Context, e *env, args []string) int {
	fs := e.flags("generate", "--out DIR [--students N] [--seed S] [--zip] [--no-gradebook] [--no-resources] [--force] [--progress auto|json|none]")
	out := fs.String("out", "", "folder to write the package into (with --zip: the .zip file to write)")
	students := fs.Int("students", 1000, "number of students")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same package, byte for byte")
	asZip := fs.Bool("zip", false, "write a zip archive instead of a folder")
	noGradebook := fs.Bool("no-gradebook", false, "leave out the gradebook files (categories, line items, results …)")
	noResources := fs.Bool("no-resources", false, "leave out the resources files (resources and their allocations)")
	force := fs.Bool("force", false, "write even where --out already holds something")
	progress := progressFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 0 {
		return usageErr(e, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *out == "" {
		return usageErr(e, fs, fmt.Errorf("--out is required"))
	}
	if *students < 1 {
		return usageErr(e, fs, fmt.Errorf("--students must be at least 1"))
	}
	if err := refuseNonEmpty(*out, *force); err != nil {
		fmt.Fprintf(e.stderr, "oneroster generate: %v\n", err)
		return ExitRejected
	}
	start := time.Now()
	o := generate.Options{Students: *students, Seed: *seed, NoGradebook: *noGradebook, NoResources: *noResources}
	// Files are written in parallel: the line shows the one that moved
	// last, and the whole package.
	m := newMeter(e, progress, "generate", "schools", "steps")
	if m != nil {
		o.Progress = func(p generate.Progress) {
			m.update(step{File: p.File, Rows: p.Rows, FileDone: int64(p.Schools), FileTotal: int64(p.Of), Done: p.Done, Total: p.Total})
		}
	}
	var sum generate.Summary
	if *asZip {
		var f *os.File
		if f, err = os.Create(*out); err == nil {
			sum, err = generate.WriteZip(f, o)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	} else {
		sum, err = generate.Write(*out, o)
	}
	m.clear()
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster generate: %v\n", err)
		return ExitRejected
	}
	fmt.Fprintf(e.stdout, "wrote %s in %s: %s\n", *out, time.Since(start).Round(time.Millisecond), describe(sum))
	return ExitOK
}

func describe(s generate.Summary) string {
	names := make([]string, 0, len(s.Files))
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", strings.TrimSuffix(n, ".csv"), s.Files[n])
	}
	return strings.Join(parts, ", ")
}
