package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestOrgsRule (issue 16 item 2): a client whose rule lists one school
// gets, from every GET operation of the three services, exactly what the
// rule allows: the ids of a full client's answer that the rule's oracle
// (storetest.VisibleIDs, worked out from the CSV rows without SQL) keeps,
// in the same order, with X-Total-Count counting only them; a reference
// in any object it receives names only objects it may see; whatever the
// path names outside the view is 404, as if it did not exist. Writes
// cannot reach outside either. Before those writes, the same store goes
// through sharingMatrix. Both engines; every answer validated.
func TestOrgsRule(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(dir, generate.Options{Students: 300, Schools: 3, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	probe := crossSchool(t, dir)
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			st := eng.open(t)
			importtest.MustImport(t, st, dir, storetest.T1)
			t.Run("matrix", func(t *testing.T) { sharingMatrix(t, st, dir, eng.open, probe) })
			svc := auth.New(st, auth.Config{})
			token := func(rules auth.Rules) string {
				id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, rules)
				if err != nil {
					t.Fatal(err)
				}
				tok, _, err := svc.Issue(ctx, id, secret, "", "test")
				if err != nil {
					t.Fatal(err)
				}
				return tok
			}
			api := httpapi.New(st, httpapi.Config{Logger: warnLogger, Auth: svc, RateLimit: -1})
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			validators := map[string]*oastest.Validator{
				oneroster.RosteringBase: oastest.Optional(t, oastest.Rostering),
				oneroster.GradebookBase: oastest.Optional(t, oastest.Gradebook),
				oneroster.ResourcesBase: oastest.Optional(t, oastest.Resources),
			}
			client := func(tok string) func(path string) response {
				return func(path string) response {
					t.Helper()
					f := &fixture{srv: srv, token: tok}
					for base, v := range validators {
						if strings.HasPrefix(path, base) {
							f.v = v
						}
					}
					return f.do(t, "GET", path, true)
				}
			}
			fullTok := token(auth.Rules{})
			full := client(fullTok)
			school := "org/sch-002"
			vis := storetest.VisibleIDs(t, dir, []string{school})
			write := func(tok, method, path, body string) (int, string) {
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b)
			}
			// The Assessment Results Profile has no CSV file: one line item
			// and one result on each side, written by the full client.
			for side, class := range map[string]string{"in": "cls-002-ANCIV.01", "out": "cls-001-ART-ES.01"} {
				students := full(oneroster.RosteringBase+"/classes/"+url.PathEscape(class)+"/students?limit=1").ids(t, "users")
				if len(students) == 0 {
					t.Fatalf("class %s has no student", class)
				}
				if code, body := write(fullTok, "PUT", oneroster.GradebookBase+"/assessmentLineItems/ali-"+side,
					`{"assessmentLineItem": {"title": "Unit test", "class": {"sourcedId": "`+class+`"}}}`); code != 201 {
					t.Fatalf("PUT an assessment line item: %d %s", code, body)
				}
				if code, body := write(fullTok, "PUT", oneroster.GradebookBase+"/assessmentResults/ar-"+side,
					`{"assessmentResult": {"assessmentLineItem": {"sourcedId": "ali-`+side+`"}, "student": {"sourcedId": "`+students[0]+`"},
					"scoreStatus": "fully graded", "score": 1, "scoreDate": "2026-01-01"}}`); code != 201 {
					t.Fatalf("PUT an assessment result: %d %s", code, body)
				}
			}
			vis["assessmentLineItems"]["ali-in"], vis["assessmentResults"]["ar-in"] = true, true
			app := client(token(auth.Rules{Orgs: school}))
			checkRefs := func(r response) {
				t.Helper()
				for _, ref := range guidRefs(r.body) {
					e := oneroster.EntityNamed(ref.Type)
					if e == nil || !vis[e.Table][ref.SourcedID] {
						t.Errorf("%s: the answer names %s %s, outside the view", r.req.URL.Path, ref.Type, ref.SourcedID)
					}
				}
			}
			// One instantiation of the path parameters inside the view and
			// one outside, found through the full client.
			in, out := params(t, full, vis, school)
			ops := 0
			for _, rt := range api.Routes() {
				if rt.Method != "GET" || rt.Entity == nil {
					continue
				}
				ops++
				key := rt.Entity.Plural
				if !rt.Collection {
					key = rt.Entity.Name
				}
				for _, side := range []struct {
					name   string
					params map[string]string
				}{{"inside", in}, {"outside", nil}} {
					if !strings.Contains(rt.Path, "{") && side.name == "outside" {
						continue // a plain collection has no outside
					}
					values := side.params
					if side.name == "outside" {
						// Sessions are shared by every school: where nothing
						// outside exists, the inside value stands in.
						values = map[string]string{}
						for k, v := range in {
							values[k] = v
						}
						for k, v := range out {
							if v != "" {
								values[k] = v
							}
						}
					}
					path, names, ok := fillPath(rt.Path, values, rt.Entity)
					if !ok {
						t.Fatalf("%s: no value for a parameter", rt.Path)
					}
					outside := false
					for name, id := range names {
						if !vis[paramTable(name)][id] {
							outside = true
						}
					}
					path = rt.Base + path
					if rt.Collection {
						path += "?limit=1000"
					}
					f, a := full(path), app(path)
					if f.status != 200 {
						t.Fatalf("GET %s as the full client: %d %s", path, f.status, f.body)
					}
					if outside {
						if a.status != 404 || a.codeMinor(t) != "unknownobject" {
							t.Errorf("GET %s (outside the view): %d %s; want 404 unknownobject", path, a.status, a.body)
						}
						continue
					}
					if a.status != 200 {
						t.Errorf("GET %s (inside the view): %d %s", path, a.status, a.body)
						continue
					}
					checkRefs(a)
					if !rt.Collection {
						continue
					}
					var want []string
					for _, id := range f.ids(t, key) {
						if vis[rt.Entity.Table][id] {
							want = append(want, id)
						}
					}
					got := a.ids(t, key)
					if !slices.Equal(got, want) && len(f.ids(t, key)) < 1000 {
						t.Errorf("GET %s: %d ids, want %d (full client's %d within the view)\n got only: %v\nwant only: %v",
							path, len(got), len(want), len(f.ids(t, key)), minus(got, want), minus(want, got))
					}
					if len(f.ids(t, key)) < 1000 && a.header.Get("X-Total-Count") != itoa(len(want)) {
						t.Errorf("GET %s: X-Total-Count %s, want %d", path, a.header.Get("X-Total-Count"), len(want))
					}
				}
			}
			if ops < 60 {
				t.Errorf("%d GET operations checked; want every one", ops)
			}
			// Bulk pages (the direct path) and an OR that tries to reach out.
			r := app(oneroster.RosteringBase + "/users?limit=5000")
			if n := len(r.ids(t, "users")); n != len(vis["users"]) {
				t.Errorf("bulk /users: %d users, want %d", n, len(vis["users"]))
			}
			checkRefs(r)
			outsider := out["userSourcedId"]
			r = app(oneroster.RosteringBase + "/users?filter=" + url.QueryEscape("sourcedId='"+outsider+"' OR sourcedId='"+in["userSourcedId"]+"'"))
			if ids := r.ids(t, "users"); !slices.Equal(ids, []string{in["userSourcedId"]}) {
				t.Errorf("an OR reached outside the view: %v", ids)
			}
			// Writes: nothing outside can be replaced, deleted, named or
			// used as a parent; the answers are those of a missing object.
			appTok := token(auth.Rules{Orgs: school})
			appWrite := func(method, path, body string) (int, string) { return write(appTok, method, path, body) }
			gb := oneroster.GradebookBase
			result := func(lineItem, student string) string {
				return `{"result": {"lineItem": {"sourcedId": "` + lineItem + `"}, "student": {"sourcedId": "` + student + `"},
					"scoreStatus": "fully graded", "score": 1, "scoreDate": "2026-01-01"}}`
			}
			if code, body := appWrite("PUT", gb+"/results/new-1", result(in["lineItemSourcedId"], in["studentSourcedId"])); code != 201 {
				t.Errorf("PUT a result inside the view: %d %s", code, body)
			}
			_, missing := appWrite("PUT", gb+"/results/new-2", result("no-such-line-item", in["studentSourcedId"]))
			code, body := appWrite("PUT", gb+"/results/new-2", result(out["lineItemSourcedId"], in["studentSourcedId"]))
			if want := strings.ReplaceAll(missing, "no-such-line-item", out["lineItemSourcedId"]); code != 422 || body != want {
				t.Errorf("PUT a result naming a line item outside: %d %s\nwant what a missing one gets: %s", code, body, want)
			}
			if code, body := appWrite("PUT", gb+"/results/"+url.PathEscape(out["resultSourcedId"]), result(in["lineItemSourcedId"], in["studentSourcedId"])); code != 404 {
				t.Errorf("PUT over a result outside the view: %d %s", code, body)
			}
			if code, body := appWrite("DELETE", gb+"/results/"+url.PathEscape(out["resultSourcedId"]), ""); code != 404 {
				t.Errorf("DELETE of a result outside the view: %d %s", code, body)
			}
			if r := full(gb + "/results/" + url.PathEscape(out["resultSourcedId"])); r.status != 200 {
				t.Errorf("the result outside the view is gone: %d", r.status)
			}
			// Every DELETE operation, on an object of its entity outside the view.
			for _, rt := range api.Routes() {
				if rt.Method != "DELETE" {
					continue
				}
				id := out["self:"+rt.Entity.Name]
				if rt.Entity == oneroster.AssessmentLineItem || rt.Entity == oneroster.AssessmentResult {
					id = map[string]string{"assessmentLineItem": "ali-out", "assessmentResult": "ar-out"}[rt.Entity.Name]
				}
				if id == "" {
					t.Logf("DELETE %s: every object of the entity is inside the view; nothing to try", rt.Path)
					continue
				}
				path := rt.Base + strings.Replace(rt.Path, "{sourcedId}", url.PathEscape(id), 1)
				if code, body := appWrite("DELETE", path, ""); code != 404 {
					t.Errorf("DELETE %s (outside the view): %d %s", path, code, body)
				}
				if r := full(path); r.status != 200 {
					t.Errorf("GET %s after the refused DELETE: %d", path, r.status)
				}
			}
			if code, body := appWrite("POST", gb+"/classes/"+url.PathEscape(out["classSourcedId"])+"/lineItems",
				`{"lineItems": [{"sourcedId": "tmp-1", "title": "x", "assignDate": "2026-01-01", "dueDate": "2026-01-02", "school": {"sourcedId": "`+out["schoolSourcedId"]+`"}}]}`); code != 404 {
				t.Errorf("POST line items to a class outside the view: %d %s", code, body)
			}
		})
	}
}

