package httpapi_test

// End-to-end tests of what request bodies accept and how it reads back,
// on both engines, every response validated against the official OpenAPI.

import (
	"time"

	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// onEngines runs fn on a gradebook fixture over each engine (see
// engines).
func onEngines(t *testing.T, files map[string]string, fn func(t *testing.T, f *fixture, st store.Store)) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			st := eng.open(t)
			importtest.MustImport(t, st, storetest.WritePackage(t, files, ""), storetest.T1)
			srv, api, token := newServer(t, st, httpapi.Config{RateLimit: -1})
			fn(t, &fixture{srv: srv, api: api, v: oastest.Optional(t, oastest.Gradebook), token: token}, st)
		})
	}
}

// object returns the wrapped object of a single-object response.
func (r response) object(t *testing.T, key string) map[string]any {
	t.Helper()
	o, ok := r.json(t)[key].(map[string]any)
	if !ok {
		t.Fatalf("%s: no %q object in %s", r.req.URL, key, r.body)
	}
	return o
}

// TestDateLeniency: a date given as a date-time (as Google Classroom sends
// scoreDate) is stored as the date written in it, and a lineItem's
// date-times are stored as the dates its CSV file holds, so the package
// the store exports imports again.
func TestDateLeniency(t *testing.T) {
	onEngines(t, storetest.DistrictFiles(), func(t *testing.T, f *fixture, st store.Store) {
		put := func(path, body string) {
			t.Helper()
			if r := f.send(t, "PUT", gb+path, body); r.status != 201 {
				t.Fatalf("PUT %s: %d %s", path, r.status, r.body)
			}
		}
		put("/results/gc-1", `{"result":{"sourcedId":"gc-1","dateLastModified":"2026-12-02T13:41:05.474Z","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","score":8,"scoreDate":"2026-12-02T13:41:05.474Z"}}`)
		put("/results/gc-2", `{"result":{"sourcedId":"gc-2","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s2"},"scoreStatus":"fully graded","score":8,"scoreDate":"2026-12-02T20:00:00-05:00"}}`)
		put("/lineItems/gc-li", `{"lineItem":{"sourcedId":"gc-li","title":"Essay","assignDate":"2026-12-01T08:00:00-05:00",`+
			`"dueDate":"2026-12-08T23:59:00-05:00","class":{"sourcedId":"cl-1"},"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-hw"},"academicSession":{"sourcedId":"gp-1"}}}`)
		put("/assessmentLineItems/gc-ali", `{"assessmentLineItem":{"sourcedId":"gc-ali","title":"Test"}}`)
		put("/assessmentResults/gc-ar", `{"assessmentResult":{"sourcedId":"gc-ar","assessmentLineItem":{"sourcedId":"gc-ali"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"submitted","scoreDate":"2026-12-02T01:00:00+09:00"}}`)

		for path, want := range map[string]map[string]string{
			"/results/gc-1":            {"scoreDate": "2026-12-02"},
			"/results/gc-2":            {"scoreDate": "2026-12-02"}, // 3 December in UTC
			"/assessmentResults/gc-ar": {"scoreDate": "2026-12-02"}, // 1 December in UTC
			"/lineItems/gc-li":         {"assignDate": "2026-12-01T00:00:00.000Z", "dueDate": "2026-12-08T00:00:00.000Z"},
		} {
			key := strings.TrimSuffix(strings.Split(path, "/")[1], "s")
			o := f.get(t, gb+path).object(t, key)
			for prop, v := range want {
				if o[prop] != v {
					t.Errorf("GET %s: %s = %v, want %s", path, prop, o[prop], v)
				}
			}
			if dlm, _ := o["dateLastModified"].(string); strings.HasPrefix(dlm, "2026-12-02T13:41") {
				t.Errorf("GET %s: dateLastModified %s is the client's, not the server's", path, dlm)
			}
		}
		// Stored as a date, the due date is found by a date filter.
		r := f.get(t, gb+"/lineItems?filter="+url.QueryEscape("dueDate='2026-12-08'"))
		if ids := r.ids(t, "lineItems"); len(ids) != 1 || ids[0] != "gc-li" {
			t.Errorf("lineItems due on 2026-12-08: %v", ids)
		}
		if r := f.send(t, "PUT", gb+"/results/gc-1", `{"result":{"sourcedId":"gc-1","dateLastModified":"yesterday","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","scoreDate":"2026-12-02"}}`); r.status != 422 ||
			!strings.Contains(string(r.body), `result.dateLastModified: \"yesterday\" is not a valid date-time`) {
			t.Errorf("dateLastModified yesterday: %d %s", r.status, r.body)
		}

		dir := t.TempDir()
		if _, err := csvexport.Export(context.Background(), st, dir, csvexport.Options{}); err != nil {
			t.Fatal(err)
		}
		csv, err := os.ReadFile(filepath.Join(dir, "lineItems.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(csv), "\ngc-li,,,Essay,,2026-12-01,2026-12-08,") {
			t.Errorf("lineItems.csv does not hold gc-li with its dates:\n%s", csv)
		}
		importtest.MustImport(t, engines[0].open(t), dir, storetest.T1)
	})
}

// TestBodyEncoding: a body that is not UTF-8, or escapes half a surrogate
// pair, is refused whole (400) rather than stored with U+FFFD.
func TestBodyEncoding(t *testing.T) {
	f := newGradebookFixture(t)
	for name, tc := range map[string]struct{ comment, bad string }{
		"invalid UTF-8":  {"caf\xe9", "\xe9"},
		"lone surrogate": {`x\ud83d`, `\ud83d`},
	} {
		body := `{"result":{"sourcedId":"enc-1","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},` +
			`"scoreStatus":"fully graded","scoreDate":"2025-09-08","comment":"` + tc.comment + `"}}`
		r := f.send(t, "PUT", gb+"/results/enc-1", body)
		want := fmt.Sprintf("malformed JSON at byte %d: ", strings.Index(body, tc.bad)+1)
		if r.status != 400 || r.codeMinor(t) != "invaliddata" || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %s, want 400 saying %q", name, r.status, r.body, want)
		}
	}
	if r := f.get(t, gb+"/results/enc-1"); r.status != 404 {
		t.Errorf("a refused body was stored: %d %s", r.status, r.body)
	}
}

