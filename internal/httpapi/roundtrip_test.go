package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/cli"
	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// engines opens empty stores on each engine: SQLite always, PostgreSQL
// when the tests have a database (in CI they must).
var engines = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t *testing.T) store.Store { return pgtest.Open(t) }},
}

// TestWritesExportRoundTrip: whatever REST writes, the next export is a
// package that validates, imports into an empty store (bulk) or onto the
// district it started from (delta, --since), and then serves the same
// answers as the store that was written to.
func TestWritesExportRoundTrip(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			st := eng.open(t)
			district := storetest.WritePackage(t, storetest.DistrictFiles(), "")
			importtest.MustImport(t, st, district, storetest.T1)
			srv, _, token := newServer(t, st, httpapi.Config{RateLimit: -1})
			f := &fixture{srv: srv, token: token, v: oastest.Optional(t, oastest.Gradebook)}
			since := time.Now().Add(-time.Second)
			restSession(t, f)

			bulk := filepath.Join(t.TempDir(), "bulk")
			if _, err := csvexport.Export(context.Background(), st, bulk, csvexport.Options{}); err != nil {
				t.Fatal(err)
			}
			var out, errs bytes.Buffer
			if code := cli.Run(context.Background(), []string{"validate", bulk}, &out, &errs); code != 0 {
				t.Fatalf("validate of the bulk export: exit %d\n%s%s", code, out.String(), errs.String())
			}
			fresh := eng.open(t)
			importtest.MustImport(t, fresh, bulk, storetest.T1.Add(time.Hour))
			sameAnswers(t, st, fresh)

			delta := filepath.Join(t.TempDir(), "delta")
			if _, err := csvexport.Export(context.Background(), st, delta, csvexport.Options{Since: since}); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			errs.Reset()
			if code := cli.Run(context.Background(), []string{"validate", delta}, &out, &errs); code != 0 {
				t.Fatalf("validate of the delta export: exit %d\n%s%s", code, out.String(), errs.String())
			}
			onto := eng.open(t)
			importtest.MustImport(t, onto, district, storetest.T1)
			importtest.MustImport(t, onto, delta, time.Now())
			sameAnswers(t, st, onto)
		})
	}
}

