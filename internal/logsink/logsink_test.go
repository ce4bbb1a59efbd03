package logsink

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the flusher and the test may share.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLinesWaitThenGoOutTogether(t *testing.T) {
	var out syncBuffer
	w := New(&out)
	defer w.Close()
	log := slog.New(slog.NewTextHandler(w, nil))
	for i := range 50 {
		log.Info("request", "n", i)
	}
	if got := out.String(); got != "" {
		t.Fatalf("written before the flush: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "\n"); n != 50 {
		t.Fatalf("%d lines after the flusher ran, want 50", n)
	}
	out.mu.Lock()
	writes := out.writes
	out.mu.Unlock()
	if writes != 1 {
		t.Errorf("50 lines took %d writes, want 1", writes)
	}
}

func TestCloseWritesEverything(t *testing.T) {
	var out syncBuffer
	w := New(&out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				w.Write([]byte(strings.Repeat("x", g+i%7) + "\n"))
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // twice is harmless
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 8000 {
		t.Fatalf("%d lines, want 8000", n)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if strings.Trim(line, "x") != "" {
			t.Fatalf("lines interleaved: %q", line)
		}
	}
}

func TestUrgentFlushesWarnings(t *testing.T) {
	var out syncBuffer
	w := New(&out)
	defer w.Close()
	log := slog.New(Urgent(slog.NewTextHandler(w, nil), w)).With("k", "v")
	log.Info("one")
	if out.String() != "" {
		t.Fatal("an INFO line was written at once")
	}
	log.Warn("two")
	got := out.String()
	if !strings.Contains(got, "msg=one") || !strings.Contains(got, "msg=two") || !strings.Contains(got, "k=v") {
		t.Fatalf("after a WARN line: %q", got)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsKept(t *testing.T) {
	w := New(failing{})
	defer w.Close()
	w.Write([]byte("a\n"))
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Flush: %v", err)
	}
	if _, err := w.Write([]byte("b\n")); err == nil {
		t.Fatal("Write after a failed flush succeeded")
	}
}

// BenchmarkRequestLine is the request log's line written straight to a
// file (one write(2) a line, as before) and through a Writer.
func BenchmarkRequestLine(b *testing.B) {
	for _, buffered := range []bool{false, true} {
		name := "direct"
		if buffered {
			name = "buffered"
		}
		b.Run(name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			var h slog.Handler = slog.NewTextHandler(f, nil)
			if buffered {
				w := New(f)
				defer w.Close()
				h = slog.NewTextHandler(w, nil)
			}
			log := slog.New(h)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("request_id", "0123456789abcdef01234567"),
						slog.String("client_id", "client-1"), slog.String("method", "GET"), slog.String("route", "/ims/oneroster/rostering/v1p2/users/{sourcedId}"),
						slog.Int("status", 200), slog.Int64("bytes", 912), slog.Float64("duration_ms", 0.21), slog.Int("records", 1))
				}
			})
		})
	}
}
