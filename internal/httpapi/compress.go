package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Response compression: zstd or gzip, as the request's Accept-Encoding
// allows, for bodies of at least compressMin bytes. A body whose length
// the handler declared (Content-Length, as writeJSON does) is decided on
// at once; one of unknown length (a stream) is held until compressMin
// bytes came, or the handler flushed or finished, so that no stream is
// buffered beyond that. Every response says Vary: Accept-Encoding, the
// answers without a body too, since a cache must not hand the compressed
// answer to a client that did not ask for it.

// compressMin is the smallest body compressed: below it, the headers of
// a compressed answer cost about what compression saves.
const compressMin = 1024

// Codings, in the order chosen on a tie of q-values: zstd compresses a
// OneRoster page smaller than gzip, several times faster.
const (
	codingZstd = "zstd"
	codingGzip = "gzip"
)

// negotiateCoding returns the coding to answer with, zstd or gzip, or ""
// for the body as it is, from an Accept-Encoding field value (RFC 9110
// §12.5.3): the coding with the highest q-value above 0, "*" standing for
// any coding not named, and zstd on a tie. A client that names neither
// and no "*" gets the body as it is; "identity;q=0" is not honoured with
// a 406, since every client reads an uncompressed body.
func negotiateCoding(accept string) string {
	if accept == "" {
		return ""
	}
	q := map[string]float64{}
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a q-value that cannot be read accepts nothing
				}
				v = f
			}
		}
		if name == "x-gzip" {
			name = codingGzip
		}
		if old, seen := q[name]; !seen || v > old {
			q[name] = v
		}
	}
	weight := func(coding string) float64 {
		if v, ok := q[coding]; ok {
			return v
		}
		return q["*"]
	}
	zw, gw := weight(codingZstd), weight(codingGzip)
	switch {
	case zw > 0 && zw >= gw:
		return codingZstd
	case gw > 0:
		return codingGzip
	}
	return ""
}

// The encoders are pooled: a zstd encoder costs about a megabyte of
// tables to build, a gzip writer a few hundred kilobytes. gzip runs at
// BestSpeed: a page of 100 users (76 kB) compresses in 60 µs to 7.6 kB,
// against 176 µs to 6.4 kB at the default level, which halved the
// server's requests/s on two cores (BENCHMARKS.md).
var (
	gzipPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}}
	zstdPool = sync.Pool{New: func() any {
		// One goroutine per encoder (a server runs many requests at
		// once), a 1 MiB window (every decoder must accept 8 MiB; the
		// window bounds the memory of both ends).
		w, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20),
			zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithLowerEncoderMem(true))
		return w
	}}
)

// compressWriter compresses what a handler writes, once it has decided
// to. Its zero state is "undecided"; the handler's first WriteHeader or
// Write decides, or holds a body of unknown length until it can.
type compressWriter struct {
	http.ResponseWriter
	coding  string // what the client accepts: codingZstd, codingGzip or ""
	head    bool
	status  int  // the status the handler gave, 0 before it gave one
	pending bool // status held while an unknown-length body is buffered
	sent    bool // the header went to the client
	buf     []byte
	zw      interface {
		io.WriteCloser
		Flush() error
	}
}

// compressed returns the writer a handler should write to, and the
// function that finishes the response after the handler returned.
func compressed(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	w.Header().Add("Vary", "Accept-Encoding")
	coding := negotiateCoding(r.Header.Get("Accept-Encoding"))
	if coding == "" {
		return w, func() {}
	}
	cw := &compressWriter{ResponseWriter: w, coding: coding, head: r.Method == http.MethodHead}
	return cw, cw.finish
}

func (w *compressWriter) WriteHeader(status int) {
	if w.sent || w.pending {
		return // net/http says "superfluous WriteHeader"; so do we, by ignoring it
	}
	if status < 200 { // 1xx: informational, passed through
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.status = status
	h := w.Header()
	switch {
	case w.head, status == http.StatusNoContent, status == http.StatusNotModified,
		h.Get("Content-Encoding") != "", !compressible(h.Get("Content-Type")):
		w.send(false)
	case h.Get("Content-Length") != "":
		n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
		w.send(err == nil && n >= compressMin)
	default:
		w.pending = true
	}
}

// compressible says whether a body of this media type is worth
// compressing: text, JSON and XML; not images or archives, which are
// compressed already, nor a body without a type, which net/http would
// type by sniffing the compressed bytes.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return strings.HasPrefix(mt, "text/") || mt == "application/json" ||
		strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "/xml") || strings.HasSuffix(mt, "+xml")
}

// send writes the held header, compressed or not.
func (w *compressWriter) send(compress bool) {
	w.pending, w.sent = false, true
	if compress {
		h := w.Header()
		h.Del("Content-Length") // the handler's, of the uncompressed body
		h.Set("Content-Encoding", w.coding)
		// A strong ETag names the bytes sent, which compression changes.
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et)
		}
		switch w.coding {
		case codingZstd:
			zw := zstdPool.Get().(*zstd.Encoder)
			zw.Reset(w.ResponseWriter)
			w.zw = zw
		default:
			zw := gzipPool.Get().(*gzip.Writer)
			zw.Reset(w.ResponseWriter)
			w.zw = zw
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
}

func (w *compressWriter) Write(p []byte) (int, error) {
	if !w.sent && !w.pending {
		w.WriteHeader(http.StatusOK)
	}
	switch {
	case w.zw != nil:
		return w.zw.Write(p)
	case w.sent:
		return w.ResponseWriter.Write(p)
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= compressMin {
		if err := w.release(true); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// release sends the held header and body.
func (w *compressWriter) release(compress bool) error {
	w.send(compress)
	b := w.buf
	w.buf = nil
	var err error
	if w.zw != nil {
		_, err = w.zw.Write(b)
	} else if len(b) > 0 {
		_, err = w.ResponseWriter.Write(b)
	}
	return err
}

// Flush sends what is held: a stream that flushes before compressMin
// bytes is a stream all the same (more comes), so it is compressed.
func (w *compressWriter) Flush() {
	if w.pending {
		w.release(true)
	}
	if w.zw != nil {
		w.zw.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish ends the response after the handler returned: a body still held
// is short, and sent as it is; a compressed one is closed and its encoder
// pooled again.
func (w *compressWriter) finish() {
	if w.pending {
		w.release(false)
	}
	if w.zw == nil {
		return
	}
	w.zw.Close()
	switch zw := w.zw.(type) {
	case *zstd.Encoder:
		zw.Reset(nil)
		zstdPool.Put(zw)
	case *gzip.Writer:
		zw.Reset(nil)
		gzipPool.Put(zw)
	}
	w.zw = nil
}