// restSession writes every gradebook type through REST as a learning
// platform would: create, replace with and without the optional
// properties, delete, recreate, POST.
func restSession(t *testing.T, f *fixture) {
	t.Helper()
	ref := func(typ, id string) string { return fmt.Sprintf(`{"sourcedId":%q,"type":%q}`, id, typ) }
	steps := []struct {
		method, path, body string
		want               int
	}{
		{"PUT", "/categories/cat-new", `{"category":{"title":"Projects","weight":12.5}}`, 201},
		{"PUT", "/categories/cat-new", `{"category":{"title":"Projects (all)"}}`, 201},
		{"PUT", "/categories/cat-gone", `{"category":{"title":"Drafts","weight":0.25}}`, 201},
		{"DELETE", "/categories/cat-gone", "", 204},
		{"PUT", "/categories/cat-again", `{"category":{"title":"Again"}}`, 201},
		{"DELETE", "/categories/cat-again", "", 204},
		{"PUT", "/categories/cat-again", `{"category":{"title":"Again, back"}}`, 201},

		// A REST score scale has no org (JSON has none) nor, here, a course.
		{"PUT", "/scoreScales/ss-new", `{"scoreScale":{"title":"Pass/fail","type":"pf","class":` + ref("class", "cl-1") +
			`,"scoreScaleValue":[{"itemValueLHS":"P","itemValueRHS":"pass"}]}}`, 201},
		// Replacing the imported one keeps its org.
		{"PUT", "/scoreScales/ss-1", `{"scoreScale":{"title":"Letters","type":"letter","class":` + ref("class", "cl-1") +
			`,"course":` + ref("course", "c-math") + `,"scoreScaleValue":[{"itemValueLHS":"90-100","itemValueRHS":"A"}]}}`, 201},

		// A line item with every optional property, then without them (its
		// academic session is then its class's term).
		{"PUT", "/lineItems/li-new", `{"lineItem":{"title":"Essay","description":"Two pages","assignDate":"2025-11-01T08:00:00Z","dueDate":"2025-11-08",
			"class":` + ref("class", "cl-1") + `,"school":` + ref("org", "org/sch-1") + `,"category":` + ref("category", "cat-new") +
			`,"academicSession":` + ref("academicSession", "gp-2") + `,"scoreScale":` + ref("scoreScale", "ss-new") +
			`,"resultValueMin":0,"resultValueMax":50,"learningObjectiveSet":[{"source":"case","learningObjectiveIds":["urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b"]},{"source":"unknown","learningObjectiveIds":["ESSAY-1"]}]}}`, 201},
		{"PUT", "/lineItems/li-new", `{"lineItem":{"title":"Essay (v2)","assignDate":"2025-11-01T00:00:00.000Z","dueDate":"2025-11-09T00:00:00.000Z",
			"class":` + ref("class", "cl-1") + `,"school":` + ref("org", "org/sch-1") + `,"category":` + ref("category", "cat-new") + `}}`, 201},
		{"PUT", "/lineItems/li-tmp", `{"lineItem":{"title":"Scratch","assignDate":"2026-02-01T00:00:00Z","dueDate":"2026-02-02T00:00:00Z",
			"class":` + ref("class", "cl-3") + `,"school":` + ref("org", "org/sch-1") + `,"category":` + ref("category", "cat-hw") +
			`,"scoreScale":` + ref("scoreScale", "ss-new") + `}}`, 201},
		{"DELETE", "/lineItems/li-tmp", "", 204},
		// Deleting an imported line item takes its results and links.
		{"DELETE", "/lineItems/li-2", "", 204},
		{"PUT", "/lineItems/li-2", `{"lineItem":{"title":"Unit test, again","assignDate":"2025-10-01T00:00:00Z","dueDate":"2025-10-10T00:00:00Z",
			"class":` + ref("class", "cl-1") + `,"school":` + ref("org", "org/sch-1") + `,"category":` + ref("category", "cat-test") +
			`,"academicSession":` + ref("academicSession", "gp-1") + `}}`, 201},
		{"POST", "/classes/cl-2/lineItems", `{"lineItems":[{"sourcedId":"tmp-1","title":"Posted","assignDate":"2026-01-05T09:30:00-05:00","dueDate":"2026-01-06T00:00:00Z",
			"school":` + ref("org", "sch.2@x") + `,"category":` + ref("category", "cat-hw") + `,"academicSession":` + ref("academicSession", "t-2") + `}]}`, 201},

		// Results: every optional property, then few; delete; recreate.
		{"PUT", "/results/res-new", `{"result":{"lineItem":` + ref("lineItem", "li-new") + `,"student":` + ref("user", "u-s2") +
			`,"class":` + ref("class", "cl-1") + `,"scoreScale":` + ref("scoreScale", "ss-new") + `,"scoreStatus":"fully graded","score":45,"textScore":"P",
			"scoreDate":"2025-11-10","comment":"Good","inProgress":"false","incomplete":"false","late":"true","missing":"false",
			"learningObjectiveSet":[{"source":"unknown","learningObjectiveResults":[{"learningObjectiveId":"ESSAY-1","score":4,"textScore":"Proficient"}]}]}}`, 201},
		{"PUT", "/results/res-new", `{"result":{"lineItem":` + ref("lineItem", "li-new") + `,"student":` + ref("user", "u-s2") +
			`,"scoreStatus":"submitted","scoreDate":"2025-11-11"}}`, 201},
		{"DELETE", "/results/res-1", "", 204},
		{"PUT", "/results/res-1", `{"result":{"lineItem":` + ref("lineItem", "li-1") + `,"student":` + ref("user", "u-s1") +
			`,"scoreStatus":"fully graded","score":10,"scoreDate":"2025-09-09"}}`, 201},
		{"POST", "/lineItems/li-2/results", `{"results":[{"sourcedId":"t1","lineItem":` + ref("lineItem", "li-2") + `,"student":` + ref("user", "u-s1") +
			`,"scoreStatus":"fully graded","score":77,"scoreDate":"2025-10-11"}]}`, 201},

		// The Assessment Results Profile has no CSV file: written, read and
		// deleted through REST only.
		{"PUT", "/assessmentLineItems/a-1", `{"assessmentLineItem":{"title":"State test","class":` + ref("class", "cl-1") + `,"resultValueMin":0,"resultValueMax":100}}`, 201},
		{"PUT", "/assessmentLineItems/a-2", `{"assessmentLineItem":{"title":"Part 1","parentAssessmentLineItem":` + ref("assessmentLineItem", "a-1") + `}}`, 201},
		{"PUT", "/assessmentResults/ar-1", `{"assessmentResult":{"assessmentLineItem":` + ref("assessmentLineItem", "a-2") + `,"student":` + ref("user", "u-s1") +
			`,"score":88,"scoreDate":"2025-12-01","scoreStatus":"fully graded"}}`, 201},
		{"PUT", "/assessmentResults/ar-1", `{"assessmentResult":{"assessmentLineItem":` + ref("assessmentLineItem", "a-2") + `,"student":` + ref("user", "u-s1") +
			`,"scoreDate":"2025-12-02","scoreStatus":"exempt"}}`, 201},
		{"DELETE", "/assessmentLineItems/a-1", "", 204},
		{"GET", "/assessmentResults/ar-1", "", 404},
		{"PUT", "/assessmentLineItems/a-1", `{"assessmentLineItem":{"title":"State test, again"}}`, 201},
	}
	for _, s := range steps {
		var r response
		if s.method == "GET" {
			r = f.get(t, gb+s.path)
		} else {
			r = f.send(t, s.method, gb+s.path, s.body)
		}
		if r.status != s.want {
			t.Fatalf("%s %s: %d, want %d\n%s", s.method, s.path, r.status, s.want, r.body)
		}
	}
}