// sourceCases are stored learning-objective sources, the JSON form each is
// shown in, and the forms a body may give it in.
var sourceCases = []struct {
	stored, json string
	sent         []string
}{
	{"ext:abc", "/abc", []string{"ext:abc", "/abc"}},
	{"ext:Foo.Bar_1", "/xxizxw6lscmfzf6mi", []string{"ext:Foo.Bar_1", "/xxizxw6lscmfzf6mi"}},
	{"ext:case", "/xxmnqxgzi", []string{"ext:case", "/xxmnqxgzi"}},
	{"ext:xxabc", "/xxpb4gcytd", []string{"ext:xxabc", "/xxpb4gcytd", "/xxabc"}},
	{"case", "case", []string{"case"}},
	{"unknown", "unknown", []string{"unknown"}},
}

const caseUUID = "urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b"

// TestObjectiveSources: line items, results, assessment line items and
// assessment results whose learning objectives come from an extension
// source read back in the form the official schema allows (every response
// is validated), keep the CSV form in the store, and survive GET → PUT →
// GET unchanged, whatever accepted form the first PUT used.
func TestObjectiveSources(t *testing.T) {
	files := storetest.DistrictFiles()
	files["lineItemLearningObjectiveIds.csv"] += "lilo-x1,,,li-1,ext:abc,A\nlilo-x2,,,li-1,ext:Foo.Bar_1,B\nlilo-x3,,,li-1,ext:case,C\nlilo-x4,,,li-1,ext:xxabc,D\n"
	files["resultLearningObjectiveIds.csv"] += "rlo-x1,,,res-1,ext:Foo.Bar_1,A,1,\nrlo-x2,,,res-1,ext:xxabc,B,,ok\n"
	onEngines(t, files, func(t *testing.T, f *fixture, st store.Store) {
		ctx := context.Background()
		sources := func(o map[string]any) []string {
			var out []string
			sets, _ := o["learningObjectiveSet"].([]any)
			for _, s := range sets {
				out = append(out, s.(map[string]any)["source"].(string))
			}
			return out
		}
		// From a CSV import.
		if got := sources(f.get(t, gb+"/lineItems/li-1").object(t, "lineItem")); !slices.Equal(got, []string{"/abc", "/xxizxw6lscmfzf6mi", "/xxmnqxgzi", "/xxpb4gcytd"}) {
			t.Errorf("imported li-1 sources: %v", got)
		}
		if got := sources(f.get(t, gb+"/results/res-1").object(t, "result")); !slices.Equal(got, []string{"/xxizxw6lscmfzf6mi", "/xxpb4gcytd"}) {
			t.Errorf("imported res-1 sources: %v", got)
		}
		// Sources cannot be filtered on, so no filter value needs mapping.
		if r := f.get(t, gb+"/lineItems?filter="+url.QueryEscape("learningObjectiveSet.source='/abc'")); r.status != 400 || r.codeMinor(t) != "invalid_filter_field" {
			t.Errorf("filter on learningObjectiveSet.source: %d %s", r.status, r.body)
		}
		if r := f.send(t, "PUT", gb+"/assessmentLineItems/ali-base", `{"assessmentLineItem":{"sourcedId":"ali-base","title":"Base"}}`); r.status != 201 {
			t.Fatalf("PUT ali-base: %d %s", r.status, r.body)
		}

		kinds := []struct {
			key, path, table string // table: the link table, "" for JSON text
			scores           bool   // objectives carry scores
			body             func(id, sets string) string
		}{
			{"lineItem", "/lineItems/", "lineItemLearningObjectiveIds", false, func(id, sets string) string {
				return `{"lineItem":{"sourcedId":"` + id + `","title":"t","assignDate":"2025-09-01","dueDate":"2025-09-02","class":{"sourcedId":"cl-1"},` +
					`"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-hw"},"learningObjectiveSet":` + sets + `}}`
			}},
			{"result", "/results/", "resultLearningObjectiveIds", true, func(id, sets string) string {
				return `{"result":{"sourcedId":"` + id + `","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},` +
					`"scoreStatus":"fully graded","scoreDate":"2025-09-08","learningObjectiveSet":` + sets + `}}`
			}},
			{"assessmentLineItem", "/assessmentLineItems/", "", false, func(id, sets string) string {
				return `{"assessmentLineItem":{"sourcedId":"` + id + `","title":"t","learningObjectiveSet":` + sets + `}}`
			}},
			{"assessmentResult", "/assessmentResults/", "", true, func(id, sets string) string {
				return `{"assessmentResult":{"sourcedId":"` + id + `","assessmentLineItem":{"sourcedId":"ali-base"},"student":{"sourcedId":"u-s1"},` +
					`"scoreStatus":"submitted","scoreDate":"2025-09-08","learningObjectiveSet":` + sets + `}}`
			}},
		}
		set := func(scores bool, source, id string) string {
			if scores {
				return `{"source":"` + source + `","learningObjectiveResults":[{"learningObjectiveId":"` + id + `","score":2.5,"textScore":"B"}]}`
			}
			return `{"source":"` + source + `","learningObjectiveIds":["` + id + `"]}`
		}
		for _, k := range kinds {
			scores := k.scores
			wantStored := map[string][]string{} // sourcedId -> stored sources
			roundTrip := func(id, body string, want []string) {
				t.Helper()
				if r := f.send(t, "PUT", gb+k.path+id, body); r.status != 201 {
					t.Fatalf("PUT %s: %d %s", body, r.status, r.body)
				}
				first := f.get(t, gb+k.path+id)
				if got := sources(first.object(t, k.key)); !slices.Equal(got, want) {
					t.Errorf("%s %s: sources %v, want %v", k.key, id, got, want)
				}
				if r := f.send(t, "PUT", gb+k.path+id, string(first.body)); r.status != 201 {
					t.Fatalf("PUT back %s: %d %s", first.body, r.status, r.body)
				}
				again := f.get(t, gb+k.path+id)
				a, b := first.object(t, k.key), again.object(t, k.key)
				delete(a, "dateLastModified")
				delete(b, "dateLastModified")
				if diff := cmp.Diff(a, b); diff != "" {
					t.Errorf("%s %s: GET → PUT → GET changed it (-first +again):\n%s", k.key, id, diff)
				}
			}
			var all, allJSON, allStored []string
			for ci, c := range sourceCases {
				loID := "LO-1"
				if c.stored == "case" {
					loID = caseUUID
				}
				for si, sent := range c.sent {
					id := fmt.Sprintf("%s-%d-%d", k.key, ci, si)
					roundTrip(id, k.body(id, "["+set(scores, sent, loID)+"]"), []string{c.json})
					wantStored[id] = []string{c.stored}
				}
				all = append(all, set(scores, c.sent[len(c.sent)-1], loID))
				allJSON, allStored = append(allJSON, c.json), append(allStored, c.stored)
			}
			id := k.key + "-all"
			roundTrip(id, k.body(id, "["+strings.Join(all, ",")+"]"), allJSON)
			wantStored[id] = allStored
			f.get(t, gb+strings.TrimSuffix(k.path, "/")) // the collection, validated

			gotStored := map[string][]string{}
			if k.table != "" {
				err := st.ExportRows(ctx, k.table, time.Time{}, func(vals []string) error {
					if _, ok := wantStored[vals[3]]; ok { // owner, source
						gotStored[vals[3]] = append(gotStored[vals[3]], vals[4])
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			} else {
				e := map[string]*oneroster.Entity{"assessmentLineItem": oneroster.AssessmentLineItem, "assessmentResult": oneroster.AssessmentResult}[k.key]
				col := slices.Index(st.Columns(e), "learningObjectiveSet")
				for id := range wantStored {
					rec, err := st.Get(ctx, e, id)
					if err != nil {
						t.Fatal(err)
					}
					var sets []struct{ Source string }
					if err := json.Unmarshal([]byte(rec.Vals[col]), &sets); err != nil {
						t.Fatalf("%s %s: stored %q: %v", k.key, id, rec.Vals[col], err)
					}
					for _, s := range sets {
						gotStored[id] = append(gotStored[id], s.Source)
					}
				}
			}
			for id := range gotStored {
				slices.Sort(gotStored[id])
			}
			for id := range wantStored {
				slices.Sort(wantStored[id])
			}
			if diff := cmp.Diff(wantStored, gotStored); diff != "" {
				t.Errorf("%s: stored sources (-want +got):\n%s", k.key, diff)
			}
		}
	})
}
