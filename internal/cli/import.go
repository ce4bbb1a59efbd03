package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport"
)

func runImport(ctx context.Context, e *env, args []string) int {
	fs := e.flags("import", "[--db DSN] [--json] [--strict] [--max-problems N] [--progress auto|json|none] [--log-format text|json] [--log-level L] PATH")
	db := e.dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON on stdout")
	maxProblems := fs.Int("max-problems", 200, "report at most this many problems (the rest are counted)")
	strict := fs.Bool("strict", false, "refuse what is otherwise read with a warning (TRUE for true, a trailing comma, …)")
	allowMass := fs.Bool("allow-mass-delete", false, "let a bulk file delete more than --max-delete-share of its type's records")
	maxShare := fs.Float64("max-delete-share", 0.3, "largest share of a type's records one bulk file may delete without --allow-mass-delete")
	progress := progressFlag(fs)
	logger := logFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 1 {
		return usageErr(e, fs, fmt.Errorf("want exactly one PATH (a .zip file or a folder), got %d", len(pos)))
	}
	// The log settings serve takes from the environment apply to imports
	// run with the same environment file (a cron job, a systemd timer).
	if err := e.flagsFromEnv(fs, "log-format", "log-level"); err != nil {
		fmt.Fprintf(e.stderr, "oneroster import: %v (see oneroster import --help)\n", err)
		return ExitUsage
	}
	path := pos[0]
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(e.stderr, "oneroster import: %v\n", err)
		return ExitUsage
	}
	o := csvimport.Options{MaxProblems: *maxProblems, Source: filepath.Base(path), SHA256: fileHash(path),
		AllowMassDelete: *allowMass, MaxDeleteShare: *maxShare, Strict: *strict}
	run := startRun(logger(e.stderr), path, o.SHA256, *db)
	st, err := openStore(ctx, *db)
	if err != nil && ctx.Err() != nil {
		// Interrupted while opening or migrating the store: each migration
		// runs in its own transaction, so the store is as it was or one
		// migration further, and no import was begun.
		run.end("cancelled", nil, nil)
		fmt.Fprintln(e.stderr, cancelledBeforeImport)
		return ExitCancelled
	}
	if err != nil {
		run.end("failed", nil, err)
		fmt.Fprintf(e.stderr, "oneroster import: %v\n", err)
		return ExitRejected
	}
	defer st.Close()

	m := newMeter(e, progress, "import", "bytes", "bytes")
	if m != nil {
		o.Progress = m.importStep
	}
	rep, err := csvimport.Import(ctx, st, path, o)
	m.clear()
	if errors.Is(err, csvimport.ErrCancelled) {
		run.end("cancelled", nil, nil)
		fmt.Fprintln(e.stderr, "oneroster import: cancelled; nothing was imported, the store is unchanged (oneroster imports lists it as cancelled)")
		return ExitCancelled
	}
	if err != nil {
		run.end("failed", rep, err)
		fmt.Fprintf(e.stderr, "oneroster import: %v\nnothing was imported\n", err)
		return ExitRejected
	}
	if rep.OK {
		run.end("imported", rep, nil)
	} else {
		run.end("rejected", rep, nil)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		printReport(e, path, rep)
	}
	if !rep.OK {
		return ExitRejected
	}
	return ExitOK
}

func printReport(e *env, path string, rep *csvimport.Report) {
	printProblems(e.stderr, rep)
	if len(rep.Files) > 0 {
		printFiles(e.stdout, rep)
	}
	elapsed := rep.Elapsed.Round(time.Millisecond)
	if rep.OK {
		fmt.Fprintf(e.stdout, "imported %s in %s (import #%d)\n", path, elapsed, rep.ImportID)
		return
	}
	fmt.Fprintf(e.stdout, "rejected %s after %s: %d problems; nothing was imported, the store is unchanged\n",
		path, elapsed, len(rep.Problems)+rep.Dropped)
}

