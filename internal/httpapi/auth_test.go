package httpapi_test

import (
	"bytes"
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
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// authFixture is a server over the fixture district with a controllable
// clock, a captured log, and helpers to make clients and tokens.
type authFixture struct {
	t      *testing.T
	st     store.Store
	svc    *auth.Service
	srv    *httptest.Server
	api    *httpapi.Server
	dbDir  string
	log    *bytes.Buffer
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	tokens map[string]string // by scope list: argon2 makes clients slow to create
}

func newAuthFixture(t *testing.T, cfg httpapi.Config, acfg auth.Config) *authFixture {
	t.Helper()
	f := &authFixture{t: t, dbDir: t.TempDir(), log: &bytes.Buffer{}, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	st, err := sqlite.Open(context.Background(), filepath.Join(f.dbDir, "auth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	f.st = st
	acfg.Now = f.clock
	acfg.Sleep = func(_ context.Context, d time.Duration) {
		f.mu.Lock()
		f.sleeps = append(f.sleeps, d)
		f.mu.Unlock()
	}
	f.svc = auth.New(st, acfg)
	cfg.Auth = f.svc
	cfg.Logger = slog.New(slog.NewTextHandler(f.log, nil))
	f.api = httpapi.New(st, cfg)
	f.srv = httptest.NewServer(f.api)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *authFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *authFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *authFixture) client(scopes ...string) (id, secret string) {
	f.t.Helper()
	id, secret, err := f.svc.CreateClient(context.Background(), "t", scopes, auth.Rules{})
	if err != nil {
		f.t.Fatal(err)
	}
	return id, secret
}

func (f *authFixture) token(scopes ...string) string {
	f.t.Helper()
	key := strings.Join(scopes, " ")
	if tok, ok := f.tokens[key]; ok {
		return tok
	}
	id, secret := f.client(scopes...)
	tok, _, err := f.svc.Issue(context.Background(), id, secret, "", "test")
	if err != nil {
		f.t.Fatal(err)
	}
	if f.tokens == nil {
		f.tokens = map[string]string{}
	}
	f.tokens[key] = tok
	return tok
}

func (f *authFixture) call(method, path, token string) *http.Response {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// tokenReq posts to the token endpoint.
func (f *authFixture) tokenReq(contentType, body string, basic []string) (int, http.Header, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+auth.TokenPath, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if basic != nil {
		req.SetBasicAuth(basic[0], basic[1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	json.Unmarshal(b, &m)
	return res.StatusCode, res.Header, m
}

// fill puts ids of the fixture district into a path template.
func fill(path string) string {
	r := strings.NewReplacer("{sourcedId}", "x", "{classSourcedId}", "cl-1", "{schoolSourcedId}", url.PathEscape("org/sch-1"),
		"{courseSourcedId}", "c-math", "{studentSourcedId}", "u-s1", "{teacherSourcedId}", "u-t1", "{termSourcedId}", "t-1",
		"{userSourcedId}", "u-s1", "{lineItemSourcedId}", "li-1", "{academicSessionSourcedId}", "t-1")
	return r.Replace(path)
}

// TestEveryOperationNeedsItsScope runs over all 81 operations of the
// three official OpenAPI files: no token and a bad token give 401, a
// token without the operation's scopes 403, and one with a scope passes.
func TestEveryOperationNeedsItsScope(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{RateLimit: -1}, auth.Config{})
	implemented := 0
	total := 0
	routed := map[string]bool{}
	for _, r := range f.api.Routes() {
		routed[r.OperationID] = true
	}
	for _, svc := range oastest.Services {
		for _, op := range oastest.Load(t, svc).Operations() {
			total++
			want := auth.OperationScopes[op.ID]
			got := slices.Clone(op.Scopes)
			slices.Sort(got)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s: scope table %v, OpenAPI %v", op.ID, w, got)
			}
			path := fill(op.Path)
			if res := f.call(op.Method, path, ""); res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s without a token: %d %q", op.Method, path, res.StatusCode, res.Header.Get("WWW-Authenticate"))
			}
			if res := f.call(op.Method, path, "ort_not-a-token"); res.StatusCode != 401 || !strings.Contains(res.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("%s %s with a bad token: %d", op.Method, path, res.StatusCode)
			}
			var others []string
			for _, s := range auth.AllScopes {
				if !slices.Contains(want, s) {
					others = append(others, s)
				}
			}
			if !routed[op.ID] {
				t.Errorf("%s has no route", op.ID)
				continue
			}
			right := f.call(op.Method, path, f.token(want[len(want)-1]))
			implemented++
			if right.StatusCode == 401 || right.StatusCode == 403 {
				t.Errorf("%s %s with scope %s: %d", op.Method, path, want[len(want)-1], right.StatusCode)
			}
			if res := f.call(op.Method, path, f.token(others...)); res.StatusCode != 403 || !strings.Contains(res.Header.Get("WWW-Authenticate"), "insufficient_scope") {
				t.Errorf("%s %s with the wrong scopes: %d", op.Method, path, res.StatusCode)
			}
		}
	}
	if total != 81 || implemented != 81 {
		t.Errorf("checked %d operations (%d implemented); want 81 (at least 41)", total, implemented)
	}
}

func TestDemographicsNeedTheirOwnScope(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{})
	roster := f.token(auth.Roster, auth.RosterCore)
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/demographics", roster); res.StatusCode != 403 {
		t.Errorf("roster.readonly on /demographics: %d, want 403", res.StatusCode)
	}
	core := f.token(auth.RosterCore)
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/classes/cl-1/students", core); res.StatusCode != 403 {
		t.Errorf("roster-core.readonly on a relationship endpoint: %d, want 403", res.StatusCode)
	}
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/demographics/u-s1", f.token(auth.RosterDemographics)); res.StatusCode != 200 {
		t.Errorf("roster-demographics.readonly on /demographics/u-s1: %d", res.StatusCode)
	}
}

func TestTokenEndpoint(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{})
	id, secret := f.client(auth.Roster, auth.RosterCore)
	form := "application/x-www-form-urlencoded"
	ok := func(name string, status int, h http.Header, m map[string]any, wantScope string) {
		t.Helper()
		if status != 200 || m["token_type"] != "bearer" || m["expires_in"] != float64(3600) || m["access_token"] == "" ||
			m["scope"] != wantScope || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %v %v", name, status, h, m)
		}
		tok, _ := m["access_token"].(string)
		if res := f.call("GET", "/ims/oneroster/rostering/v1p2/users", tok); res.StatusCode != 200 {
			t.Errorf("%s: the token does not open /users: %d", name, res.StatusCode)
		}
	}
	both := auth.Roster + " " + auth.RosterCore
	s, h, m := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret})
	ok("HTTP Basic", s, h, m, both)
	s, h, m = f.tokenReq(form, "grant_type=client_credentials&client_id="+id+"&client_secret="+url.QueryEscape(secret)+"&scope=roster-core.readonly", nil)
	ok("form fields, short scope name", s, h, m, auth.RosterCore)
	s, h, m = f.tokenReq("application/json", `{"grant_type":"client_credentials","client_id":"`+id+`","client_secret":"`+secret+`","scope":"`+auth.Roster+`"}`, nil)
	ok("JSON body", s, h, m, auth.Roster)

	errs := []struct {
		name, ct, body string
		basic          []string
		status         int
		code           string
	}{
		{"wrong secret", form, "grant_type=client_credentials", []string{id, "nope"}, 401, "invalid_client"},
		{"unknown client", form, "grant_type=client_credentials", []string{"orc_nobody", secret}, 401, "invalid_client"},
		{"no credentials", form, "grant_type=client_credentials", nil, 401, "invalid_client"},
		{"other grant", form, "grant_type=password&username=a&password=b", []string{id, secret}, 400, "unsupported_grant_type"},
		{"no grant", form, "", []string{id, secret}, 400, "invalid_request"},
		{"scope not held", form, "grant_type=client_credentials&scope=gradebook.readonly", []string{id, secret}, 400, "invalid_scope"},
		{"unknown scope", form, "grant_type=client_credentials&scope=everything", []string{id, secret}, 400, "invalid_scope"},
		{"two auth methods", form, "grant_type=client_credentials&client_secret=" + secret, []string{id, secret}, 400, "invalid_request"},
		{"bad content type", "text/plain", "grant_type=client_credentials", []string{id, secret}, 400, "invalid_request"},
		{"malformed JSON", "application/json", "{", nil, 400, "invalid_request"},
	}
	for _, e := range errs {
		s, h, m := f.tokenReq(e.ct, e.body, e.basic)
		if s != e.status || m["error"] != e.code {
			t.Errorf("%s: %d %v, want %d %s", e.name, s, m, e.status, e.code)
		}
		if s == 401 && h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", e.name)
		}
	}
	if res := f.call("GET", auth.TokenPath, ""); res.StatusCode != 405 {
		t.Errorf("GET on the token endpoint: %d", res.StatusCode)
	}
}

