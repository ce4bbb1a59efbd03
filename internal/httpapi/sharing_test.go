package httpapi_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestHiddenProperties: a client whose sharing rule hides properties
// (issue 16 item 3) never receives them, whatever fields asks; cannot
// filter or sort on them (the answer an unknown property gets); meets no
// demographics at all when they are hidden as a whole; and a client
// without the rule, on the same server and in turn, sees everything. A
// rule change reaches a token already issued within the token cache's
// time. Both engines; every answer validated against the OpenAPI.
func TestHiddenProperties(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(dir, generate.Options{Students: 60, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			st := eng.open(t)
			importtest.MustImport(t, st, dir, storetest.T1)
			svc := auth.New(st, auth.Config{CacheTTL: time.Millisecond})
			token := func(hide string) (string, string) {
				id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, auth.Rules{Hide: hide})
				if err != nil {
					t.Fatal(err)
				}
				tok, _, err := svc.Issue(ctx, id, secret, "", "test")
				if err != nil {
					t.Fatal(err)
				}
				return id, tok
			}
			_, fullTok := token("")
			appID, appTok := token("user.phone user.sms user.metadata demographics")
			srv := httptest.NewServer(httpapi.New(st, httpapi.Config{Logger: warnLogger, Auth: svc, RateLimit: -1}))
			t.Cleanup(srv.Close)
			v := oastest.Optional(t, oastest.Rostering)
			full := &fixture{srv: srv, v: v, token: fullTok}
			app := &fixture{srv: srv, v: v, token: appTok}
			const base = "/ims/oneroster/rostering/v1p2"
			count := func(r response, key, prop string) (n, objects int) {
				t.Helper()
				if r.status != 200 {
					t.Fatalf("%s: %d %s", r.req.URL, r.status, r.body)
				}
				list, _ := r.json(t)[key].([]any)
				if o, ok := r.json(t)[strings.TrimSuffix(key, "s")].(map[string]any); ok {
					list = append(list, o)
				}
				for _, o := range list {
					if _, ok := o.(map[string]any)[prop]; ok {
						n++
					}
				}
				return n, len(list)
			}
			withPhone := url.QueryEscape(`phone~'555'`)
			phoned := full.get(t, base+"/users?limit=1&filter="+withPhone).ids(t, "users")
			school := full.get(t, base+"/schools?limit=1").ids(t, "orgs")[0]
			if len(phoned) == 0 {
				t.Fatal("the generated district has no user with a phone number")
			}
			for round := 0; round < 2; round++ { // the second round's answers come from caches
				for _, p := range []string{"/users?limit=100", "/users/" + phoned[0], "/students?limit=100", "/users?limit=1001",
					"/users?limit=50&fields=sourcedId,phone,sms", "/schools/" + url.PathEscape(school) + "/students?limit=100"} {
					key := "users" // /students answers with users too
					for _, prop := range []string{"phone", "sms", "metadata"} {
						if n, objs := count(app.get(t, base+p), key, prop); n != 0 || objs == 0 {
							t.Errorf("round %d: GET %s as the restricted app: %d of %d objects show %s", round, p, n, objs, prop)
						}
					}
					if n, _ := count(full.get(t, base+p), key, "phone"); n == 0 && !strings.Contains(p, "students") {
						t.Errorf("round %d: GET %s as the full client: no phone at all", round, p)
					}
				}
			}
			// Filters and sorts on a hidden property answer as an unknown one does.
			for _, c := range []struct{ q, code, want string }{
				{"filter=" + withPhone, "invalid_filter_field", "filter: phone: unknown field for user"},
				{"filter=" + url.QueryEscape(`givenName='x' OR sms!='y'`), "invalid_filter_field", "filter: sms: unknown field for user"},
				{"sort=phone", "invalid_selection_field", `sort: "phone" is not a property of user`},
			} {
				r := app.get(t, base+"/users?"+c.q)
				if desc, _ := r.json(t)["imsx_description"].(string); r.status != 400 || r.codeMinor(t) != c.code || desc != c.want {
					t.Errorf("GET /users?%s as the restricted app: %d %s; want 400 %s %q", c.q, r.status, r.body, c.code, c.want)
				}
				if r := full.get(t, base+"/users?"+c.q); r.status != 200 {
					t.Errorf("GET /users?%s as the full client: %d %s", c.q, r.status, r.body)
				}
			}
			if r := app.get(t, base+"/users?filter="+url.QueryEscape(`nope='1'`)); r.json(t)["imsx_description"] != "filter: nope: unknown field for user" {
				t.Errorf("an unknown property's answer changed: %s", r.body)
			}
			// Demographics hidden as a whole: there are none.
			demo := full.get(t, base+"/demographics?limit=5")
			ids := demo.ids(t, "demographics")
			if len(ids) == 0 {
				t.Fatal("no demographics to hide")
			}
			r := app.get(t, base+"/demographics?limit=5")
			if _, n := count(r, "demographics", "sourcedId"); n != 0 || r.header.Get("X-Total-Count") != "0" {
				t.Errorf("GET /demographics as the restricted app: %d objects, X-Total-Count %q", n, r.header.Get("X-Total-Count"))
			}
			if r := app.get(t, base+"/demographics/"+url.PathEscape(ids[0])); r.status != 404 || r.codeMinor(t) != "unknownobject" {
				t.Errorf("GET /demographics/{id} as the restricted app: %d %s", r.status, r.body)
			}
			// The rule changes; the token already issued carries the new
			// one once the token cache has let it go.
			if _, err := svc.SetHide(ctx, appID, "user.sms"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
			if n, _ := count(app.get(t, base+"/users/"+phoned[0]), "users", "phone"); n != 1 {
				t.Error("after the rule stopped hiding phone, the app still does not see it")
			}
			if r := app.get(t, base+"/demographics?limit=5"); len(r.ids(t, "demographics")) == 0 {
				t.Error("after the rule stopped hiding demographics, the app still sees none")
			}
		})
	}
}
