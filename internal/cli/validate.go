package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// runValidate checks a package as import would and rolls back: against
// the store --db names, or on its own, in an empty scratch store, where
// what only a store could settle (references from and to files the
// package does not carry whole) is counted, not refused. Validate and
// import can never disagree about a package they see alike.
func runValidate(ctx context.Context, e *env, args []string) int {
	fs := e.flags("validate", "[--db DSN] [--format text|json] [--strict] [--max-problems N] [--progress auto|json|none] PATH")
	db := fs.String("db", "", "check the package against this store exactly as import would, then roll back (default: on its own, in a scratch store)")
	format := fs.String("format", "text", "output format: text or json")
	maxProblems := fs.Int("max-problems", 1000, "report at most this many problems (the rest are counted)")
	progress := progressFlag(fs)
	strict := fs.Bool("strict", false, "count what is otherwise read with a warning (TRUE for true, a trailing comma, …) as a problem")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 1 {
		return usageErr(e, fs, fmt.Errorf("want exactly one PATH (a .zip file or a folder), got %d", len(pos)))
	}
	if *format != "text" && *format != "json" {
		return usageErr(e, fs, fmt.Errorf("--format must be text or json"))
	}
	path := pos[0]
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(e.stderr, "oneroster validate: %v\n", err)
		return ExitUsage
	}
	var st store.Store
	if *db != "" {
		// A SQLite path that names nothing would be created empty.
		if st, err = openExisting(ctx, *db); err != nil {
			return storeErr(e, "validate", err)
		}
	} else {
		tmp, terr := os.MkdirTemp("", "oneroster-validate-")
		if terr != nil {
			fmt.Fprintf(e.stderr, "oneroster validate: %v\n", terr)
			return ExitRejected
		}
		defer os.RemoveAll(tmp)
		st, err = sqlite.Open(ctx, filepath.Join(tmp, "scratch.db"))
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster validate: %v\n", err)
		return ExitRejected
	}
	defer st.Close()
	o := csvimport.Options{MaxProblems: *maxProblems, DryRun: true, Source: filepath.Base(path), Strict: *strict, Standalone: *db == ""}
	m := newMeter(e, progress, "validate", "bytes", "bytes")
	if m != nil {
		o.Progress = m.importStep
	}
	rep, err := csvimport.Import(ctx, st, path, o)
	m.clear()
	if errors.Is(err, csvimport.ErrCancelled) {
		fmt.Fprintln(e.stderr, "oneroster validate: cancelled")
		return ExitCancelled
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster validate: %v\n", err)
		return ExitRejected
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"valid": rep.OK, "problems": rep.Problems, "problemsNotShown": rep.Dropped, "warnings": rep.Warnings, "files": rep.Files,
			"referencesLeftToImport": rep.Unresolved, "checksLeftToImport": rep.ChecksLeft})
	} else {
		printProblems(e.stdout, rep)
		rows := 0
		for _, f := range rep.Files {
			rows += f.Rows
		}
		if rep.Unresolved > 0 || len(rep.ChecksLeft) > 0 {
			fmt.Fprintf(e.stdout, "%d references name records that are not in the package, and %d checks across files need records it does not carry whole (%s): "+
				"their files are absent or delta, so the store the package is meant for may hold them; import checks them (or validate --db DSN)\n",
				rep.Unresolved, len(rep.ChecksLeft), strings.Join(rep.ChecksLeft, ", "))
		}
		if rep.OK {
			fmt.Fprintf(e.stdout, "%s is valid: %d files, %d rows\n", path, len(rep.Files), rows)
		} else {
			fmt.Fprintf(e.stdout, "%s is invalid: %d problems in %d files read\n", path, len(rep.Problems)+rep.Dropped, len(rep.Files))
		}
	}
	if !rep.OK {
		return ExitRejected
	}
	return ExitOK
}