func TestTokenLifecycle(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{TokenTTL: time.Hour, CacheTTL: time.Second})
	users := "/ims/oneroster/rostering/v1p2/users"
	id, secret := f.client(auth.RosterCore)
	tok, _, err := f.svc.Issue(context.Background(), id, secret, "", "a")
	if err != nil {
		t.Fatal(err)
	}
	if res := f.call("GET", users, tok); res.StatusCode != 200 {
		t.Fatalf("fresh token: %d", res.StatusCode)
	}
	f.advance(time.Hour + time.Second)
	if res := f.call("GET", users, tok); res.StatusCode != 401 {
		t.Errorf("expired token: %d, want 401", res.StatusCode)
	}

	tok, _, _ = f.svc.Issue(context.Background(), id, secret, "", "a")
	newSecret, err := f.svc.RotateSecret(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Second) // past the cache
	if res := f.call("GET", users, tok); res.StatusCode != 401 {
		t.Errorf("token of a rotated secret: %d, want 401", res.StatusCode)
	}
	if _, _, err := f.svc.Issue(context.Background(), id, secret, "", "a"); err == nil {
		t.Errorf("the old secret still works after rotate")
	}
	tok, _, err = f.svc.Issue(context.Background(), id, newSecret, "", "a")
	if err != nil {
		t.Fatalf("new secret: %v", err)
	}
	if res := f.call("GET", users, tok); res.StatusCode != 200 {
		t.Errorf("token of the new secret: %d", res.StatusCode)
	}
	if err := f.svc.Revoke(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	f.advance(2 * time.Second)
	if res := f.call("GET", users, tok); res.StatusCode != 401 {
		t.Errorf("token of a revoked client: %d, want 401", res.StatusCode)
	}
	if _, _, err := f.svc.Issue(context.Background(), id, newSecret, "", "a"); err == nil {
		t.Errorf("a revoked client got a token")
	}
}

