package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/cli"
	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// TestMain lets a test run the command in a child process of its own
// (ONEROSTER_TEST_MAIN=1), so that the child can be killed.
func TestMain(m *testing.M) {
	if os.Getenv("ONEROSTER_TEST_MAIN") == "1" {
		os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestKilledImportLeavesStoreWhole kills an import with SIGKILL midway
// and checks that the store still holds exactly the previous import.
func TestKilledImportLeavesStoreWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child import; skipped with -short")
	}
	dir := t.TempDir()
	small, big, db := filepath.Join(dir, "small"), filepath.Join(dir, "big"), filepath.Join(dir, "k.db")
	if r := run(t, "generate", "--out", small, "--students", "50", "--seed", "1"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "generate", "--out", big, "--students", "3000", "--seed", "2"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "import", "--db", db, small); r.code != 0 {
		t.Fatal(r.stderr)
	}
	snapshot := func() map[string]string {
		st, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		out := filepath.Join(t.TempDir(), "snap")
		if _, err := csvexport.Export(context.Background(), st, out, csvexport.Options{}); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(out, e.Name()))
			files[e.Name()] = string(b)
		}
		return files
	}
	before := snapshot()
	for _, after := range []time.Duration{300 * time.Millisecond, 900 * time.Millisecond, 1800 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "import", "--db", db, "--allow-mass-delete", big)
		cmd.Env = append(os.Environ(), "ONEROSTER_TEST_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			t.Logf("the import finished before the kill after %s (%v); a larger package would test more", after, err)
			return
		case <-time.After(after):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		got := snapshot()
		if len(got) != len(before) {
			t.Fatalf("after SIGKILL at %s: %d files exported, want %d", after, len(got), len(before))
		}
		for name, want := range before {
			if got[name] != want {
				t.Errorf("after SIGKILL at %s, %s differs from the previous state", after, name)
			}
		}
	}
	// And the store still takes an import.
	if r := run(t, "import", "--db", db, "--allow-mass-delete", big); r.code != 0 || !strings.Contains(r.stdout, "imported") {
		t.Errorf("import after the kills: %d %s %s", r.code, r.stdout, r.stderr)
	}
}
