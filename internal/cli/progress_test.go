package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type progressEvent struct {
	Event, Command, File, Unit, TotalUnit string
	Rows                                  int
	FileDone, FileTotal, Done, Total      int64
	Percent, FilePercent                  float64
	Left                                  *float64 `json:"remainingSeconds"`
}

// progressEvents parses the --progress json lines of stderr; other lines
// (logs, problems) are skipped, as a script would skip them.
func progressEvents(t *testing.T, stderr string) []progressEvent {
	t.Helper()
	var out []progressEvent
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, `{"event":"progress"`) {
			continue
		}
		var ev progressEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("progress line %q: %v", line, err)
		}
		out = append(out, ev)
	}
	return out
}

// TestImportProgressJSON: --progress json writes events on stderr whose
// bytes only grow, per file and overall, up to the package's size (the
// sum of its data files), while stdout keeps the report.
func TestImportProgressJSON(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	if r := run(t, "generate", "--out", pkg, "--students", "1200", "--seed", "4"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	sizes := map[string]int64{}
	var sum int64
	entries, _ := os.ReadDir(pkg)
	for _, e := range entries {
		if fi, _ := e.Info(); e.Name() != "manifest.csv" {
			sizes[e.Name()] = fi.Size()
			sum += fi.Size()
		}
	}
	for _, cmd := range []string{"import", "validate"} {
		args := []string{cmd, "--progress", "json", pkg}
		if cmd == "import" {
			args = append(args, "--db", filepath.Join(dir, "p.db"))
		}
		r := run(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "enrollments.csv") && !strings.Contains(r.stdout, "is valid") {
			t.Fatalf("%s: exit %d\n%s\n%s", cmd, r.code, r.stdout, r.stderr)
		}
		evs := progressEvents(t, r.stderr)
		if len(evs) < len(sizes) {
			t.Fatalf("%s: %d progress events for %d files:\n%s", cmd, len(evs), len(sizes), r.stderr)
		}
		end := map[string]int64{}
		var done int64
		for _, ev := range evs {
			if ev.Command != cmd || ev.Unit != "bytes" || ev.TotalUnit != "bytes" || ev.Total != sum || ev.FileTotal != sizes[ev.File] {
				t.Fatalf("%s: event %+v; want totals %d and %d bytes", cmd, ev, sum, sizes[ev.File])
			}
			if ev.Done < done || ev.FileDone < end[ev.File] {
				t.Errorf("%s: %+v went back (from %d, %d)", cmd, ev, done, end[ev.File])
			}
			done, end[ev.File] = ev.Done, ev.FileDone
		}
		last := evs[len(evs)-1]
		if last.Done != sum || last.Percent != 100 || last.Left == nil || *last.Left != 0 {
			t.Errorf("%s: last event %+v; want %d bytes done, 100%%, 0 s left", cmd, last, sum)
		}
		for name, n := range sizes {
			if end[name] != n {
				t.Errorf("%s: %s ended at %d of %d bytes", cmd, name, end[name], n)
			}
		}
	}
}

// TestProgressQuietOffTerminal: stderr that is not a terminal (a buffer,
// a pipe to a log) gets no progress by default, nor with --progress none.
func TestProgressQuietOffTerminal(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	r := run(t, "generate", "--out", pkg, "--students", "100")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "progress") {
		t.Errorf("generate wrote progress off a terminal: %q", r.stderr)
	}
	for _, args := range [][]string{
		{"import", "--db", filepath.Join(dir, "q.db"), pkg},
		{"import", "--db", filepath.Join(dir, "q.db"), "--progress", "none", pkg},
		{"validate", pkg},
	} {
		r := run(t, args...)
		if r.code != 0 || strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, `"event"`) {
			t.Errorf("%v: exit %d; stderr %q", args, r.code, r.stderr)
		}
	}
}

// TestGenerateProgressJSON: generate's events count each file's schools
// up to all of them and the package's steps up to their total.
func TestGenerateProgressJSON(t *testing.T) {
	for _, zip := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "pkg")
		args := []string{"generate", "--out", out, "--students", "1100", "--progress", "json"}
		if zip {
			args = append(args, "--zip")
		}
		r := run(t, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "wrote ") {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		evs := progressEvents(t, r.stderr)
		if len(evs) == 0 {
			t.Fatalf("%v: no progress events in %q", args, r.stderr)
		}
		ended := map[string]bool{}
		var done int64
		for _, ev := range evs {
			if ev.Command != "generate" || ev.Unit != "schools" || ev.TotalUnit != "steps" || ev.FileTotal != evs[0].FileTotal || ev.FileTotal < 2 || ev.Done < done {
				t.Errorf("%v: event %+v (after %d steps)", args, ev, done)
			}
			done = ev.Done
			if ev.FileDone == ev.FileTotal {
				ended[ev.File] = true
			}
		}
		if last := evs[len(evs)-1]; last.Done != last.Total || last.Percent != 100 {
			t.Errorf("%v: last event %+v", args, last)
		}
		if len(ended) != 21 {
			t.Errorf("%v: %d files reached their end, want 21", args, len(ended))
		}
	}
}
