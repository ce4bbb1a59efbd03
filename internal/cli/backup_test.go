package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
)

// TestBackup: backup copies a store that the other commands read as the
// original; it refuses to replace a file without --force, the database
// itself, a folder, and answers a PostgreSQL DSN with pg_dump's name,
// without repeating the DSN's password.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	pkg, db, out := filepath.Join(dir, "pkg"), filepath.Join(dir, "live.db"), filepath.Join(dir, "copy.db")
	if r := run(t, "generate", "--out", pkg, "--students", "40"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "import", "--db", db, pkg); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "backup", "--db", db, out)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "backed up "+db+" to "+out) {
		t.Fatalf("backup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	orig, copied := run(t, "imports", "--db", db, "--json"), run(t, "imports", "--db", out, "--json")
	if copied.code != 0 || copied.stdout != orig.stdout || !strings.Contains(copied.stdout, "imported") {
		t.Errorf("imports of the copy: exit %d\n%s\nwant\n%s", copied.code, copied.stdout, orig.stdout)
	}

	before, _ := os.ReadFile(out)
	if r := run(t, "backup", "--db", db, out); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "--force") {
		t.Errorf("backup over an existing OUT: exit %d %s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Error("a refused backup changed OUT")
	}
	if r := run(t, "backup", "--db", db, "--force", out); r.code != 0 {
		t.Errorf("backup --force: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "backup", "--db", db, db); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "is the database itself") {
		t.Errorf("backup onto the database: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "backup", "--db", db, "--force", dir); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "is a folder") {
		t.Errorf("backup onto a folder: exit %d %s", r.code, r.stderr)
	}
	r = run(t, "backup", "--db", "postgres://admin:s3cret@db.example/oneroster", filepath.Join(dir, "pg.db"))
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, "pg_dump --format=custom") || strings.Contains(r.stderr, "s3cret") {
		t.Errorf("backup of PostgreSQL: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, "backup", "--db", filepath.Join(dir, "none.db"), filepath.Join(dir, "none-copy.db")); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "no database at") {
		t.Errorf("backup of no database: exit %d %s", r.code, r.stderr)
	}
	for _, name := range []string{"pg.db", "none.db", "none-copy.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a refused backup left %s", name)
		}
	}
}