// sameAnswers compares what two stores answer through REST: every
// collection of the CSV binding's entities and every object of them, with
// hrefs made relative and dateLastModified left out (an import stamps its
// own time). The assessment entities have no CSV file, so no export
// carries them.
func sameAnswers(t *testing.T, want, got store.Store) {
	t.Helper()
	answers := func(st store.Store) map[string]string {
		srv, _, token := newServer(t, st, httpapi.Config{RateLimit: -1})
		f := &fixture{srv: srv, token: token}
		out := map[string]string{}
		for _, e := range oneroster.Entities {
			if e.NoCSV {
				continue
			}
			path := entityBase(e) + "/" + e.Plural
			r := f.do(t, "GET", path+"?limit=10000", false)
			out[path] = normalise(t, r.body, srv.URL)
			for _, id := range r.ids(t, e.Plural) {
				p := path + "/" + url.PathEscape(id)
				out[p] = normalise(t, f.do(t, "GET", p, false).body, srv.URL)
			}
		}
		return out
	}
	a, b := answers(want), answers(got)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		if diff := cmp.Diff(a[k], b[k]); diff != "" {
			t.Errorf("GET %s differs after the round trip (-written +imported)\n%s", k, diff)
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d answers written, %d after the round trip", len(a), len(b))
	}
}

func entityBase(e *oneroster.Entity) string {
	switch e.Service {
	case "gradebook":
		return oneroster.GradebookBase
	case "resources":
		return oneroster.ResourcesBase
	}
	return oneroster.RosteringBase
}

// normalise drops dateLastModified and the server's address from a JSON
// answer and indents it, for a readable diff.
func normalise(t *testing.T, body []byte, base string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(bytes.ReplaceAll(body, []byte(base), nil), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	var drop func(any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "dateLastModified")
			for _, y := range x {
				drop(y)
			}
		case []any:
			for _, y := range x {
				drop(y)
			}
		}
	}
	drop(v)
	b, _ := json.MarshalIndent(v, "", " ")
	return strings.TrimSpace(string(b))
}

