package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

type fixture struct {
	srv   *httptest.Server
	api   *httpapi.Server
	v     *oastest.Validator
	token string // holds every scope
}

// newServer serves st with real OAuth and returns the server and a token
// holding every scope.
func newServer(t testing.TB, st store.Store, cfg httpapi.Config) (*httptest.Server, *httpapi.Server, string) {
	t.Helper()
	ctx := context.Background()
	cfg.Auth = auth.New(st, auth.Config{})
	if cfg.Logger == nil {
		// Failures only: a request line per request would bury them (and
		// slow the benchmarks, which serve through here too).
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	id, secret, err := cfg.Auth.CreateClient(ctx, "test", auth.AllScopes, auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := cfg.Auth.Issue(ctx, id, secret, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(st, cfg)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return srv, api, token
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureConfig(t, httpapi.Config{})
}

// newFixtureConfig is newFixture with cfg (its Auth is set here).
func newFixtureConfig(t *testing.T, cfg httpapi.Config) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	srv, api, token := newServer(t, st, cfg)
	return &fixture{srv: srv, api: api, v: oastest.Optional(t, oastest.Rostering), token: token}
}

type response struct {
	status int
	header http.Header
	body   []byte
	req    *http.Request
}

// get fetches path (already escaped) and validates the response against
// the official OpenAPI file.
func (f *fixture) get(t *testing.T, path string) response {
	t.Helper()
	return f.do(t, "GET", path, true)
}

func (f *fixture) do(t *testing.T, method, path string, validate bool) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if validate {
		f.v.ValidateResponse(t, req, res.StatusCode, res.Header, body)
	}
	return response{res.StatusCode, res.Header, body, req}
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", r.req.URL, err, r.body)
	}
	return m
}

// ids returns the sourcedIds of a collection response under key.
func (r response) ids(t *testing.T, key string) []string {
	t.Helper()
	arr, ok := r.json(t)[key].([]any)
	if !ok {
		t.Fatalf("%s: no %q array in %s", r.req.URL, key, r.body)
	}
	out := []string{}
	for _, o := range arr {
		out = append(out, o.(map[string]any)["sourcedId"].(string))
	}
	return out
}

func (r response) codeMinor(t *testing.T) string {
	t.Helper()
	m := r.json(t)
	cm, _ := m["imsx_CodeMinor"].(map[string]any)
	fields, _ := cm["imsx_codeMinorField"].([]any)
	if len(fields) != 1 || m["imsx_codeMajor"] == nil || m["imsx_severity"] != "error" {
		t.Fatalf("%s: not an imsx_StatusInfo error: %s", r.req.URL, r.body)
	}
	return fields[0].(map[string]any)["imsx_codeMinorFieldValue"].(string)
}

