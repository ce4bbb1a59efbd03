package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// pgDumpAdvice is backup's answer for a PostgreSQL store, whose own tool
// does the job better than anything here could. The DSN is not repeated:
// it may hold a password.
const pgDumpAdvice = `backup copies SQLite databases; for PostgreSQL use pg_dump, which takes a consistent snapshot while serve runs:
  pg_dump --format=custom --file=oneroster.dump "$ONEROSTER_DB"
and pg_restore to bring it back (see "Backups" in the README)`

func runBackup(ctx context.Context, e *env, args []string) int {
	fs := e.flags("backup", "[--db DSN] [--force] OUT")
	db := e.dbFlag(fs)
	force := fs.Bool("force", false, "replace OUT if it exists")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 1 {
		return usageErr(e, fs, fmt.Errorf("want exactly one OUT (the file to write the copy to), got %d", len(pos)))
	}
	out := pos[0]
	if isPostgres(*db) {
		fmt.Fprintln(e.stderr, "oneroster backup: "+pgDumpAdvice)
		return ExitUsage
	}
	if _, err := os.Stat(*db); errors.Is(err, os.ErrNotExist) {
		return storeErr(e, "backup", &missingDB{*db})
	}
	if same(*db, out) {
		return usageErr(e, fs, fmt.Errorf("OUT %s is the database itself", out))
	}
	if fi, err := os.Stat(out); err == nil {
		switch {
		case fi.IsDir():
			fmt.Fprintf(e.stderr, "oneroster backup: %s is a folder; name the file to write, e.g. %s\n", out, filepath.Join(out, "oneroster-backup.db"))
			return ExitRejected
		case !*force:
			fmt.Fprintf(e.stderr, "oneroster backup: %s already exists; give --force to replace it\n", out)
			return ExitRejected
		}
	}
	start := time.Now()
	if err := sqlite.Backup(ctx, *db, out); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "oneroster backup: cancelled; %s was not written\n", out)
			return ExitCancelled
		}
		fmt.Fprintf(e.stderr, "oneroster backup: %v\n", err)
		return ExitRejected
	}
	var n int64
	if fi, err := os.Stat(out); err == nil {
		n = fi.Size()
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s in %s: %s\n", *db, out, time.Since(start).Round(time.Millisecond), size(n))
	return ExitOK
}

// same reports whether two paths name one file, so that a slip of the
// arguments cannot replace the database with its own copy.
func same(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