type guidRef struct{ Type, SourcedID string }

// guidRefs finds every GUIDRef ({href, sourcedId, type}) in a JSON body.
func guidRefs(body []byte) []guidRef {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if dec.Decode(&v) != nil {
		return nil
	}
	var out []guidRef
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if _, ok := x["href"]; ok {
				if id, ok := x["sourcedId"].(string); ok {
					if typ, ok := x["type"].(string); ok {
						out = append(out, guidRef{typ, id})
					}
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return out
}

var paramRE = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// paramTable names the table a path parameter's object is in.
func paramTable(name string) string {
	if e, ok := strings.CutPrefix(name, "self:"); ok {
		return oneroster.EntityNamed(e).Table
	}
	return map[string]string{"classSourcedId": "classes", "schoolSourcedId": "orgs", "studentSourcedId": "users", "teacherSourcedId": "users",
		"userSourcedId": "users", "termSourcedId": "academicSessions", "gradingPeriodSourcedId": "academicSessions",
		"academicSessionSourcedId": "academicSessions", "courseSourcedId": "courses", "lineItemSourcedId": "lineItems"}[name]
}

// fillPath puts values into a path template ({sourcedId} takes the value
// of the entity's own parameter) and returns the parameters it used.
func fillPath(path string, params map[string]string, e *oneroster.Entity) (string, map[string]string, bool) {
	ok := true
	used := map[string]string{}
	out := paramRE.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		if name == "sourcedId" {
			name = "self:" + e.Name
			if strings.Contains(path, "/students/") {
				name = "studentSourcedId"
			} else if strings.Contains(path, "/teachers/") {
				name = "teacherSourcedId"
			} else if strings.Contains(path, "/schools/") {
				name = "schoolSourcedId"
			} else if strings.Contains(path, "/terms/") {
				name = "termSourcedId"
			} else if strings.Contains(path, "/gradingPeriods/") {
				name = "gradingPeriodSourcedId"
			}
		}
		v, has := params[name]
		ok = ok && has && v != ""
		used[name] = v
		return url.PathEscape(v)
	})
	return out, used, ok
}

