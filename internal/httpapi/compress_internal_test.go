package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestCompressWriter drives the compressing writer with handlers that
// write in every way it must handle: a declared length above and below
// the threshold, a stream of unknown length that stays short, one that
// grows past the threshold, one that flushes early, bodies not worth
// compressing and statuses without a body.
func TestCompressWriter(t *testing.T) {
	big := strings.Repeat(`{"sourcedId":"u1","givenName":"Ada"},`, 100)
	type writeFn func(w http.ResponseWriter)
	chunks := func(s string, n int, flush bool) writeFn {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i < len(s); i += n {
				w.Write([]byte(s[i:min(i+n, len(s))]))
				if flush && i == 0 {
					http.NewResponseController(w).Flush()
				}
			}
		}
	}
	declared := func(s, contentType string, status int) writeFn {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(s)))
			w.WriteHeader(status)
			w.Write([]byte(s))
		}
	}
	for _, tc := range []struct {
		name       string
		write      writeFn
		body       string
		compressed bool
		status     int
	}{
		{"declared large", declared(big, "application/json", 200), big, true, 200},
		{"declared small", declared(big[:1023], "application/json", 200), big[:1023], false, 200},
		{"declared at threshold", declared(big[:1024], "application/json", 200), big[:1024], true, 200},
		{"stream short", chunks(big[:900], 100, false), big[:900], false, 200},
		{"stream long", chunks(big, 100, false), big, true, 200},
		{"stream flushed early", chunks(big[:300], 100, true), big[:300], true, 200},
		{"image", declared(big, "image/png", 200), big, false, 200},
		{"no content type", func(w http.ResponseWriter) { w.Write([]byte(big)) }, big, false, 200},
		{"error", declared(big, "application/json", 500), big, true, 500},
		{"no content", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, "", false, 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			w, finish := compressed(rec, req)
			tc.write(w)
			finish()
			res := rec.Result()
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if got := res.Header.Get("Content-Encoding") == "gzip"; got != tc.compressed {
				t.Fatalf("compressed %v, want %v (headers %v)", got, tc.compressed, res.Header)
			}
			body := rec.Body.Bytes()
			if tc.compressed {
				if res.Header.Get("Content-Length") != "" {
					t.Errorf("compressed with Content-Length %s", res.Header.Get("Content-Length"))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if string(body) != tc.body {
				t.Errorf("body %d bytes, want %d", len(body), len(tc.body))
			}
			if res.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q", res.Header.Values("Vary"))
			}
		})
	}
}

func TestNegotiateCoding(t *testing.T) {
	for accept, want := range map[string]string{
		"":                              "",
		"gzip":                          "gzip",
		"GZIP":                          "gzip",
		"gzip;q=0.8, zstd;q=0.9":        "zstd",
		"gzip;q=1.0, zstd;q=0.9":        "gzip",
		"zstd;q=0":                      "",
		"zstd;q=bad, gzip;q=0.1":        "gzip",
		"deflate, br":                   "",
		"*;q=0":                         "",
		"gzip;q=0, *":                   "zstd",
		"zstd;q=0, *":                   "gzip",
		" gzip ; q=0.5 , zstd ; Q=0.4 ": "gzip",
	} {
		if got := negotiateCoding(accept); got != want {
			t.Errorf("negotiateCoding(%q) = %q, want %q", accept, got, want)
		}
	}
}