// printFiles writes the per-file table of a report: what each file added,
// updated, kept and deleted, or, for a refused import, what was read.
func printFiles(w io.Writer, rep *csvimport.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	defer tw.Flush()
	if rep.OK {
		fmt.Fprintln(tw, "file\tmode\trows\tadded\tupdated\tunchanged\tdeleted\t")
		for _, f := range rep.Files {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", f.File, f.Mode, f.Rows, f.Added, f.Updated, f.Unchanged, f.Deleted)
		}
		return
	}
	// Nothing was added, updated or deleted: only what was read.
	n := map[string]int{}
	for _, p := range rep.Problems {
		n[p.File]++
	}
	fmt.Fprintln(tw, "file\tmode\trows read\tproblems shown\t")
	for _, f := range rep.Files {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\n", f.File, f.Mode, f.Rows, n[f.File])
	}
}

// printProblems writes a report's problems, then its warnings, one per
// line in the FILE:LINE:COLUMN: CODE: message form.
func printProblems(w io.Writer, rep *csvimport.Report) {
	for _, p := range rep.Problems {
		fmt.Fprintln(w, p.String())
	}
	if rep.Dropped > 0 {
		fmt.Fprintf(w, "… and %d more problems not shown (raise --max-problems)\n", rep.Dropped)
	}
	for _, p := range rep.Warnings {
		fmt.Fprintln(w, "warning: "+p.String())
	}
}

// cancelledBeforeImport is what an import interrupted before it began
// says (while the store was being opened).
const cancelledBeforeImport = "oneroster import: cancelled before the import began; nothing was imported"

// importRun logs an import's start and end, like serve's request lines:
// for the log a cron job or a systemd timer keeps, beside the report.
type importRun struct {
	log   *slog.Logger
	start time.Time
}

func startRun(log *slog.Logger, path, sha, dsn string) *importRun {
	// The store's kind only: a postgres:// DSN may hold a password.
	kind := "sqlite"
	if isPostgres(dsn) {
		kind = "postgresql"
	}
	attrs := []any{"package", path, "store", kind}
	if sha != "" {
		attrs = append(attrs, "sha256", sha)
	}
	log.Info("import started", attrs...)
	return &importRun{log: log, start: time.Now()}
}

// end logs the outcome (imported, rejected, cancelled or failed), what
// the report counts, and err: INFO for an import, WARN for a refusal or a
// cancellation, ERROR for a failure.
func (r *importRun) end(outcome string, rep *csvimport.Report, err error) {
	level := slog.LevelWarn
	switch outcome {
	case "imported":
		level = slog.LevelInfo
	case "failed":
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("outcome", outcome), slog.Int64("duration_ms", time.Since(r.start).Milliseconds())}
	if rep != nil {
		var rows, added, updated, unchanged, deleted int
		for _, f := range rep.Files {
			rows, added, updated, unchanged, deleted = rows+f.Rows, added+f.Added, updated+f.Updated, unchanged+f.Unchanged, deleted+f.Deleted
		}
		if rep.ImportID != 0 {
			attrs = append(attrs, slog.Int64("import_id", rep.ImportID))
		}
		attrs = append(attrs, slog.Int("files", len(rep.Files)), slog.Int("rows", rows))
		if rep.OK {
			attrs = append(attrs, slog.Int("added", added), slog.Int("updated", updated), slog.Int("unchanged", unchanged), slog.Int("deleted", deleted))
		}
		attrs = append(attrs, slog.Int("problems", len(rep.Problems)+rep.Dropped), slog.Int("warnings", len(rep.Warnings)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	r.log.LogAttrs(context.Background(), level, "import finished", attrs...)
}

// importStep shows a step of an import or a validate.
func (m *meter) importStep(p csvimport.Progress) {
	m.update(step{File: p.File, Rows: p.Rows, FileDone: p.Bytes, FileTotal: p.Size, Done: p.TotalBytes, Total: p.TotalSize})
}

// fileHash is the SHA-256 of a package file; folders are not hashed.
func fileHash(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.IsDir() {
		return ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
