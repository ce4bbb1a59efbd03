package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// sharingMatrix (issue 16 item 7): for each rule (one school, two
// schools, one school with hidden properties), every GET operation of
// the three services answers the restricted client exactly as a store
// holding only what the rule allows (storetest.VisiblePackage, built from
// the CSV rows of dir without SQL) answers a full client: the same
// objects, in the same order, with the same X-Total-Count and Link, less
// the hidden properties. main holds the package dir, unchanged; open
// opens an empty store of the same engine.
func sharingMatrix(t *testing.T, main store.Store, dir string, open func(t *testing.T) store.Store, agent string) {
	rules := []struct {
		name string
		orgs []string
		hide string
	}{
		{"one school", []string{"org/sch-002"}, ""},
		{"two schools", []string{"org/sch-001", "org/sch-003"}, ""},
		{"one school, hidden properties", []string{"org/sch-002"}, "user.phone user.sms user.email class.location"},
	}
	for _, rule := range rules {
		t.Run(rule.name, func(t *testing.T) {
			oracle := open(t)
			importtest.MustImport(t, oracle, storetest.VisiblePackage(t, dir, rule.orgs), storetest.T1)
			app := serveAs(t, main, auth.Rules{Orgs: strings.Join(rule.orgs, " "), Hide: rule.hide})
			want := serveAs(t, oracle, auth.Rules{})
			_, view, err := jsonbind.ParseHide(rule.hide)
			if err != nil {
				t.Fatal(err)
			}
			paths := matrixPaths(t, want, agent)
			if len(paths) < 70 {
				t.Fatalf("%d paths to compare; want every GET operation", len(paths))
			}
			for _, p := range paths {
				a, w := app.do(t, "GET", p, false), want.do(t, "GET", p, false)
				if a.status != w.status {
					t.Errorf("GET %s: %d, the oracle %d\n%.300s", p, a.status, w.status, a.body)
					continue
				}
				for _, h := range []string{"X-Total-Count", "Link"} {
					if got, exp := strings.ReplaceAll(a.header.Get(h), app.srv.URL, "URL"), strings.ReplaceAll(w.header.Get(h), want.srv.URL, "URL"); got != exp {
						t.Errorf("GET %s: %s %q, the oracle %q", p, h, got, exp)
					}
				}
				got, exp := normalize(t, a.body, app.srv.URL, nil), normalize(t, w.body, want.srv.URL, view.Hide)
				if diff := cmp.Diff(exp, got); diff != "" {
					t.Errorf("GET %s differs from the oracle's (-oracle +restricted):\n%.3000s", p, diff)
				}
			}
		})
	}
}

// serveAs serves st to a new client with rules.
func serveAs(t *testing.T, st store.Store, rules auth.Rules) *fixture {
	t.Helper()
	ctx := context.Background()
	svc := auth.New(st, auth.Config{})
	id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, rules)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := svc.Issue(ctx, id, secret, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(st, httpapi.Config{Logger: warnLogger, Auth: svc, RateLimit: -1})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, api: api, token: tok}
}