// TestDateTimeScoreDate is Google Classroom's grade pass-back: its client
// sends scoreDate as a date-time. The result is stored with its date, read
// back, regraded to 300 and exempt, deleted, and then in no list.
func TestDateTimeScoreDate(t *testing.T) {
	onEngines(t, storetest.DistrictFiles(), func(t *testing.T, f *fixture, _ store.Store) {
		body := func(extra string) string {
			return `{"result":{"sourcedId":"gc-1","status":"active","lineItem":{"sourcedId":"li-1","type":"lineItem"},
				"student":{"sourcedId":"u-s2","type":"user"},"scoreDate":"2026-12-02T13:41:05.474Z",` + extra + `}}`
		}
		if r := f.send(t, "PUT", gb+"/results/gc-1", body(`"scoreStatus":"fully graded","score":9.5`)); r.status != 201 {
			t.Fatalf("PUT with a date-time scoreDate: %d %s", r.status, r.body)
		}
		r := f.get(t, gb+"/results/gc-1")
		if res, _ := r.json(t)["result"].(map[string]any); res["scoreDate"] != "2026-12-02" || res["score"] != 9.5 {
			t.Errorf("read back: %s", r.body)
		}
		if r := f.send(t, "PUT", gb+"/results/gc-1", body(`"scoreStatus":"exempt","score":300`)); r.status != 201 {
			t.Fatalf("regrade: %d %s", r.status, r.body)
		}
		r = f.get(t, gb+"/results/gc-1")
		if res, _ := r.json(t)["result"].(map[string]any); res["scoreStatus"] != "exempt" || res["score"] != 300.0 {
			t.Errorf("after the regrade: %s", r.body)
		}
		lists := []string{"/results", "/classes/cl-1/results", "/classes/cl-1/lineItems/li-1/results", "/classes/cl-1/students/u-s2/results"}
		for _, l := range lists {
			if ids := f.get(t, gb+l).ids(t, "results"); !slices.Contains(ids, "gc-1") {
				t.Errorf("%s before the delete lacks gc-1: %v", l, ids)
			}
		}
		if r := f.send(t, "DELETE", gb+"/results/gc-1", ""); r.status != 204 {
			t.Fatalf("DELETE: %d %s", r.status, r.body)
		}
		if r := f.get(t, gb+"/results/gc-1"); r.status != 404 {
			t.Errorf("GET after DELETE: %d", r.status)
		}
		for _, l := range lists {
			if ids := f.get(t, gb+l).ids(t, "results"); slices.Contains(ids, "gc-1") {
				t.Errorf("%s still lists the deleted result: %v", l, ids)
			}
		}
	})
}

// TestResultsPostedForAClass: results posted for a class and academic
// session must grade a line item of both; the store checks it with the
// other references, in the write's transaction.
func TestResultsPostedForAClass(t *testing.T) {
	onEngines(t, storetest.DistrictFiles(), func(t *testing.T, f *fixture, _ store.Store) {
		body := func(li string) string {
			return `{"results":[{"sourcedId":"tmp","lineItem":{"sourcedId":"` + li + `"},"student":{"sourcedId":"u-s1"},"scoreStatus":"submitted","scoreDate":"2025-09-09"}]}`
		}
		for _, c := range []struct {
			path, li string
			status   int
			want     string
		}{
			{"/classes/cl-1/academicSessions/gp-1/results", "li-1", 201, ""},
			{"/classes/cl-1/academicSessions/gp-1/results", "li-3", 422, "results[0].lineItem: line item li-3 is not one of class cl-1 and academic session gp-1"},
			{"/classes/cl-1/academicSessions/t-2/results", "li-1", 422, "results[0].lineItem: line item li-1 is not one of class cl-1 and academic session t-2"},
			{"/classes/cl-1/academicSessions/gp-1/results", "li-9", 422, "results[0].lineItem: no lineItem with sourcedId li-9"},
		} {
			r := f.send(t, "POST", gb+c.path, body(c.li))
			if r.status != c.status || (c.want != "" && !strings.Contains(string(r.body), c.want)) {
				t.Errorf("POST %s with %s: %d %s; want %d %q", c.path, c.li, r.status, r.body, c.status, c.want)
			}
		}
	})
}
