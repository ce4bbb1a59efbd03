package httpapi_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func TestResources(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.FullFiles(), ""), storetest.T1)
	srv, _, token := newServer(t, st, httpapi.Config{})
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Resources), token: token}
	base := "/ims/oneroster/resources/v1p2"
	cases := []struct {
		path string
		want []string
	}{
		{"/resources", []string{"rsc-guide", "rsc-math", "rsc-reader"}},
		{"/resources?filter=" + url.QueryEscape("roles='teacher'"), []string{"rsc-guide", "rsc-reader"}},
		{"/classes/cl-1/resources", []string{"rsc-math"}},
		{"/classes/cl-3/resources", []string{}},
		{"/courses/c-math/resources", []string{"rsc-guide"}},
		{"/users/u-s1/resources", []string{"rsc-math", "rsc-reader"}},
		{"/users/u-s2/resources", []string{}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		r := f.get(t, base+tc.path)
		if diff := cmp.Diff(tc.want, r.ids(t, "resources")); diff != "" {
			t.Errorf("GET %s (-want +got)\n%s", tc.path, diff)
		}
		op, _ := f.v.Check(r.req, r.status, r.header, r.body)
		seen[op] = true
	}
	r := f.get(t, base+"/resources/rsc-reader")
	want := `{"resource":{"sourcedId":"rsc-reader","status":"active","dateLastModified":"2026-01-10T08:00:00.000Z","title":"Reading app",` +
		`"roles":["student","teacher"],"importance":"primary","vendorResourceId":"VR-1","vendorId":"vendor-x","applicationId":"app-1"}}`
	if string(r.body) != want {
		t.Errorf("resource JSON\n got %s\nwant %s", r.body, want)
	}
	op, _ := f.v.Check(r.req, r.status, r.header, r.body)
	seen[op] = true
	if len(seen) != 5 && f.v.Has() {
		t.Errorf("%d operations answered, want 5", len(seen))
	}
	for _, path := range []string{"/resources/nope", "/classes/nope/resources", "/courses/nope/resources", "/users/nope/resources"} {
		if r := f.get(t, base+path); r.status != 404 || r.codeMinor(t) != "unknownobject" {
			t.Errorf("GET %s: %d", path, r.status)
		}
	}
	// The rostering objects list their allocations too.
	f.v = oastest.Optional(t, oastest.Rostering)
	r = f.get(t, "/ims/oneroster/rostering/v1p2/users/u-s1")
	if !strings.Contains(string(r.body), `"resources":[{"href":"`+srv.URL+`/ims/oneroster/resources/v1p2/resources/rsc-reader","sourcedId":"rsc-reader","type":"resource"},{"href"`) {
		t.Errorf("user u-s1 resources: %s", r.body)
	}
	if r := f.get(t, "/ims/oneroster/rostering/v1p2/classes/cl-2"); !strings.Contains(string(r.body), `"sourcedId":"rsc-reader","type":"resource"`) {
		t.Errorf("class cl-2 resources: %s", r.body)
	}
}
