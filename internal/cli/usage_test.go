package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
)

// TestHelpOnStdout: asked for, the usage is the answer: stdout, exit 0.
// Not asked for (no command), it goes to stderr with exit 2.
func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := run(t, args...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "usage: oneroster COMMAND") || !strings.Contains(r.stdout, "version") {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{{"import", "--help"}, {"help", "import"}, {"serve", "-h"}, {"clients", "--help"}} {
		r := run(t, args...)
		if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "usage: oneroster "+args[len(args)-1]) > 1 ||
			!strings.Contains(r.stdout, "usage: oneroster ") || !strings.Contains(r.stdout, "-db") {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := run(t); r.code != cli.ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "usage: oneroster COMMAND") {
		t.Errorf("oneroster: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWrongFlagUsageOnce: a flag the command does not know, or a bad
// value, is said once and the usage printed once, on stderr.
func TestWrongFlagUsageOnce(t *testing.T) {
	for _, args := range [][]string{
		{"import", "--nope", "x"},
		{"serve", "--max-limit", "lots"},
		{"export", "--db"},
		{"clients", "list", "--bogus"},
		{"imports", "-x"},
	} {
		r := run(t, args...)
		if r.code != cli.ExitUsage || r.stdout != "" || strings.Count(r.stderr, "usage: oneroster "+args[0]) != 1 ||
			strings.Count(r.stderr, "oneroster "+args[0]+": ") != 1 {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestReadOnlyCommandsRefuseMissingDatabase: a SQLite path that names
// nothing is refused by the commands that only read what is stored, and
// no file is left behind; the message says how to make one. The default
// database (no --db, no ONEROSTER_DB) is oneroster.db in the working
// directory: it is refused the same way.
func TestReadOnlyCommandsRefuseMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "none.db")
	for _, args := range [][]string{
		{"imports", "--db", db},
		{"imports", "show", "1", "--db", db},
		{"clients", "list", "--db", db},
		{"clients", "revoke", "orc_x", "--db", db},
		{"export", "--db", db, filepath.Join(dir, "out")},
		{"serve", "--db", db, "--addr", "127.0.0.1:0"},
	} {
		r := run(t, args...)
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "no database at "+db) || !strings.Contains(r.stderr, "oneroster import --db "+db) {
			t.Errorf("oneroster %v: exit %d\nstderr %q", args, r.code, r.stderr)
		}
		if _, err := os.Stat(db); err == nil {
			t.Fatalf("oneroster %v created %s", args, db)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Errorf("export wrote its OUT without a database")
	}

	t.Chdir(dir)
	t.Setenv("ONEROSTER_DB", "")
	r := run(t, "imports")
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "no database at oneroster.db") {
		t.Errorf("imports without --db: exit %d\nstderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "oneroster.db")); err == nil {
		t.Errorf("imports without --db created oneroster.db")
	}

	// What makes a database still does.
	if r := run(t, "clients", "create", "--db", db, "--name", "x", "--scope", "roster.readonly"); r.code != 0 {
		t.Fatalf("clients create: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "imports", "--db", db); r.code != 0 {
		t.Errorf("imports on the new database: exit %d %s", r.code, r.stderr)
	}
}