func TestThrottling(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{SlowAfter: 3, RefuseAfter: 5, FailureWindow: time.Minute})
	id, secret := f.client(auth.RosterCore)
	form := "application/x-www-form-urlencoded"
	for i := 0; i < 5; i++ {
		if s, _, _ := f.tokenReq(form, "grant_type=client_credentials", []string{id, "wrong"}); s != 401 {
			t.Fatalf("attempt %d: %d", i, s)
		}
	}
	if len(f.sleeps) != 2 || f.sleeps[0] != time.Second || f.sleeps[1] != 2*time.Second {
		t.Errorf("slow-down sleeps = %v, want [1s 2s]", f.sleeps)
	}
	// Now even the right secret is refused until the window has passed.
	s, h, m := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret})
	if s != 429 || h.Get("Retry-After") != "60" {
		t.Errorf("after 5 failures: %d Retry-After %q", s, h.Get("Retry-After"))
	}
	if cm, _ := json.Marshal(m); !strings.Contains(string(cm), "server_busy") {
		t.Errorf("429 body: %s", cm)
	}
	f.advance(61 * time.Second)
	if s, _, _ := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret}); s != 200 {
		t.Errorf("after the window: %d", s)
	}
}

// TestTokenDuringImport: while another process imports into the SQLite
// file (holding its write lock), tokens issued before keep working, new
// tokens are issued at once and work, and a wrong secret is answered and
// counted: the token endpoint writes to the tokens' file, not the main
// one (sqlite.AuthPath).
func TestTokenDuringImport(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{})
	tok := f.token(auth.RosterCore)
	id, secret := f.client(auth.RosterCore)
	holdImportLock(t, filepath.Join(f.dbDir, "auth.db"))
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/orgs", tok); res.StatusCode != 200 {
		t.Errorf("a read with an issued token during the import: %d", res.StatusCode)
	}
	form := "application/x-www-form-urlencoded"
	start := time.Now()
	s, _, m := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret})
	if s != 200 {
		t.Fatalf("a token during the import: %d %v", s, m)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the token took %v: it waited for the import", d)
	}
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/orgs", m["access_token"].(string)); res.StatusCode != 200 {
		t.Errorf("a read with a token issued during the import: %d", res.StatusCode)
	}
	if s, _, m := f.tokenReq(form, "grant_type=client_credentials", []string{id, "wrong"}); s != 401 {
		t.Errorf("a wrong secret during the import: %d %v", s, m)
	}
}

