package cli_test

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
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
// (ONEROSTER_TEST_MAIN=1), so that the child can be killed or
// interrupted; it handles signals as cmd/oneroster does.
func TestMain(m *testing.M) {
	if os.Getenv("ONEROSTER_TEST_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestInterruptedImport: Ctrl-C (SIGINT) or SIGTERM midway through an
// import prints one clear line, exits 130, leaves the store as it was and
// is listed as cancelled.
func TestInterruptedImport(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child import; skipped with -short")
	}
	dir := t.TempDir()
	big, db := filepath.Join(dir, "big"), filepath.Join(dir, "i.db")
	if r := run(t, "generate", "--out", big, "--students", "3000", "--seed", "2"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	want := "oneroster import: cancelled; nothing was imported, the store is unchanged (oneroster imports lists it as cancelled)\n"
	early := "oneroster import: cancelled before the import began; nothing was imported\n"
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		// The signal is sent after a delay; one that lands while the store
		// is still being opened (a loaded machine) is answered as such, and
		// the delay doubles until one lands in the import itself.
		for delay := 400 * time.Millisecond; ; delay *= 2 {
			cmd := exec.Command(os.Args[0], "import", "--db", db, big)
			cmd.Env = append(os.Environ(), "ONEROSTER_TEST_MAIN=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			said := withoutLog(stderr.String())
			if code == 0 {
				t.Logf("the import finished before %v (%v); a larger package would test more", sig, err)
				return
			}
			// Before the import began: answered as such, or (exit -1) the
			// process had not yet installed its signal handlers and the
			// signal's default action ended it, before it opened anything.
			if (code == cli.ExitCancelled && said == early || code == -1 && said == "") && delay < 10*time.Second {
				t.Logf("%v after %v landed before the import began (exit %d); trying later", sig, delay, code)
				continue
			}
			if code != cli.ExitCancelled || said != want || !strings.Contains(stderr.String(), "outcome=cancelled") {
				t.Errorf("%v: exit %d, stderr %q; want %d, %q and the log's outcome=cancelled", sig, code, stderr.String(), cli.ExitCancelled, want)
			}
			break
		}
	}
	r := run(t, "imports", "--db", db)
	if r.code != 0 || strings.Count(r.stdout, "cancelled") != 2 {
		t.Errorf("imports after two interrupted imports: %s", r.stdout)
	}
	if r := run(t, "export", "--db", db, filepath.Join(dir, "out")); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "out")); len(entries) != 1 { // the manifest alone
		t.Errorf("the store holds data after interrupted imports: %d files exported", len(entries))
	}
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
		if committed(t, db, "big") {
			// The kill landed after the commit, before the exit: the
			// store rightly holds the whole new import.
			t.Logf("the import committed before the kill after %s; a larger package would test more", after)
			return
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

// committed reports whether the newest import of the store at db is an
// import of source that committed.
func committed(t *testing.T, db, source string) bool {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Imports(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return len(list) == 1 && list[0].Source == source && list[0].Outcome == "imported"
}

// TestImportCancelledWhileOpening: an import interrupted while the store
// is still being opened and migrated says so, exits as cancelled, and
// leaves no import in the history.
func TestImportCancelledWhileOpening(t *testing.T) {
	dir := t.TempDir()
	pkg, db := filepath.Join(dir, "pkg"), filepath.Join(dir, "c.db")
	if r := run(t, "generate", "--out", pkg, "--students", "20", "--seed", "3"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	code := cli.Run(ctx, []string{"import", "--db", db, pkg}, &out, &errb)
	want := "oneroster import: cancelled before the import began; nothing was imported\n"
	if code != cli.ExitCancelled || withoutLog(errb.String()) != want || !strings.Contains(errb.String(), "outcome=cancelled") {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, errb.String(), cli.ExitCancelled, want)
	}
	if _, err := os.Stat(db); err != nil {
		return // not even created: nothing recorded
	}
	if r := run(t, "imports", "--db", db); r.code != 0 || strings.Contains(r.stdout, "cancelled") {
		t.Errorf("imports: exit %d, %s", r.code, r.stdout)
	}
}

// withoutLog drops the log lines (text format) from an import's stderr,
// leaving what it says to a person.
func withoutLog(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(line, "time=") {
			b.WriteString(line)
		}
	}
	return b.String()
}
