package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// rawClient sends Accept-Encoding only when a test sets it and never
// decompresses (http.DefaultClient asks for gzip itself and hides it).
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// fetch sends method path with the fixture's token and the given header
// fields, and returns the response with its body as it came.
func (f *fixture) fetch(t *testing.T, method, path string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, body, req}
}

func decode(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	default:
		return b
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s body: %v", coding, err)
	}
	return out
}

func hasVary(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// TestCompression: a page above the threshold comes gzip- or
// zstd-compressed as asked, without the uncompressed Content-Length, and
// decodes to exactly the plain answer (which validates against the
// OpenAPI); a client that asks for no coding, or for one we do not
// speak, gets the plain body with its length; a small body is never
// compressed; every answer says Vary: Accept-Encoding.
func TestCompression(t *testing.T) {
	f := newFixture(t)
	const page = "/ims/oneroster/rostering/v1p2/users?limit=100"
	plain := f.fetch(t, "GET", page)
	if plain.status != 200 || plain.header.Get("Content-Encoding") != "" ||
		plain.header.Get("Content-Length") != strconv.Itoa(len(plain.body)) {
		t.Fatalf("no Accept-Encoding: %d Content-Encoding %q Content-Length %q for %d bytes",
			plain.status, plain.header.Get("Content-Encoding"), plain.header.Get("Content-Length"), len(plain.body))
	}
	if len(plain.body) < 2048 {
		t.Fatalf("the page is %d bytes: too small to test compression", len(plain.body))
	}
	f.v.ValidateResponse(t, plain.req, plain.status, plain.header, plain.body)
	if !hasVary(plain.header) {
		t.Errorf("plain answer without Vary: Accept-Encoding: %v", plain.header)
	}
	for _, tc := range []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"zstd", "zstd"},
		{"gzip, deflate, br, zstd", "zstd"},
		{"zstd;q=0.5, gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"*", "zstd"},
		{"*;q=0.1, zstd;q=0", "gzip"},
		{"br", ""},
		{"gzip;q=0, zstd;q=0", ""},
		{"identity", ""},
	} {
		r := f.fetch(t, "GET", page, "Accept-Encoding", tc.accept)
		if r.status != 200 || r.header.Get("Content-Encoding") != tc.want {
			t.Errorf("Accept-Encoding %q: %d Content-Encoding %q, want %q", tc.accept, r.status, r.header.Get("Content-Encoding"), tc.want)
			continue
		}
		if !hasVary(r.header) {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tc.accept)
		}
		if tc.want != "" {
			if r.header.Get("Content-Length") != "" && r.header.Get("Content-Length") == plain.header.Get("Content-Length") {
				t.Errorf("Accept-Encoding %q: the uncompressed Content-Length was sent", tc.accept)
			}
			if len(r.body) >= len(plain.body)/2 {
				t.Errorf("Accept-Encoding %q: %d bytes compressed of %d", tc.accept, len(r.body), len(plain.body))
			}
		}
		got := decode(t, tc.want, r.body)
		if !bytes.Equal(got, plain.body) {
			t.Errorf("Accept-Encoding %q: the decoded body differs from the plain one (%d and %d bytes)", tc.accept, len(got), len(plain.body))
		}
		if r.header.Get("ETag") != plain.header.Get("ETag") || r.header.Get("X-Total-Count") != plain.header.Get("X-Total-Count") {
			t.Errorf("Accept-Encoding %q: ETag %q X-Total-Count %q, plain %q %q", tc.accept,
				r.header.Get("ETag"), r.header.Get("X-Total-Count"), plain.header.Get("ETag"), plain.header.Get("X-Total-Count"))
		}
		f.v.ValidateResponse(t, r.req, r.status, r.header, got)
	}

	// Small answers: a short page, an error, a HEAD.
	for _, p := range []string{"/ims/oneroster/rostering/v1p2/orgs?limit=1&fields=sourcedId",
		"/ims/oneroster/rostering/v1p2/users/no-such-user"} {
		r := f.fetch(t, "GET", p, "Accept-Encoding", "gzip, zstd")
		if r.header.Get("Content-Encoding") != "" || len(r.body) >= 1024 || !hasVary(r.header) {
			t.Errorf("%s: %d bytes, Content-Encoding %q, Vary %q", p, len(r.body), r.header.Get("Content-Encoding"), r.header.Values("Vary"))
		}
		f.v.ValidateResponse(t, r.req, r.status, r.header, r.body)
	}
	head := f.fetch(t, "HEAD", page, "Accept-Encoding", "gzip")
	if head.status != 200 || head.header.Get("Content-Encoding") != "" || len(head.body) != 0 {
		t.Errorf("HEAD: %d Content-Encoding %q, %d bytes", head.status, head.header.Get("Content-Encoding"), len(head.body))
	}

	// The Go client's own transparent gzip, as most consumers meet it.
	r := f.get(t, page)
	if !bytes.Equal(r.body, plain.body) {
		t.Errorf("http.DefaultClient: the body differs from the plain one")
	}
}
