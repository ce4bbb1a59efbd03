package httpapi_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestETag: every successful GET has an ETag, the same for the same
// answer (compressed or not) and another for another answer; a request
// whose If-None-Match names it gets 304 with no body and the same tag (a
// HEAD too), one that names another tag, or a list with it, gets the
// answer or the 304 as it should; errors and writes have no tag.
func TestETag(t *testing.T) {
	f := newFixture(t)
	const base = "/ims/oneroster/rostering/v1p2"
	first := f.fetch(t, "GET", base+"/users?limit=5")
	tag := first.header.Get("ETag")
	if first.status != 200 || !strings.HasPrefix(tag, `W/"`) || !strings.HasSuffix(tag, `"`) {
		t.Fatalf("first GET: %d ETag %q", first.status, tag)
	}
	if again := f.fetch(t, "GET", base+"/users?limit=5", "Accept-Encoding", "gzip"); again.header.Get("ETag") != tag {
		t.Errorf("the same page again (gzip): ETag %q, first %q", again.header.Get("ETag"), tag)
	}
	for _, p := range []string{base + "/users?limit=4", base + "/users?limit=5&offset=1", base + "/orgs", base + "/users/" + strings.Trim(first.ids(t, "users")[0], `"`)} {
		r := f.fetch(t, "GET", p)
		if r.status != 200 || r.header.Get("ETag") == "" || r.header.Get("ETag") == tag {
			t.Errorf("%s: %d ETag %q (the first page's %q)", p, r.status, r.header.Get("ETag"), tag)
		}
	}

	for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
		for _, method := range []string{"GET", "HEAD"} {
			r := f.fetch(t, method, base+"/users?limit=5", "If-None-Match", inm, "Accept-Encoding", "gzip")
			if r.status != 304 || len(r.body) != 0 || r.header.Get("ETag") != tag ||
				r.header.Get("Content-Encoding") != "" || r.header.Get("X-Total-Count") != first.header.Get("X-Total-Count") {
				t.Errorf("%s If-None-Match %s: %d, %d bytes, ETag %q, Content-Encoding %q, X-Total-Count %q",
					method, inm, r.status, len(r.body), r.header.Get("ETag"), r.header.Get("Content-Encoding"), r.header.Get("X-Total-Count"))
			}
		}
	}
	if r := f.fetch(t, "GET", base+"/users?limit=5", "If-None-Match", `W/"other"`); r.status != 200 || string(r.body) != string(first.body) {
		t.Errorf("If-None-Match another tag: %d", r.status)
	} else {
		f.v.ValidateResponse(t, r.req, r.status, r.header, r.body)
	}
	if r := f.fetch(t, "GET", base+"/users/no-such-user", "If-None-Match", "*"); r.status != 404 || r.header.Get("ETag") != "" {
		t.Errorf("an error: %d ETag %q", r.status, r.header.Get("ETag"))
	}
}

// TestETagPerView: two clients whose views give different answers to the
// same URL get different tags, and neither's tag makes a 304 for the
// other; each client's own tag does.
func TestETagPerView(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	svc := auth.New(st, auth.Config{CacheTTL: time.Millisecond})
	token := func(hide string) string {
		id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, auth.Rules{Hide: hide})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.Issue(ctx, id, secret, "", "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	srv := httptest.NewServer(httpapi.New(st, httpapi.Config{Auth: svc, RateLimit: -1}))
	t.Cleanup(srv.Close)
	v := oastest.Optional(t, oastest.Rostering)
	full := &fixture{srv: srv, v: v, token: token("")}
	hiding := &fixture{srv: srv, v: v, token: token("user.email user.pronouns")}
	const p = "/ims/oneroster/rostering/v1p2/users?limit=5"
	a, b := full.fetch(t, "GET", p), hiding.fetch(t, "GET", p)
	if a.status != 200 || b.status != 200 || string(a.body) == string(b.body) {
		t.Fatalf("the two views: %d and %d, bodies equal %v", a.status, b.status, string(a.body) == string(b.body))
	}
	ta, tb := a.header.Get("ETag"), b.header.Get("ETag")
	if ta == "" || ta == tb {
		t.Fatalf("ETags %q and %q", ta, tb)
	}
	for _, c := range []struct {
		f    *fixture
		tag  string
		want int
	}{{full, ta, 304}, {hiding, tb, 304}, {full, tb, 200}, {hiding, ta, 200}} {
		r := c.f.fetch(t, "GET", p, "If-None-Match", c.tag)
		if r.status != c.want {
			t.Errorf("If-None-Match %s: %d, want %d", c.tag, r.status, c.want)
		}
		if r.status == 200 {
			v.ValidateResponse(t, r.req, r.status, r.header, r.body)
		}
	}
}