// params finds, through the full client, path parameters that name
// objects inside the view (of one class of the school, its people, term,
// course, line item, result) and outside it (the same of another school).
func params(t *testing.T, full func(string) response, vis map[string]map[string]bool, school string) (in, out map[string]string) {
	t.Helper()
	ro, gb, rs := oneroster.RosteringBase, oneroster.GradebookBase, oneroster.ResourcesBase
	pick := func(side bool) map[string]string {
		p := map[string]string{}
		first := func(path, key, table string) string {
			for _, id := range full(path).ids(t, key) {
				if vis[table][id] == side {
					return id
				}
			}
			return ""
		}
		// A class with line items and results on this side.
		for _, c := range full(ro+"/classes?limit=10000&fields=sourcedId").ids(t, "classes") {
			if vis["classes"][c] != side {
				continue
			}
			lis := full(gb+"/classes/"+url.PathEscape(c)+"/lineItems?limit=1").ids(t, "lineItems")
			if len(lis) == 0 {
				continue
			}
			results := full(gb+"/classes/"+url.PathEscape(c)+"/lineItems/"+url.PathEscape(lis[0])+"/results?limit=1").ids(t, "results")
			if len(results) == 0 {
				continue
			}
			obj := full(gb + "/lineItems/" + url.PathEscape(lis[0])).json(t)["lineItem"].(map[string]any)
			p["lineItemSourcedId"], p["classSourcedId"], p["resultSourcedId"] = lis[0], c, results[0]
			p["academicSessionSourcedId"] = obj["academicSession"].(map[string]any)["sourcedId"].(string)
			break
		}
		class := full(ro + "/classes/" + url.PathEscape(p["classSourcedId"])).json(t)["class"].(map[string]any)
		p["schoolSourcedId"] = class["school"].(map[string]any)["sourcedId"].(string)
		p["courseSourcedId"] = class["course"].(map[string]any)["sourcedId"].(string)
		p["termSourcedId"] = class["terms"].([]any)[0].(map[string]any)["sourcedId"].(string)
		classPath := ro + "/classes/" + url.PathEscape(p["classSourcedId"])
		p["studentSourcedId"] = full(classPath+"/students?limit=1").ids(t, "users")[0]
		p["teacherSourcedId"] = full(classPath+"/teachers?limit=1").ids(t, "users")[0]
		p["userSourcedId"] = p["studentSourcedId"]
		p["gradingPeriodSourcedId"] = first(ro+"/gradingPeriods?limit=10000&fields=sourcedId", "academicSessions", "academicSessions")
		for _, e := range oneroster.Entities {
			base := map[string]string{"gradebook": gb, "resources": rs}[e.Service]
			if base == "" {
				base = ro
			}
			p["self:"+e.Name] = first(base+"/"+e.Plural+"?limit=10000&fields=sourcedId", e.Plural, e.Table)
		}
		p["self:academicSession"] = p["termSourcedId"]
		p["self:class"], p["self:lineItem"], p["self:result"] = p["classSourcedId"], p["lineItemSourcedId"], p["resultSourcedId"]
		return p
	}
	in, out = pick(true), pick(false)
	if in["schoolSourcedId"] != school || out["schoolSourcedId"] == school {
		t.Fatalf("the parameters are not on their sides: %s inside, %s outside", in["schoolSourcedId"], out["schoolSourcedId"])
	}
	return in, out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return out
}

