package generate

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestProgress: each file's pass reports its schools up to all of them,
// the package's weighted count only grows, to its total, and the calls
// do not overlap; the output is the same bytes with or without them.
func TestProgress(t *testing.T) {
	o := Options{Students: 1600, Seed: 5} // four schools
	var plain bytes.Buffer
	if _, err := WriteZip(&plain, o); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"folder", "zip"} {
		var events []Progress
		busy := false
		o.Progress = func(p Progress) {
			if busy {
				t.Error("Progress called while a call was running")
			}
			busy = true
			events = append(events, p)
			busy = false
		}
		var sum Summary
		var err error
		var zipped bytes.Buffer
		if kind == "zip" {
			sum, err = WriteZip(&zipped, o)
		} else {
			sum, err = Write(filepath.Join(t.TempDir(), "pkg"), o)
		}
		if err != nil {
			t.Fatal(err)
		}
		if kind == "zip" && !bytes.Equal(zipped.Bytes(), plain.Bytes()) {
			t.Error("the zip differs with Progress set")
		}
		last := map[string]Progress{}
		var done int64
		for _, p := range events {
			if p.Of != sum.Schools || p.Schools < 1 || p.Schools > p.Of || p.Done > p.Total {
				t.Fatalf("%s: %+v; want 1..%d schools", kind, p, sum.Schools)
			}
			if prev, ok := last[p.File]; ok && (p.Schools <= prev.Schools || p.Rows < prev.Rows) {
				t.Errorf("%s: %s did not move on: %+v after %+v", kind, p.File, p, prev)
			}
			if p.Done <= done {
				t.Errorf("%s: the package did not move on: %+v after %d", kind, p, done)
			}
			last[p.File], done = p, p.Done
		}
		if len(events) == 0 || done != events[0].Total {
			t.Fatalf("%s: ended at %d of %+v", kind, done, events)
		}
		if len(last) != len(sum.Files)-1 { // manifest.csv is not a pass
			t.Errorf("%s: progress for %d files, the package has %d data files", kind, len(last), len(sum.Files)-1)
		}
		for name, p := range last {
			if p.Schools != p.Of || p.Rows != sum.Files[name] {
				t.Errorf("%s: %s ended at %+v; want %d schools and %d rows", kind, name, p, p.Of, sum.Files[name])
			}
		}
	}
}