// TestRoutesMatchOpenAPI checks that the route table holds exactly the
// operations of the official file, with their paths and scopes.
func TestRoutesMatchOpenAPI(t *testing.T) {
	f := newFixture(t)
	type op struct {
		Method, Path, ID string
		Scopes           []string
		Collection       bool
	}
	var want, got []op
	for _, svc := range oastest.Services {
		for _, o := range oastest.Load(t, svc).Operations() {
			s := slices.Clone(o.Scopes)
			slices.Sort(s)
			want = append(want, op{o.Method, o.Path, o.ID, s, o.Collection})
		}
	}
	for _, r := range f.api.Routes() {
		s := slices.Clone(r.Scopes)
		slices.Sort(s)
		got = append(got, op{r.Method, r.Base + r.Path, r.OperationID, s, r.Collection})
	}
	key := func(a, b op) int { return strings.Compare(a.Method+a.Path, b.Method+b.Path) }
	slices.SortFunc(want, key)
	slices.SortFunc(got, key)
	if len(want) != 81 {
		t.Errorf("the official files have %d operations, want 81", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("route table differs from the OpenAPI (-openapi +routes)\n%s", diff)
	}
}

// TestEveryOperation calls each of the 41 operations with real ids and
// checks the answer against the fixture and the OpenAPI schema.
func TestEveryOperation(t *testing.T) {
	f := newFixture(t)
	f.v.Require(t) // it proves every operation of the file is served
	sch1 := url.PathEscape("org/sch-1")
	sch2 := url.PathEscape("sch.2@x")
	cases := []struct {
		path, key string
		want      []string // sourcedIds, in order
	}{
		{"/academicSessions", "academicSessions", []string{"gp-1", "gp-2", "gp-3", "sy-2026", "t-1", "t-2"}},
		{"/academicSessions/t-1", "academicSession", []string{"t-1"}},
		{"/classes", "classes", []string{"cl-1", "cl-2", "cl-3"}},
		{"/classes/cl-1/students", "users", []string{"u-s1", "u-s2"}},
		{"/classes/cl-1/teachers", "users", []string{"u-t1"}},
		{"/classes/cl-2", "class", []string{"cl-2"}},
		{"/courses", "courses", []string{"c-bio", "c-math"}},
		{"/courses/c-math/classes", "classes", []string{"cl-1", "cl-3"}},
		{"/courses/c-bio", "course", []string{"c-bio"}},
		{"/demographics", "demographics", []string{"u-s1"}},
		{"/demographics/u-s1", "demographics", []string{"u-s1"}},
		{"/enrollments", "enrollments", []string{"e-1", "e-2", "e-3", "e-4", "e-5", "e-6", "e-7"}},
		{"/enrollments/e-3", "enrollment", []string{"e-3"}},
		{"/gradingPeriods", "academicSessions", []string{"gp-1", "gp-2", "gp-3"}},
		{"/gradingPeriods/gp-2", "academicSession", []string{"gp-2"}},
		{"/orgs", "orgs", []string{"dept-1", "dist-1", "org/sch-1", "sch.2@x"}},
		{"/orgs/dist-1", "org", []string{"dist-1"}},
		{"/schools", "orgs", []string{"org/sch-1", "sch.2@x"}},
		{"/schools/" + sch1 + "/classes", "classes", []string{"cl-1", "cl-3"}},
		{"/schools/" + sch1 + "/classes/cl-1/enrollments", "enrollments", []string{"e-1", "e-2", "e-3"}},
		{"/schools/" + sch2 + "/classes/cl-2/students", "users", []string{"u-s3"}},
		{"/schools/" + sch2 + "/classes/cl-2/teachers", "users", []string{"u-t2"}},
		{"/schools/" + sch2 + "/courses", "courses", []string{"c-bio"}},
		{"/schools/" + sch2 + "/enrollments", "enrollments", []string{"e-4", "e-5"}},
		{"/schools/" + sch1 + "/students", "users", []string{"u-s1", "u-s2"}},
		{"/schools/" + sch1 + "/teachers", "users", []string{"u-t1", "u-t2"}},
		{"/schools/" + sch1 + "/terms", "academicSessions", []string{"t-1", "t-2"}},
		{"/schools/" + sch2, "org", []string{"sch.2@x"}},
		{"/students", "users", []string{"u-s1", "u-s2", "u-s3"}},
		{"/students/u-s2", "user", []string{"u-s2"}},
		{"/students/u-s1/classes", "classes", []string{"cl-1", "cl-3"}},
		{"/teachers", "users", []string{"u-t1", "u-t2"}},
		{"/teachers/u-t1", "user", []string{"u-t1"}},
		{"/teachers/u-t2/classes", "classes", []string{"cl-2", "cl-3"}},
		{"/terms", "academicSessions", []string{"t-1", "t-2"}},
		{"/terms/t-2", "academicSession", []string{"t-2"}},
		{"/terms/t-2/classes", "classes", []string{"cl-2", "cl-3"}},
		{"/terms/t-1/gradingPeriods", "academicSessions", []string{"gp-1", "gp-2"}},
		{"/users", "users", []string{"u-g1", "u-s1", "u-s2", "u-s3", "u-t1", "u-t2"}},
		{"/users/u-g1", "user", []string{"u-g1"}},
		{"/users/u-t2/classes", "classes", []string{"cl-2", "cl-3"}},
	}
	seen := map[string]bool{}
	base := "/ims/oneroster/rostering/v1p2"
	for _, tc := range cases {
		r := f.get(t, base+tc.path)
		if r.status != 200 {
			t.Errorf("GET %s: status %d: %s", tc.path, r.status, r.body)
			continue
		}
		op, _ := f.v.Check(r.req, r.status, r.header, r.body)
		seen[op] = true
		var got []string
		if _, isList := r.json(t)[tc.key].([]any); isList {
			got = r.ids(t, tc.key)
			if r.header.Get("X-Total-Count") == "" || r.header.Get("Link") == "" {
				t.Errorf("GET %s: no X-Total-Count or Link header", tc.path)
			}
		} else {
			obj, ok := r.json(t)[tc.key].(map[string]any)
			if !ok {
				t.Errorf("GET %s: no %q object: %s", tc.path, tc.key, r.body)
				continue
			}
			got = []string{obj["sourcedId"].(string)}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s (-want +got)\n%s", tc.path, diff)
		}
	}
	if len(seen) != 41 {
		t.Errorf("called %d distinct operations, want 41", len(seen))
	}
}

func TestUserJSON(t *testing.T) {
	f := newFixture(t)
	r := f.get(t, "/ims/oneroster/rostering/v1p2/users/u-s1")
	want := `{"user":{"sourcedId":"u-s1","status":"active","dateLastModified":"2026-01-10T08:00:00.000Z",` +
		`"userMasterIdentifier":"M-1","username":"bart","userIds":[{"type":"LDAP","identifier":"bart"},{"type":"SIS","identifier":"1001"}],` +
		`"enabledUser":"true","givenName":"Bart","familyName":"Simpson","middleName":"Jo","pronouns":"he/him",` +
		`"roles":[{"roleType":"primary","role":"student","org":{"href":"BASE/orgs/org%2Fsch-1","sourcedId":"org/sch-1","type":"org"},"userProfile":"urn:oneroster:userProfiles:up-1"}],` +
		`"userProfiles":[{"profileId":"urn:oneroster:userProfiles:up-1","profileType":"app","vendorId":"vendor-x","applicationId":"app-1","description":"Reading app","credentials":[{"type":"password","username":"bart.s"}]}],` +
		`"primaryOrg":{"href":"BASE/orgs/org%2Fsch-1","sourcedId":"org/sch-1","type":"org"},"identifier":"1001","email":"bart@example.org",` +
		`"agents":[{"href":"BASE/users/u-g1","sourcedId":"u-g1","type":"user"}],"grades":["03"]}}`
	want = strings.ReplaceAll(want, "BASE", f.srv.URL+"/ims/oneroster/rostering/v1p2")
	if diff := cmp.Diff(want, string(r.body)); diff != "" {
		t.Errorf("user JSON (-want +got)\n%s", diff)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestPagingHeaders(t *testing.T) {
	f := newFixture(t)
	base := "/ims/oneroster/rostering/v1p2/users"
	r := f.get(t, base+"?limit=2&offset=2&filter="+url.QueryEscape("status='active'")+"&sort=familyName")
	if got := r.header.Get("X-Total-Count"); got != "6" {
		t.Errorf("X-Total-Count = %q", got)
	}
	link := r.header.Get("Link")
	u := f.srv.URL + base
	for _, want := range []string{
		"<" + u + "?filter=status%3D%27active%27&limit=2&offset=0&sort=familyName>; rel=\"first\"",
		"<" + u + "?filter=status%3D%27active%27&limit=2&offset=0&sort=familyName>; rel=\"prev\"",
		"<" + u + "?filter=status%3D%27active%27&limit=2&offset=4&sort=familyName>; rel=\"next\"",
		"<" + u + "?filter=status%3D%27active%27&limit=2&offset=4&sort=familyName>; rel=\"last\"",
	} {
		if !strings.Contains(link, want) {
			t.Errorf("Link header lacks %s\nLink: %s", want, link)
		}
	}
	// Walking the next links visits every record exactly once.
	var all []string
	next := base + "?limit=4"
	for next != "" {
		r := f.get(t, next)
		all = append(all, r.ids(t, "users")...)
		next = ""
		for _, part := range strings.Split(r.header.Get("Link"), ", ") {
			if strings.HasSuffix(part, `rel="next"`) {
				next = strings.TrimPrefix(strings.Split(part, ">")[0], "<"+f.srv.URL)
			}
		}
	}
	if diff := cmp.Diff([]string{"u-g1", "u-s1", "u-s2", "u-s3", "u-t1", "u-t2"}, all); diff != "" {
		t.Errorf("walk by Link next (-want +got)\n%s", diff)
	}
	// An empty result gives only first.
	r = f.get(t, base+"?filter="+url.QueryEscape("givenName='Nobody'"))
	if got := r.header.Get("Link"); strings.Count(got, "rel=") != 1 || !strings.Contains(got, `rel="first"`) {
		t.Errorf("Link for an empty result = %q", got)
	}
	// A huge limit is clamped, not refused.
	if r := f.get(t, base+"?limit=99999999"); r.status != 200 || !strings.Contains(r.header.Get("Link"), "limit=10000") {
		t.Errorf("huge limit: %d, Link %q", r.status, r.header.Get("Link"))
	}
}

func TestFieldsSelection(t *testing.T) {
	f := newFixture(t)
	r := f.get(t, "/ims/oneroster/rostering/v1p2/students?fields=givenName,sourcedId&limit=1")
	if want := `{"users":[{"sourcedId":"u-s1","givenName":"Bart"}]}`; string(r.body) != want {
		t.Errorf("fields on a collection: %s, want %s", r.body, want)
	}
	r = f.get(t, "/ims/oneroster/rostering/v1p2/classes/cl-2?fields=terms")
	if !strings.Contains(string(r.body), `{"class":{"terms":[{"href":`) || strings.Contains(string(r.body), "title") {
		t.Errorf("fields on a single object: %s", r.body)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	base := "/ims/oneroster/rostering/v1p2"
	cases := []struct {
		method, path string
		status       int
		code         string
		validate     bool
	}{
		{"GET", "/users/nobody", 404, "unknownobject", true},
		{"GET", "/students/u-t1", 404, "unknownobject", true},
		{"GET", "/schools/dist-1", 404, "unknownobject", true},
		{"GET", "/classes/nope/students", 404, "unknownobject", true},
		{"GET", "/schools/" + url.PathEscape("org/sch-1") + "/classes/cl-2/students", 404, "unknownobject", true},
		{"GET", "/users?limit=abc", 400, "invaliddata", true},
		{"GET", "/users?limit=0", 400, "invaliddata", true},
		{"GET", "/users?offset=-1", 400, "invaliddata", true},
		{"GET", "/users?limit=1&limit=2", 400, "invaliddata", true},
		{"GET", "/users?orderBy=up", 400, "invaliddata", true},
		{"GET", "/users?filter=" + url.QueryEscape("shoeSize='9'"), 400, "invalid_filter_field", true},
		{"GET", "/users?filter=" + url.QueryEscape("familyName='x"), 400, "invalid_filter_field", true},
		{"GET", "/users?fields=shoeSize", 400, "invalid_selection_field", true},
		{"GET", "/users?fields=", 400, "invalid_selection_field", true},
		{"GET", "/users/u-s1?fields=givenName,,familyName", 400, "invalid_selection_field", true},
		{"GET", "/nothing/here", 404, "unknownobject", false},
		{"GET", "/ims/other", 404, "unknownobject", false},
		{"POST", "/users", 405, "unsupported", false},
		{"DELETE", "/users/u-s1", 405, "unsupported", false},
	}
	for _, tc := range cases {
		path := base + tc.path
		if strings.HasPrefix(tc.path, "/ims") {
			path = tc.path
		}
		r := f.do(t, tc.method, path, tc.validate)
		if r.status != tc.status {
			t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.path, r.status, tc.status, r.body)
			continue
		}
		if got := r.codeMinor(t); got != tc.code {
			t.Errorf("%s %s: codeMinor %q, want %q", tc.method, tc.path, got, tc.code)
		}
		if tc.status == 405 && r.header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
		if r.header.Get("X-Total-Count") != "" {
			t.Errorf("%s %s: error with X-Total-Count", tc.method, tc.path)
		}
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	r := f.do(t, "GET", "/healthz", false)
	if r.status != 200 || string(r.body) != `{"status":"ok"}` {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
}

// TestInternalErrorHidesDetails closes the store under the server: the
// client gets a 500 internal_server_error that says nothing of SQL.
func TestInternalErrorHidesDetails(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "gone.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, _, token := newServer(t, st, httpapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	st.Close()
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering), token: token}
	r := f.get(t, "/ims/oneroster/rostering/v1p2/users")
	if r.status != 500 || r.codeMinor(t) != "internal_server_error" {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if body := strings.ToLower(string(r.body)); strings.Contains(body, "sql") || strings.Contains(body, "closed") {
		t.Errorf("500 body leaks internals: %s", r.body)
	}
}

func TestDiscoveryIsServedWithoutToken(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"", "onerosterv1p2rostersservice_openapi3_v1p0.json", "imsorv1p2_rostering_openapi3_v1p0.json"} {
		r := f.do(t, "GET", "/ims/oneroster/rostering/v1p2/discovery/"+name, false)
		var doc struct {
			OpenAPI string `json:"openapi"`
			Servers []struct{ URL string }
			Paths   map[string]any
		}
		if err := json.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
			t.Fatalf("discovery/%s: %d %v", name, r.status, err)
		}
		if doc.OpenAPI == "" || len(doc.Paths) != 41 || doc.Servers[0].URL != f.srv.URL+"/ims/oneroster/rostering/v1p2" ||
			!strings.Contains(string(r.body), `"tokenUrl": "`+f.srv.URL+`/oauth/token"`) {
			t.Errorf("discovery/%s: openapi %q, %d paths, servers %v", name, doc.OpenAPI, len(doc.Paths), doc.Servers)
		}
	}
	saved := f.token
	f.token = ""
	if r := f.do(t, "GET", "/ims/oneroster/rostering/v1p2/discovery/", false); r.status != 200 {
		t.Errorf("discovery without a token: %d", r.status)
	}
	for _, svc := range []string{"gradebook", "resources"} {
		if r := f.do(t, "GET", "/ims/oneroster/"+svc+"/v1p2/discovery/", false); r.status != 200 {
			t.Errorf("%s discovery without a token: %d", svc, r.status)
		}
	}
	if r := f.do(t, "GET", "/ims/oneroster/other/v1p2/discovery/", false); r.status != 401 {
		t.Errorf("discovery of no service, without a token: %d, want 401", r.status)
	}
	f.token = saved
}
