package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMeterTerminalLine: on a terminal the line is redrawn in place with
// both percentages, the bytes and the time left at the pace so far; at
// most ten lines a second, but a file's end always shows; clear erases it.
func TestMeterTerminalLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	m := &meter{w: &buf, command: "import", unit: "bytes", totalUnit: "bytes", now: func() time.Time { return clock },
		start: clock, began: map[string]time.Time{}}
	m.update(step{File: "users.csv", FileDone: 0, FileTotal: 4_000_000, Done: 0, Total: 8_000_000})
	clock = clock.Add(2 * time.Second)
	m.update(step{File: "users.csv", FileDone: 1_000_000, FileTotal: 4_000_000, Done: 1_000_000, Total: 8_000_000})
	want := "\r\033[Kimport users.csv 25% (1.0 MB of 4.0 MB), 6s left · all 12% (1.0 MB of 8.0 MB), 14s left"
	if got := buf.String()[strings.LastIndex(buf.String(), "\r"):]; got != want {
		t.Errorf("line\n%q\nwant\n%q", got, want)
	}
	n := buf.Len()
	clock = clock.Add(50 * time.Millisecond)
	m.update(step{File: "users.csv", FileDone: 2_000_000, FileTotal: 4_000_000, Done: 2_000_000, Total: 8_000_000})
	if buf.Len() != n {
		t.Errorf("a redraw 50 ms after the last: %q", buf.String()[n:])
	}
	m.update(step{File: "users.csv", FileDone: 4_000_000, FileTotal: 4_000_000, Done: 4_000_000, Total: 8_000_000})
	if !strings.Contains(buf.String()[n:], "users.csv 100%") {
		t.Errorf("the end of a file was not shown: %q", buf.String()[n:])
	}
	m.clear()
	if !strings.HasSuffix(buf.String(), "\r\033[K") || m.drawn {
		t.Errorf("clear did not erase the line: %q", buf.String())
	}
}

// TestMeterOff: auto is off for a writer that is not a terminal, an
// *os.File included (a pipe); none is off everywhere.
func TestMeterOff(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	auto := &choice{value: "auto"}
	for _, e := range []*env{{stderr: w}, {stderr: &bytes.Buffer{}}} {
		if m := newMeter(e, auto, "import", "bytes", "bytes"); m != nil {
			t.Errorf("a meter for %T, not a terminal", e.stderr)
		}
	}
	if m := newMeter(&env{stderr: w}, &choice{value: "none"}, "import", "bytes", "bytes"); m != nil {
		t.Error("a meter for --progress none")
	}
	var m *meter // what the commands hold when progress is off
	m.update(step{File: "x"})
	m.clear()
}
