package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// newDotFixture is the fixture district plus users whose sourcedIds are
// "." and "..", valid in the CSV binding and the ones a client or a router
// most easily mistakes for path segments.
func newDotFixture(t *testing.T) *fixture {
	t.Helper()
	files := storetest.RosterFiles()
	files["users.csv"] += ".,,,true,dot,,Dot,One,,D1,,,,,,,,,,,org/sch-1,\n" +
		"..,,,true,dots,,Dot,Two,,D2,,,,,,,,,,,org/sch-1,\n"
	files["roles.csv"] += "r-dot,,,.,primary,student,,,org/sch-1,\n" +
		"r-dots,,,..,primary,student,,,org/sch-1,\n"
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dots.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, files, ""), storetest.T1)
	srv, api, token := newServer(t, st, httpapi.Config{})
	return &fixture{srv: srv, api: api, v: oastest.Optional(t, oastest.Rostering), token: token}
}

// noRedirects is a client that shows a redirect instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// sendAsIs requests path exactly as written (Go's client sends the escaped
// path of the URL as parsed, without resolving dot segments), with the
// fixture's token unless it is empty.
func (f *fixture) sendAsIs(t *testing.T, method, path string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.RequestURI(); !strings.HasPrefix(path, got) {
		t.Fatalf("the client would send %s for %s", got, path)
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	res, err := noRedirects.Do(req)
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

// TestLimitOffsetBeyondInt32: both paging parameters are int32 in the
// OpenAPI document; a value beyond is refused alike, while a limit above
// the server's maximum is still clamped.
func TestLimitOffsetBeyondInt32(t *testing.T) {
	f := newFixture(t)
	base := "/ims/oneroster/rostering/v1p2/users"
	for _, q := range []string{"limit=2147483648", "offset=2147483648", "limit=99999999999999999999", "offset=99999999999999999999"} {
		r := f.get(t, base+"?"+q)
		if r.status != 400 || r.codeMinor(t) != "invaliddata" || !strings.Contains(string(r.body), "must be at most 2147483647") {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	if r := f.get(t, base+"?limit=2147483647"); r.status != 200 || !strings.Contains(r.header.Get("Link"), "limit=10000&") {
		t.Errorf("limit=2147483647: %d, Link %q", r.status, r.header.Get("Link"))
	}
}

// TestSingleObjectTotalCount: a single-object GET says X-Total-Count 1,
// whether the object comes from the cache or the store, with fields or
// without, and an unknown id carries none.
func TestSingleObjectTotalCount(t *testing.T) {
	f := newFixture(t)
	base := "/ims/oneroster/rostering/v1p2"
	for _, path := range []string{"/users/u-s1", "/users/u-s1", "/users/u-s1?fields=givenName", "/schools/org%2Fsch-1", "/terms/t-1"} {
		r := f.get(t, base+path)
		if r.status != 200 || r.header.Get("X-Total-Count") != "1" {
			t.Errorf("GET %s: %d, X-Total-Count %q", path, r.status, r.header.Get("X-Total-Count"))
		}
	}
	if r := f.do(t, "HEAD", base+"/users/u-s1", false); r.status != 200 || r.header.Get("X-Total-Count") != "1" {
		t.Errorf("HEAD: %d, X-Total-Count %q", r.status, r.header.Get("X-Total-Count"))
	}
	for _, path := range []string{"/users/nobody", "/students/u-t1"} {
		if r := f.get(t, base+path); r.status != 404 || r.header.Values("X-Total-Count") != nil {
			t.Errorf("GET %s: %d, X-Total-Count %q", path, r.status, r.header.Values("X-Total-Count"))
		}
	}
}

// TestPathForms: a trailing slash, doubled slashes and "." or ".."
// sourcedIds, escaped or not, answer exactly as the clean path does (which
// the official OpenAPI validates), never with a redirect.
func TestPathForms(t *testing.T) {
	f := newDotFixture(t)
	base := "/ims/oneroster/rostering/v1p2"
	cases := []struct {
		clean string   // as a client following the OpenAPI sends it
		forms []string // the same request, sent otherwise
	}{
		{base + "/users", []string{base + "/users/", "/" + base + "//users", "//ims/oneroster//rostering/v1p2/users//"}},
		{base + "/users?limit=2&offset=1", []string{base + "/users/?limit=2&offset=1", base + "//users//?limit=2&offset=1"}},
		{base + "/users/u-s1", []string{base + "/users/u-s1/", base + "/users//u-s1", base + "//users/u-s1//"}},
		{base + "/classes/cl-1/students", []string{base + "/classes/cl-1/students/", base + "/classes//cl-1//students"}},
		{base + "/schools/org%2Fsch-1/classes", []string{base + "/schools/org%2Fsch-1/classes/", base + "/schools//org%2Fsch-1/classes"}},
		{base + "/orgs/org%2Fsch-1", []string{base + "/orgs/org%2Fsch-1/"}},
		{base + "/users/%2E", []string{base + "/users/.", base + "/users/./", base + "/users/%2e", base + "//users//.//"}},
		{base + "/users/%2E%2E", []string{base + "/users/..", base + "/users/../", base + "/users/%2E%2E/", base + "/users/.%2E"}},
		{base + "/users/%2E%2E/classes", []string{base + "/users/../classes", base + "/users/..//classes/"}},
		{base + "/students/%2E", []string{base + "/students/."}},
		// A dot segment is not resolved: these name no operation.
		{base + "/%2E/users", []string{base + "/./users"}},
		{base + "/users/u-s1/%2E%2E", []string{base + "/users/u-s1/.."}},
		{base + "/users/u-s1/%2E%2E/u-s2", []string{base + "/users/u-s1/../u-s2"}},
		{base, []string{base + "/", base + "//"}},
	}
	for _, tc := range cases {
		want := f.sendAsIs(t, "GET", tc.clean)
		if want.status == 200 {
			f.v.ValidateResponse(t, want.req, want.status, want.header, want.body)
		}
		for _, form := range tc.forms {
			got := f.sendAsIs(t, "GET", form)
			if got.status != want.status || string(got.body) != string(want.body) || got.header.Get("Content-Type") != "application/json" ||
				got.header.Get("Location") != "" || got.header.Get("X-Total-Count") != want.header.Get("X-Total-Count") {
				t.Errorf("GET %s: %d %q %s\nGET %s: %d %s", form, got.status, got.header.Get("Content-Type"), got.body, tc.clean, want.status, want.body)
			}
		}
	}
	// The dot users are found by their ids, not by a resolved path; and a
	// path that names no operation is still 404 JSON, not a redirect.
	for path, want := range map[string]string{
		base + "/users/.":                 `{"user":{"sourcedId":".",`,
		base + "/users/%2E%2E":            `{"user":{"sourcedId":"..",`,
		base + "/users/../classes":        `{"classes":[]}`,
		base + "/users/u-s1/..":           `"unknownobject"`,
		base + "/discovery/":              `"openapi"`,
		base + "/discovery":               `"openapi"`,
		"/ims//oneroster/rostering/v1p2/": `"unknownobject"`,
		"//healthz/":                      `{"status":"ok"}`,
	} {
		if r := f.sendAsIs(t, "GET", path); !strings.Contains(string(r.body), want) || r.status >= 300 && r.status < 400 {
			t.Errorf("GET %s: %d %s, want %s", path, r.status, r.body, want)
		}
	}
	// Link URLs repeat the path in its escaped form, so that a client
	// following them reaches the same dot user.
	r := f.sendAsIs(t, "GET", base+"/users/./classes?limit=1")
	if want := "<" + f.srv.URL + base + `/users/%2E/classes?limit=1&offset=0>; rel="first"`; r.header.Get("Link") != want {
		t.Errorf("Link = %q, want %q", r.header.Get("Link"), want)
	}
}

// serveOnTCP serves api on 127.0.0.1, through api.Listener when front is
// set, with a header limit small enough for a test to exceed.
func serveOnTCP(t *testing.T, api *httpapi.Server, front bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api, MaxHeaderBytes: 1 << 10}
	served := ln
	if front {
		served = api.Listener(ln)
	}
	go srv.Serve(served)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// exchange writes request on a new connection and reads until the server
// closes it or the deadline passes.
func exchange(t *testing.T, addr, request string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	// A reset after the answer is how a server may close a connection
	// whose request it did not read to the end; a timeout means it did not
	// close it.
	b, err := io.ReadAll(c)
	if err != nil && (len(b) == 0 || errors.Is(err, os.ErrDeadlineExceeded)) {
		t.Fatalf("%.80q: %v", request, err)
	}
	return b
}

type rawResponse struct {
	statusLine string
	header     http.Header // without Connection, which close says
	close      bool
	status     int
	body       []byte
}

// parseResponses reads the responses to requests of the given methods
// from b, which must hold them all and nothing more.
func parseResponses(t *testing.T, b []byte, methods ...string) []rawResponse {
	t.Helper()
	rd := bytes.NewReader(b)
	br := bufio.NewReader(rd)
	var out []rawResponse
	for _, m := range methods {
		at := len(b) - rd.Len() - br.Buffered()
		line, _, _ := bytes.Cut(b[at:], []byte("\r\n"))
		res, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("response %d: %v\n%s", len(out)+1, err, b)
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("response %d: %v\n%s", len(out)+1, err, b)
		}
		out = append(out, rawResponse{string(line), res.Header, res.Close, res.StatusCode, body})
	}
	if rest := len(b) - rd.Len() - br.Buffered(); rest != len(b) {
		t.Fatalf("%d bytes after %d responses: %q", len(b)-rest, len(methods), b[rest:])
	}
	return out
}

// TestNetHTTPErrorsAreJSON sends what net/http refuses before any handler
// runs, on raw connections: the answers keep net/http's status and close
// the connection, and their bodies are imsx_StatusInfo as the official
// OpenAPI defines it.
func TestNetHTTPErrorsAreJSON(t *testing.T) {
	f := newFixture(t)
	addr := serveOnTCP(t, f.api, true)
	ok := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	cases := []struct {
		name, request string
		before        int // responses to good requests on the same connection first
		statusLine    string
		description   string
	}{
		{"bad percent-escape", "GET /ims/oneroster/rostering/v1p2/users/% HTTP/1.1\r\nHost: x\r\n\r\n", 0,
			"400 Bad Request", "malformed request"},
		{"bad percent-escape after a good request", ok + "GET /ims/oneroster/rostering/v1p2/users/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 1,
			"400 Bad Request", "malformed request"},
		{"no request line", "HELLO\r\n\r\n", 0, "400 Bad Request", "malformed request"},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 0, "400 Bad Request", "bad request: missing required Host header"},
		{"header too large", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", 0,
			"431 Request Header Fields Too Large", "larger than this server accepts"},
		{"HTTP version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 0, "505 HTTP Version Not Supported", "send HTTP/1.1"},
		{"HTTP version after a good request", ok + "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 1, "505 HTTP Version Not Supported", "send HTTP/1.1"},
		{"transfer encoding", "POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
			"501 Not Implemented", "Transfer-Encoding of the request is not supported"},
	}
	// Any operation's declared error response checks the body's schema.
	users := httptest.NewRequest("GET", "/ims/oneroster/rostering/v1p2/users", nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			methods := append(make([]string, tc.before, tc.before+1), "GET")
			rs := parseResponses(t, exchange(t, addr, tc.request), methods...)
			for _, r := range rs[:tc.before] {
				if r.status != 200 || string(r.body) != `{"status":"ok"}` {
					t.Errorf("good request first: %s %s", r.statusLine, r.body)
				}
			}
			r := rs[tc.before]
			if r.statusLine != "HTTP/1.1 "+tc.statusLine {
				t.Errorf("status line %q, want %q", r.statusLine, "HTTP/1.1 "+tc.statusLine)
			}
			if r.header.Get("Content-Type") != "application/json" || !r.close ||
				r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) {
				t.Errorf("headers %v (Connection: close %v) for a body of %d bytes", r.header, r.close, len(r.body))
			}
			if _, err := f.v.Check(users, r.status, r.header, r.body); err != nil && f.v.Has() {
				t.Error(err)
			}
			got := (response{r.status, r.header, r.body, users})
			if code := got.codeMinor(t); code != "invaliddata" {
				t.Errorf("codeMinor %q", code)
			}
			if m := got.json(t); m["imsx_codeMajor"] != "failure" || !strings.Contains(m["imsx_description"].(string), tc.description) {
				t.Errorf("body %s, want a failure saying %q", r.body, tc.description)
			}
		})
	}
}

// TestFrontListenerPassesResponses: through the listener, responses of the
// handlers (a HEAD, an error, on one kept-alive connection) are byte for
// byte what they are without it, Date, RateLimit and X-Request-Id aside.
// (The two listeners have addresses of their own: a public URL keeps
// them out of the hrefs.)
func TestFrontListenerPassesResponses(t *testing.T) {
	f := newFixtureConfig(t, httpapi.Config{PublicURL: "http://x"})
	auth := "Host: x\r\nAuthorization: Bearer " + f.token + "\r\n"
	requests := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
		"HEAD /ims/oneroster/rostering/v1p2/users/u-s1 HTTP/1.1\r\n" + auth + "\r\n" +
		"GET /ims/oneroster/rostering/v1p2/users/nobody HTTP/1.1\r\n" + auth + "\r\n" +
		"GET /ims/oneroster/rostering/v1p2/users?limit=2 HTTP/1.1\r\n" + auth + "\r\n" +
		"GET /ims/oneroster/rostering/v1p2/users/u-s1 HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n"
	methods := []string{"GET", "HEAD", "GET", "GET", "GET"}
	read := func(front bool) []rawResponse {
		rs := parseResponses(t, exchange(t, serveOnTCP(t, f.api, front), requests), methods...)
		for _, r := range rs {
			r.header.Del("Date")
			r.header.Del("RateLimit") // the client's budget: the first run spent some
			r.header.Del("X-Request-Id")
		}
		return rs
	}
	plain, front := read(false), read(true)
	want := []string{"200 OK", "200 OK", "404 Not Found", "200 OK", "200 OK"}
	for i, r := range front {
		p := plain[i]
		if r.statusLine != "HTTP/1.1 "+want[i] || r.statusLine != p.statusLine || !bytes.Equal(r.body, p.body) ||
			!headersEqual(r.header, p.header) || r.close != p.close {
			t.Errorf("response %d through the listener: %s %v %s\nwithout: %s %v %s", i+1, r.statusLine, r.header, r.body, p.statusLine, p.header, p.body)
		}
	}
	if len(front[1].body) != 0 || front[1].header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %v %q", front[1].header, front[1].body)
	}
}

func headersEqual(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

// TestOddRequestTargets: the targets the mux answers itself, with an empty
// or plain-text body, reach the OneRoster error writer. (OPTIONS * never
// reaches a handler: net/http answers it 200 with no body, which is right.)
func TestOddRequestTargets(t *testing.T) {
	f := newFixture(t)
	addr := serveOnTCP(t, f.api, true)
	for request, want := range map[string]string{
		"PRI * HTTP/2.0\r\nHost: x\r\n\r\n":                                 "400 Bad Request",
		"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n": "404 Not Found",
	} {
		rs := parseResponses(t, exchange(t, addr, request+"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), "GET", "GET")
		r := rs[0]
		if r.statusLine != "HTTP/1.1 "+want || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%.30q: %s %v %s", request, r.statusLine, r.header, r.body)
			continue
		}
		if code := (response{r.status, r.header, r.body, httptest.NewRequest("GET", "/", nil)}).codeMinor(t); code == "" {
			t.Errorf("%.30q: %s", request, r.body)
		}
	}
}
