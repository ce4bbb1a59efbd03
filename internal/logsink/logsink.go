// Package logsink buffers log output. The request log writes one line
// per request; written straight to a file or a pipe, each line is a
// write(2), which on a small answer (a single user) costs a tenth of the
// request. Through a Writer, a line is a copy into memory, and the lines
// of up to FlushEvery go out together.
package logsink

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// FlushEvery is the longest a line waits in the buffer.
const FlushEvery = 200 * time.Millisecond

// bufferSize is the buffer's size: when it fills, it is written at once.
const bufferSize = 64 << 10

// Writer is an io.Writer that buffers what is written to w and writes it
// out at least every FlushEvery, when the buffer fills, and on Flush and
// Close. It is safe for concurrent use. A write error of w is kept and
// returned by the next Write, Flush or Close.
type Writer struct {
	mu    sync.Mutex
	buf   *bufio.Writer
	err   error
	dirty bool
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// New returns a Writer over w and starts its flusher; Close stops it.
func New(w io.Writer) *Writer {
	s := &Writer{buf: bufio.NewWriterSize(w, bufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go s.flusher()
	return s
}

func (s *Writer) flusher() {
	defer close(s.done)
	t := time.NewTicker(FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.Flush()
		case <-s.stop:
			return
		}
	}
}

// Write buffers p. slog's handlers write one whole record per call, so a
// line is never split between two flushes unless it is larger than the
// buffer.
func (s *Writer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.buf.Write(p)
	s.dirty = true
	s.err = err
	return n, err
}

// Flush writes out what is buffered.
func (s *Writer) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty || s.err != nil {
		return s.err
	}
	s.dirty = false
	s.err = s.buf.Flush()
	return s.err
}

// Close stops the flusher and writes out what is buffered. It does not
// close the underlying writer.
func (s *Writer) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return s.Flush()
}

// Urgent wraps a handler writing to w so that a record at WARN or above
// is written out at once, not up to FlushEvery later: an operator
// watching the log sees a failure when it happens, and a crash right
// after it does not lose the line that explains it.
func Urgent(h slog.Handler, w *Writer) slog.Handler { return urgent{h, w} }

type urgent struct {
	slog.Handler
	w *Writer
}

func (u urgent) Handle(ctx context.Context, r slog.Record) error {
	err := u.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		u.w.Flush()
	}
	return err
}

func (u urgent) WithAttrs(attrs []slog.Attr) slog.Handler {
	return urgent{u.Handler.WithAttrs(attrs), u.w}
}
func (u urgent) WithGroup(name string) slog.Handler { return urgent{u.Handler.WithGroup(name), u.w} }