func TestRateLimit(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{RateLimit: 0.5, RateBurst: 2}, auth.Config{})
	tok := f.token(auth.RosterCore)
	// The draft's fields: a burst of 2 refills in 4 s; what is left, and
	// when the whole burst is back.
	for i, want := range []string{`"client";r=1;t=2`, `"client";r=0;t=4`} {
		res := f.call("GET", "/ims/oneroster/rostering/v1p2/orgs", tok)
		if res.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, res.StatusCode)
		}
		if p, rl := res.Header.Get("RateLimit-Policy"), res.Header.Get("RateLimit"); p != `"client";q=2;w=4` || rl != want {
			t.Errorf("request %d: RateLimit-Policy %q RateLimit %q, want %q", i, p, rl, want)
		}
	}
	res := f.call("GET", "/ims/oneroster/rostering/v1p2/orgs", tok)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("over budget: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if p, rl := res.Header.Get("RateLimit-Policy"), res.Header.Get("RateLimit"); p != `"client";q=2;w=4` || rl != `"client";r=0;t=4` {
		t.Errorf("over budget: RateLimit-Policy %q RateLimit %q", p, rl)
	}
	if res := f.call("GET", "/ims/oneroster/rostering/v1p2/orgs", f.token(auth.Roster, auth.RosterCore)); res.StatusCode != 200 {
		t.Errorf("another client is not limited by the first: %d", res.StatusCode)
	}
}

// TestSecretsNeverStoredOrLogged looks for the secret and the token in
// every file of the database and in the server log.
func TestSecretsNeverStoredOrLogged(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{})
	id, secret := f.client(auth.RosterCore)
	form := "application/x-www-form-urlencoded"
	_, _, m := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret})
	tok, _ := m["access_token"].(string)
	if tok == "" {
		t.Fatal("no token")
	}
	f.tokenReq(form, "grant_type=client_credentials", []string{id, secret + "x"})
	f.call("GET", "/ims/oneroster/rostering/v1p2/users", tok)
	f.call("GET", "/ims/oneroster/rostering/v1p2/users", tok+"x")
	files, _ := filepath.Glob(filepath.Join(f.dbDir, "*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{secret, tok} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret or token in clear", filepath.Base(name))
			}
		}
	}
	for _, s := range []string{secret, tok} {
		if strings.Contains(f.log.String(), s) {
			t.Errorf("the log holds a secret or token in clear")
		}
	}
}

// TestGoOAuth2Consumer is a real consumer: golang.org/x/oauth2's client
// credentials flow fetches a token and reads /users.
func TestGoOAuth2Consumer(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{}, auth.Config{})
	f.mu.Lock()
	f.now = time.Now() // x/oauth2 checks expiry against the real clock
	f.mu.Unlock()
	id, secret := f.client(auth.Roster, auth.RosterCore)
	for _, style := range []struct {
		name string
		cfg  clientcredentials.Config
	}{
		{"basic", clientcredentials.Config{AuthStyle: 2}},  // oauth2.AuthStyleInHeader
		{"params", clientcredentials.Config{AuthStyle: 1}}, // oauth2.AuthStyleInParams
	} {
		cfg := style.cfg
		cfg.ClientID, cfg.ClientSecret, cfg.TokenURL = id, secret, f.srv.URL+auth.TokenPath
		cfg.Scopes = []string{auth.RosterCore}
		res, err := cfg.Client(context.Background()).Get(f.srv.URL + "/ims/oneroster/rostering/v1p2/users?limit=2")
		if err != nil {
			t.Fatalf("%s: %v", style.name, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), `"users":[`) {
			t.Errorf("%s: %d %s", style.name, res.StatusCode, body)
		}
	}
}