// matrixPaths lists a GET of every operation (agent: a user that a
// one-school view must leave out of a visible user's agents): collections with a page
// size that takes the cached path and one that takes the bulk path, and
// every path parameter filled from what the oracle holds.
func matrixPaths(t *testing.T, f *fixture, agent string) []string {
	full := func(path string) response { return f.do(t, "GET", path, false) }
	ro, gb := oneroster.RosteringBase, oneroster.GradebookBase
	p := map[string]string{}
	li := full(gb+"/lineItems?limit=1").ids(t, "lineItems")[0]
	obj := full(gb + "/lineItems/" + li).json(t)["lineItem"].(map[string]any)
	p["lineItemSourcedId"], p["self:lineItem"] = li, li
	p["classSourcedId"] = obj["class"].(map[string]any)["sourcedId"].(string)
	p["academicSessionSourcedId"] = obj["academicSession"].(map[string]any)["sourcedId"].(string)
	class := full(ro + "/classes/" + esc(p["classSourcedId"])).json(t)["class"].(map[string]any)
	p["schoolSourcedId"] = class["school"].(map[string]any)["sourcedId"].(string)
	p["courseSourcedId"] = class["course"].(map[string]any)["sourcedId"].(string)
	p["termSourcedId"] = class["terms"].([]any)[0].(map[string]any)["sourcedId"].(string)
	p["studentSourcedId"] = full(ro+"/classes/"+esc(p["classSourcedId"])+"/students?limit=1").ids(t, "users")[0]
	p["teacherSourcedId"] = full(ro+"/classes/"+esc(p["classSourcedId"])+"/teachers?limit=1").ids(t, "users")[0]
	p["userSourcedId"] = p["studentSourcedId"]
	p["gradingPeriodSourcedId"] = full(ro+"/gradingPeriods?limit=1").ids(t, "academicSessions")[0]
	for _, e := range oneroster.Entities {
		base := map[string]string{"gradebook": gb, "resources": oneroster.ResourcesBase}[e.Service]
		if base == "" {
			base = ro
		}
		if ids := full(base+"/"+e.Plural+"?limit=1").ids(t, e.Plural); len(ids) > 0 {
			p["self:"+e.Name] = ids[0]
		}
	}
	p["self:academicSession"], p["self:class"], p["self:lineItem"] = p["termSourcedId"], p["classSourcedId"], li
	var out []string
	for _, rt := range f.api.Routes() {
		if rt.Method != "GET" || rt.Entity == nil {
			continue
		}
		path, _, ok := fillPath(rt.Path, p, rt.Entity)
		if !ok {
			continue // the Assessment Results Profile: nothing in a CSV package
		}
		if !rt.Collection {
			out = append(out, rt.Base+path)
			continue
		}
		// A small page deep in (the cached path) and a bulk page, sorted
		// descending (the direct path).
		out = append(out, rt.Base+path+"?limit=7&offset=3", rt.Base+path+"?limit=3000&sort=sourcedId&orderBy=desc")
	}
	// Filters that probe what the trimming leaves out: roles at other
	// schools, a primary org or an agent outside, an org's children.
	for _, f := range []string{"roles.role='guardian'", "roles.role='teacher'", "roles.org.sourcedId='org/sch-001'",
		"roles.org.sourcedId!='org/sch-002'", "primaryOrg.sourcedId='org/sch-001'", "agents.sourcedId='" + agent + "'",
		"agents.sourcedId!='" + agent + "'", "role='guardian'"} {
		out = append(out, ro+"/users?limit=3000&filter="+url.QueryEscape(f), ro+"/teachers?limit=3000&filter="+url.QueryEscape(f))
	}
	for _, f := range []string{"children.sourcedId='org/sch-001'", "children.sourcedId='org/sch-003'", "parent.sourcedId='org/district'"} {
		out = append(out, ro+"/orgs?limit=3000&filter="+url.QueryEscape(f))
	}
	out = append(out, ro+"/academicSessions?limit=3000&filter="+url.QueryEscape("children.sourcedId~'gp'"),
		ro+"/users?limit=3000&fields=sourcedId,roles,primaryOrg,agents,phone", ro+"/orgs?fields=children,parent")
	return out
}

func esc(s string) string { return strings.ReplaceAll(s, "/", "%2F") }

// normalize reads a JSON body with the server's URL replaced, less the
// hidden properties ("entity.property") of every object of the answer.
func normalize(t *testing.T, body []byte, base string, hidden map[string]bool) any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(body), base, "URL")), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	drop := func(o any, entity string) {
		m, ok := o.(map[string]any)
		if !ok {
			return
		}
		for k := range m {
			if hidden[entity+"."+k] {
				delete(m, k)
			}
		}
	}
	for key, val := range v {
		entity := key
		for _, e := range oneroster.Entities {
			if e.Plural == key {
				entity = e.Name
			}
		}
		if list, ok := val.([]any); ok {
			for _, o := range list {
				drop(o, entity)
			}
		} else {
			drop(val, entity)
		}
	}
	return v
}