// warnLogger is the logger of these tests' servers: warnings and errors
// only, not a line per request.
var warnLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// crossSchool gives the generated package in dir what a district's data
// has and the generator's does not, and what a one-school view must trim:
// a teacher of org/sch-002 who is also a guardian at org/sch-001, its
// primary org, with a student of org/sch-001 among its agents. It
// returns that agent's sourcedId.
func crossSchool(t *testing.T, dir string) string {
	t.Helper()
	read := func(name string) [][]string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	write := func(name string, recs [][]string) {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.WriteAll(recs)
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	col := func(header []string, name string) int { return slices.Index(header, name) }
	roles := read("roles.csv")
	h := roles[0]
	var teacher, student1 string
	for _, r := range roles[1:] {
		switch org, role := r[col(h, "orgSourcedId")], r[col(h, "role")]; {
		case teacher == "" && role == "teacher" && org == "org/sch-002":
			teacher = r[col(h, "userSourcedId")]
		case student1 == "" && role == "student" && org == "org/sch-001":
			student1 = r[col(h, "userSourcedId")]
		}
	}
	if teacher == "" || student1 == "" {
		t.Fatal("the generated district lacks a teacher or students at the schools")
	}
	row := make([]string, len(h))
	row[col(h, "sourcedId")], row[col(h, "userSourcedId")] = "role-cross-1", teacher
	row[col(h, "roleType")], row[col(h, "role")], row[col(h, "orgSourcedId")] = "secondary", "guardian", "org/sch-001"
	write("roles.csv", append(roles, row))
	users := read("users.csv")
	h = users[0]
	for _, u := range users[1:] {
		switch u[col(h, "sourcedId")] {
		case teacher:
			u[col(h, "agentSourcedIds")] = strings.Trim(u[col(h, "agentSourcedIds")]+","+student1, ",")
			u[col(h, "primaryOrgSourcedId")] = "org/sch-001"
		}
	}
	write("users.csv", users)
	return student1
}
