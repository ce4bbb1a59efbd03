package httpapi_test

import (
	"strings"
	"testing"
)

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
