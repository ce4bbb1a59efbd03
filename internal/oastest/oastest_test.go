package oastest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTB records what Dir and ValidateResponse report instead of ending the
// real test, so the skip, fatal and error paths can be asserted.
type fakeTB struct {
	testing.TB
	skipped, fatal, errored bool
	msg                     string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errored, f.msg = true, fmt.Sprintf(format, args...)
}

// run calls fn with a fakeTB on its own goroutine, because Skipf and Fatalf
// end the goroutine as the real ones do.
func run(t *testing.T, fn func(tb testing.TB)) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

// fakeFiles makes dir hold empty stand-ins for the three files: Dir checks
// only that they exist.
func fakeFiles(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDir cannot run in parallel: it changes the working directory and the
// environment.
func TestDir(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the working directory, the value of
		// ONEROSTER_OPENAPI_DIR and the directory Dir should return.
		setup   func(t *testing.T, root string) (wd, env, want string)
		ci      string
		outcome string // "ok", "skip" or "fatal"
	}{
		{
			name: "absolute env",
			setup: func(t *testing.T, root string) (string, string, string) {
				d := fakeFiles(t, filepath.Join(root, "spec"))
				return mkdir(t, filepath.Join(root, "elsewhere")), d, d
			},
			outcome: "ok",
		},
		{
			name: "env relative to module root, as CI sets it",
			setup: func(t *testing.T, root string) (string, string, string) {
				d := fakeFiles(t, filepath.Join(root, "shared", "spec", "artifacts", "openapi"))
				mod := mkdir(t, filepath.Join(root, "main"))
				if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return mkdir(t, filepath.Join(mod, "internal", "pkg")), "../shared/spec/artifacts/openapi", d
			},
			outcome: "ok",
		},
		{
			name: "walk up to a sibling shared folder",
			setup: func(t *testing.T, root string) (string, string, string) {
				d := fakeFiles(t, filepath.Join(root, "shared", "spec", "artifacts", "openapi"))
				return mkdir(t, filepath.Join(root, "main", "internal", "pkg")), "", d
			},
			ci:      "1",
			outcome: "ok",
		},
		{
			name: "not found outside CI skips",
			setup: func(t *testing.T, root string) (string, string, string) {
				return root, "", ""
			},
			outcome: "skip",
		},
		{
			name: "not found in CI fails",
			setup: func(t *testing.T, root string) (string, string, string) {
				return root, "", ""
			},
			ci:      "true",
			outcome: "fatal",
		},
		{
			name: "env pointing nowhere fails even outside CI",
			setup: func(t *testing.T, root string) (string, string, string) {
				return root, filepath.Join(root, "missing"), ""
			},
			outcome: "fatal",
		},
		{
			name: "env pointing at a folder without the files fails",
			setup: func(t *testing.T, root string) (string, string, string) {
				return root, mkdir(t, filepath.Join(root, "empty")), ""
			},
			outcome: "fatal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// EvalSymlinks because os.Getwd reports the resolved path on
			// systems where the temp dir is a symlink.
			root, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			wd, env, want := tt.setup(t, root)
			t.Chdir(wd)
			t.Setenv(EnvDir, env)
			t.Setenv("CI", tt.ci)

			var got string
			f := run(t, func(tb testing.TB) { got = Dir(tb) })

			outcome := "ok"
			switch {
			case f.skipped:
				outcome = "skip"
			case f.fatal:
				outcome = "fatal"
			}
			switch {
			case outcome != tt.outcome:
				t.Errorf("Dir: got outcome %q (%s), want %q", outcome, f.msg, tt.outcome)
			case outcome == "ok" && got != want:
				t.Errorf("Dir = %q, want %q", got, want)
			case outcome != "ok" && !strings.Contains(f.msg, EnvDir):
				t.Errorf("Dir message %q does not name %s", f.msg, EnvDir)
			}
		})
	}
}

// TestOptionalWithoutFiles: in a plain clone (no files, not CI) Optional
// gives a Validator that checks nothing, and says it has no files.
func TestOptionalWithoutFiles(t *testing.T) {
	t.Setenv(EnvDir, "")
	t.Setenv("CI", "")
	t.Chdir(t.TempDir())
	v := Optional(t, Rostering)
	if v.Has() {
		t.Fatal("Optional found files in an empty folder")
	}
	req, _ := http.NewRequest("GET", "http://x/ims/oneroster/rostering/v1p2/users", nil)
	if id := v.ValidateResponse(t, req, 200, http.Header{}, []byte(`not json`)); id != "" {
		t.Errorf("ValidateResponse = %q", id)
	}
	if _, err := v.Check(req, 200, http.Header{}, []byte(`{}`)); err == nil {
		t.Error("Check without files succeeded")
	}
}