// showImport prints one past import with its whole report: the files,
// the problems, the warnings.
func showImport(ctx context.Context, e *env, st store.Store, id int64, asJSON bool) int {
	r, err := st.Import(ctx, id)
	if errors.Is(err, oneroster.ErrNotFound) {
		fmt.Fprintf(e.stderr, "oneroster imports show: no import #%d (oneroster imports lists them)\n", id)
		return ExitRejected
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster imports show: %v\n", err)
		return ExitRejected
	}
	if asJSON {
		out := map[string]any{"id": r.ID, "startedAt": r.StartedAt, "finishedAt": r.FinishedAt, "source": r.Source, "outcome": r.Outcome}
		if r.SHA256 != "" {
			out["sha256"] = r.SHA256
		}
		if json.Valid([]byte(r.Report)) {
			out["report"] = json.RawMessage(r.Report)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "import #%d  %s  %s\nstarted %s, finished %s\n", r.ID, r.Outcome, r.Source, r.StartedAt, r.FinishedAt)
	if r.SHA256 != "" {
		fmt.Fprintf(e.stdout, "sha256 %s\n", r.SHA256)
	}
	var rep csvimport.Report
	if err := json.Unmarshal([]byte(r.Report), &rep); err != nil {
		fmt.Fprintf(e.stderr, "oneroster imports show: the stored report is not readable: %v\n", err)
		return ExitRejected
	}
	rep.OK = r.Outcome == "imported"
	printProblems(e.stdout, &rep)
	if len(rep.Files) > 0 {
		printFiles(e.stdout, &rep)
	}
	return ExitOK
}

func runImports(ctx context.Context, e *env, args []string) int {
	fs := e.flags("imports", "[--db DSN] [--limit N] [--json] | imports show ID [--db DSN] [--json]")
	db := e.dbFlag(fs)
	limit := fs.Int("limit", 20, "how many imports to list, newest first")
	asJSON := fs.Bool("json", false, "print JSON, with each import's full report")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	show := len(pos) > 0 && pos[0] == "show"
	switch {
	case show && len(pos) != 2:
		return usageErr(e, fs, fmt.Errorf("imports show takes one import ID"))
	case !show && len(pos) != 0:
		return usageErr(e, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	var id int64
	if show {
		if id, err = strconv.ParseInt(strings.TrimPrefix(pos[1], "#"), 10, 64); err != nil {
			return usageErr(e, fs, fmt.Errorf("%q is not an import ID (the number oneroster imports lists)", pos[1]))
		}
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return storeErr(e, "imports", err)
	}
	defer st.Close()
	if show {
		return showImport(ctx, e, st, id, *asJSON)
	}
	list, err := st.Imports(ctx, *limit)
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster imports: %v\n", err)
		return ExitRejected
	}
	if *asJSON {
		type item struct {
			ID         int64           `json:"id"`
			StartedAt  string          `json:"startedAt"`
			FinishedAt string          `json:"finishedAt"`
			Source     string          `json:"source"`
			SHA256     string          `json:"sha256,omitempty"`
			Outcome    string          `json:"outcome"`
			Report     json.RawMessage `json:"report,omitempty"`
		}
		out := []item{}
		for _, r := range list {
			it := item{r.ID, oneroster.FormatTime(r.StartedAt), oneroster.FormatTime(r.FinishedAt), r.Source, r.SHA256, r.Outcome, nil}
			if json.Valid([]byte(r.Report)) {
				it.Report = json.RawMessage(r.Report)
			}
			out = append(out, it)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return ExitOK
	}
	for _, r := range list {
		var rep csvimport.Report
		json.Unmarshal([]byte(r.Report), &rep)
		var added, updated, unchanged, deleted int
		for _, f := range rep.Files {
			added, updated, unchanged, deleted = added+f.Added, updated+f.Updated, unchanged+f.Unchanged, deleted+f.Deleted
		}
		line := fmt.Sprintf("#%d  %s  %-8s  %s", r.ID, r.StartedAt, r.Outcome, r.Source)
		if r.SHA256 != "" {
			line += "  sha256:" + r.SHA256[:12]
		}
		if r.Outcome == "imported" {
			line += fmt.Sprintf("  added %d, updated %d, unchanged %d, deleted %d", added, updated, unchanged, deleted)
		} else if r.Outcome == "rejected" {
			line += fmt.Sprintf("  %d problems", len(rep.Problems)+rep.Dropped)
		}
		fmt.Fprintln(e.stdout, line)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no imports yet")
	}
	return ExitOK
}
