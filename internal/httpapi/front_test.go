package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

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
	storetest.MustImport(t, st, storetest.WritePackage(t, files, ""), storetest.T1)
	srv, api, token := newServer(t, st, httpapi.Config{})
	return &fixture{srv: srv, api: api, v: oastest.Load(t, oastest.Rostering), token: token}
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
