package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

const gb = "/ims/oneroster/gradebook/v1p2"

func newGradebookFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "gb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.DistrictFiles(), ""), storetest.T1)
	srv, api, token := newServer(t, st, httpapi.Config{RateLimit: -1})
	return &fixture{srv: srv, api: api, v: oastest.Optional(t, oastest.Gradebook), token: token}
}

// send makes a request with a JSON body and validates the response against
// the gradebook OpenAPI.
func (f *fixture) send(t *testing.T, method, path, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	f.v.ValidateResponse(t, req, res.StatusCode, res.Header, b)
	return response{res.StatusCode, res.Header, b, req}
}

func TestGradebookReads(t *testing.T) {
	f := newGradebookFixture(t)
	sch1 := url.PathEscape("org/sch-1")
	cases := []struct {
		path, key string
		want      []string
	}{
		{"/categories", "categories", []string{"cat-hw", "cat-test"}},
		{"/categories/cat-hw", "category", []string{"cat-hw"}},
		{"/lineItems", "lineItems", []string{"li-1", "li-2", "li-3"}},
		{"/lineItems/li-2", "lineItem", []string{"li-2"}},
		{"/results", "results", []string{"res-1", "res-2", "res-3", "res-4"}},
		{"/results/res-3", "result", []string{"res-3"}},
		{"/scoreScales", "scoreScales", []string{"ss-1"}},
		{"/scoreScales/ss-1", "scoreScale", []string{"ss-1"}},
		{"/classes/cl-1/categories", "categories", []string{"cat-hw", "cat-test"}},
		{"/classes/cl-2/categories", "categories", []string{"cat-hw"}},
		{"/classes/cl-1/lineItems", "lineItems", []string{"li-1", "li-2"}},
		{"/classes/cl-1/lineItems/li-1/results", "results", []string{"res-1", "res-2"}},
		{"/classes/cl-1/results", "results", []string{"res-1", "res-2", "res-3"}},
		{"/classes/cl-1/scoreScales", "scoreScales", []string{"ss-1"}},
		{"/classes/cl-1/students/u-s1/results", "results", []string{"res-1", "res-3"}},
		{"/schools/" + sch1 + "/scoreScales", "scoreScales", []string{"ss-1"}},
		{"/lineItems?filter=" + url.QueryEscape("resultValueMax>'15'"), "lineItems", []string{"li-2", "li-3"}},
		{"/results?filter=" + url.QueryEscape("score>='9' AND scoreStatus='fully graded'") + "&sort=score&orderBy=desc", "results", []string{"res-3", "res-1"}},
		{"/lineItems?filter=" + url.QueryEscape("scoreScale.sourcedId='ss-1'"), "lineItems", []string{"li-2"}},
		{"/lineItems?filter=" + url.QueryEscape("dueDate<'2025-12-31'"), "lineItems", []string{"li-1", "li-2"}},
	}
	for _, tc := range cases {
		r := f.get(t, gb+tc.path)
		if r.status != 200 {
			t.Errorf("GET %s: %d %s", tc.path, r.status, r.body)
			continue
		}
		var got []string
		if arr, ok := r.json(t)[tc.key].([]any); ok {
			for _, o := range arr {
				got = append(got, o.(map[string]any)["sourcedId"].(string))
			}
		} else {
			got = []string{r.json(t)[tc.key].(map[string]any)["sourcedId"].(string)}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s (-want +got)\n%s", tc.path, diff)
		}
	}
	r := f.get(t, gb+"/lineItems/li-2")
	for _, want := range []string{`"assignDate":"2025-10-01T00:00:00.000Z"`, `"scoreScale":{"href":"` + f.srv.URL + gb + `/scoreScales/ss-1","sourcedId":"ss-1","type":"scoreScale"}`,
		`"learningObjectiveSet":[{"source":"case","learningObjectiveIds":["urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b"]},{"source":"unknown","learningObjectiveIds":["FRAC-3"]}]`,
		`"resultValueMax":100`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("lineItem li-2 lacks %s\n%s", want, r.body)
		}
	}
	r = f.get(t, gb+"/results/res-3")
	for _, want := range []string{`"score":87.5`, `"late":"true"`, `"learningObjectiveSet":[{"source":"case","learningObjectiveResults":[{"learningObjectiveId":"urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b","score":3,"textScore":"Proficient"}]}]`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("result res-3 lacks %s\n%s", want, r.body)
		}
	}
	for _, path := range []string{"/classes/nope/lineItems", "/classes/cl-2/lineItems/li-1/results", "/classes/cl-1/students/u-t1/results", "/lineItems/nope"} {
		if r := f.get(t, gb+path); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
}

// TestGradePassBack does what an LMS does: create a line item for a class,
// post results for its students, update one, mark one exempt, give one
// extra credit, delete one, and list them.
func TestGradePassBack(t *testing.T) {
	f := newGradebookFixture(t)
	li := `{"lineItem":{"sourcedId":"lms-li-1","status":"active","title":"Essay","assignDate":"2025-11-01T08:00:00Z","dueDate":"2025-11-08T23:59:00Z",
		"class":{"href":"x","sourcedId":"cl-1","type":"class"},"school":{"href":"x","sourcedId":"org/sch-1","type":"org"},
		"category":{"href":"x","sourcedId":"cat-hw","type":"category"},"resultValueMin":0,"resultValueMax":50}}`
	if r := f.send(t, "PUT", gb+"/lineItems/lms-li-1", li); r.status != 201 {
		t.Fatalf("PUT new line item: %d %s", r.status, r.body)
	}
	if r := f.send(t, "PUT", gb+"/lineItems/lms-li-1", strings.Replace(li, "Essay", "Essay (revised)", 1)); r.status != 201 {
		t.Fatalf("PUT existing line item: %d %s", r.status, r.body)
	}
	post := `{"results":[
		{"sourcedId":"tmp-1","status":"active","lineItem":{"href":"x","sourcedId":"lms-li-1","type":"lineItem"},"student":{"href":"x","sourcedId":"u-s1","type":"user"},"scoreStatus":"fully graded","score":40,"scoreDate":"2025-11-09"},
		{"sourcedId":"tmp-2","status":"active","lineItem":{"href":"x","sourcedId":"lms-li-1","type":"lineItem"},"student":{"href":"x","sourcedId":"u-s2","type":"user"},"scoreStatus":"submitted","scoreDate":"2025-11-09"}]}`
	r := f.send(t, "POST", gb+"/lineItems/lms-li-1/results", post)
	if r.status != 201 {
		t.Fatalf("POST results: %d %s", r.status, r.body)
	}
	var pairs struct {
		SourcedIDPairs []struct{ SuppliedSourcedID, AllocatedSourcedID string }
	}
	json.Unmarshal(r.body, &pairs)
	if len(pairs.SourcedIDPairs) != 2 || pairs.SourcedIDPairs[0].SuppliedSourcedID != "tmp-1" || pairs.SourcedIDPairs[0].AllocatedSourcedID == "" {
		t.Fatalf("sourcedIdPairs: %s", r.body)
	}
	id1, id2 := pairs.SourcedIDPairs[0].AllocatedSourcedID, pairs.SourcedIDPairs[1].AllocatedSourcedID
	result := func(id, student, status, score string) string {
		s := `{"result":{"sourcedId":"` + id + `","status":"active","lineItem":{"href":"x","sourcedId":"lms-li-1","type":"lineItem"},` +
			`"student":{"href":"x","sourcedId":"` + student + `","type":"user"},"scoreStatus":"` + status + `","scoreDate":"2025-11-10"`
		if score != "" {
			s += `,"score":` + score
		}
		return s + `}}`
	}
	// Extra credit: above resultValueMax, stored as sent.
	if r := f.send(t, "PUT", gb+"/results/"+id1, result(id1, "u-s1", "fully graded", "55.5")); r.status != 201 {
		t.Errorf("update result: %d %s", r.status, r.body)
	}
	if r := f.send(t, "PUT", gb+"/results/"+id2, result(id2, "u-s2", "exempt", "")); r.status != 201 {
		t.Errorf("exempt result: %d %s", r.status, r.body)
	}
	// u-s3 is a student of cl-2 only: the CSV binding would refuse the
	// result, so REST does too.
	if r := f.send(t, "PUT", gb+"/results/lms-r-3", result("lms-r-3", "u-s3", "fully graded", "30")); r.status != 422 ||
		!strings.Contains(string(r.body), `result.student: result \"lms-r-3\" is for a student who is not enrolled as a student in class \"cl-1\"`) {
		t.Errorf("result for a student of another class: %d %s", r.status, r.body)
	}
	if r := f.send(t, "PUT", gb+"/results/lms-r-3", result("lms-r-3", "u-s1", "fully graded", "30")); r.status != 201 {
		t.Errorf("new result by PUT: %d %s", r.status, r.body)
	}
	got := f.get(t, gb+"/results/"+id1)
	if !strings.Contains(string(got.body), `"score":55.5`) || !strings.Contains(string(got.body), `"scoreStatus":"fully graded"`) {
		t.Errorf("extra credit not stored as sent: %s", got.body)
	}
	if got := f.get(t, gb+"/results/"+id2); !strings.Contains(string(got.body), `"scoreStatus":"exempt"`) || strings.Contains(string(got.body), `"score"`) {
		t.Errorf("exempt result: %s", got.body)
	}
	if r := f.send(t, "DELETE", gb+"/results/lms-r-3", ""); r.status != 204 {
		t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	if r := f.get(t, gb+"/results/lms-r-3"); r.status != 404 {
		t.Errorf("GET after DELETE: %d", r.status)
	}
	if r := f.send(t, "DELETE", gb+"/results/lms-r-3", ""); r.status != 404 {
		t.Errorf("second DELETE: %d", r.status)
	}
	list := f.get(t, gb+"/classes/cl-1/lineItems/lms-li-1/results")
	want := []string{id1, id2}
	if id2 < id1 {
		want = []string{id2, id1}
	}
	if diff := cmp.Diff(want, list.ids(t, "results")); diff != "" {
		t.Errorf("results of the line item (-want +got)\n%s", diff)
	}
	// A consumer polling for changes still learns of the deletion.
	poll := f.get(t, gb+"/results?filter="+url.QueryEscape("dateLastModified>'2026-01-11T00:00:00Z'"))
	if !strings.Contains(string(poll.body), `"sourcedId":"lms-r-3","status":"tobedeleted"`) {
		t.Errorf("delta poll does not show the deletion: %s", poll.body)
	}
	if r := f.get(t, gb+"/lineItems/lms-li-1"); !strings.Contains(string(r.body), "Essay (revised)") {
		t.Errorf("line item: %s", r.body)
	}
}

func TestBadBodies(t *testing.T) {
	f := newGradebookFixture(t)
	ok := `{"category":{"sourcedId":"c-x","status":"active","title":"Labs","weight":10}}`
	cases := []struct {
		name, method, path, body string
		status                   int
		code, says               string
	}{
		{"malformed JSON", "PUT", "/categories/c-x", `{"category":{`, 400, "invaliddata", ""},
		{"empty body", "PUT", "/categories/c-x", ``, 400, "invaliddata", ""},
		{"wrong wrapper", "PUT", "/categories/c-x", `{"lineItem":{"sourcedId":"c-x","title":"x"}}`, 422, "invaliddata", "category"},
		{"missing title", "PUT", "/categories/c-x", `{"category":{"sourcedId":"c-x","status":"active"}}`, 422, "invaliddata", "title"},
		{"weight as a string", "PUT", "/categories/c-x", `{"category":{"sourcedId":"c-x","title":"x","weight":"10"}}`, 422, "invaliddata", "weight"},
		{"unknown property", "PUT", "/categories/c-x", `{"category":{"sourcedId":"c-x","title":"x","colour":"red"}}`, 422, "invaliddata", "colour"},
		{"id differs from path", "PUT", "/categories/c-y", ok, 422, "invaliddata", "sourcedId"},
		{"wrong-case enum", "PUT", "/results/r-x", `{"result":{"sourcedId":"r-x","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},"scoreStatus":"Fully Graded","scoreDate":"2025-09-08"}}`, 422, "invaliddata", "scoreStatus"},
		{"boolean as JSON", "PUT", "/results/r-x", `{"result":{"sourcedId":"r-x","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},"scoreStatus":"submitted","scoreDate":"2025-09-08","late":true}}`, 422, "invaliddata", "late"},
		{"bad date", "PUT", "/results/r-x", `{"result":{"sourcedId":"r-x","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},"scoreStatus":"submitted","scoreDate":"2025-02-30"}}`, 422, "invaliddata", "scoreDate"},
		{"dangling student", "PUT", "/results/r-x", `{"result":{"sourcedId":"r-x","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-nobody"},"scoreStatus":"submitted","scoreDate":"2025-09-08"}}`, 422, "invaliddata", "student"},
		{"dangling category", "PUT", "/lineItems/l-x", `{"lineItem":{"sourcedId":"l-x","title":"t","assignDate":"2025-09-01","dueDate":"2025-09-02","class":{"sourcedId":"cl-1"},"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-none"}}}`, 422, "invaliddata", "category"},
		{"ref of the wrong type", "PUT", "/lineItems/l-x", `{"lineItem":{"sourcedId":"l-x","title":"t","assignDate":"2025-09-01","dueDate":"2025-09-02","class":{"sourcedId":"cl-1","type":"course"},"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-hw"}}}`, 422, "invaliddata", "class"},
		{"POST to an unknown class", "POST", "/classes/nope/lineItems", `{"lineItems":[]}`, 404, "unknownobject", ""},
		{"POST with another class", "POST", "/classes/cl-1/lineItems", `{"lineItems":[{"sourcedId":"t1","title":"t","assignDate":"2025-09-01","dueDate":"2025-09-02","class":{"sourcedId":"cl-2"},"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-hw"}}]}`, 422, "invaliddata", "class"},
		{"DELETE unknown", "DELETE", "/categories/nope", ``, 404, "unknownobject", ""},
	}
	for _, tc := range cases {
		r := f.send(t, tc.method, gb+tc.path, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
			continue
		}
		if got := r.codeMinor(t); got != tc.code {
			t.Errorf("%s: codeMinor %s, want %s", tc.name, got, tc.code)
		}
		if !strings.Contains(string(r.body), tc.says) {
			t.Errorf("%s: description does not name %q: %s", tc.name, tc.says, r.body)
		}
	}
	huge := `{"category":{"sourcedId":"c-x","title":"` + strings.Repeat("a", 5<<20) + `"}}`
	if r := f.send(t, "PUT", gb+"/categories/c-x", huge); r.status != 413 {
		t.Errorf("5 MiB body: %d, want 413", r.status)
	}
	if r := f.send(t, "PUT", gb+"/categories/c-x", ok); r.status != 201 {
		t.Errorf("valid body after the bad ones: %d %s", r.status, r.body)
	}
}

// TestConcurrentPuts races writers on one result: one row, one of the
// written scores, and never a 500.
func TestConcurrentPuts(t *testing.T) {
	f := newGradebookFixture(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf(`{"result":{"sourcedId":"race-1","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","score":%d,"scoreDate":"2025-09-08"}}`, i)
			req, _ := http.NewRequest("PUT", f.srv.URL+gb+"/results/race-1", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}(i)
	}
	wg.Wait()
	close(statuses)
	created := 0
	for s := range statuses {
		switch s {
		case 201:
			created++
		case 200:
		default:
			t.Errorf("a racing PUT answered %d", s)
		}
	}
	if created < 1 {
		t.Errorf("no PUT reported creating the result")
	}
	r := f.get(t, gb+"/results?filter="+url.QueryEscape("sourcedId='race-1'"))
	if ids := r.ids(t, "results"); len(ids) != 1 {
		t.Errorf("racing PUTs left %d rows", len(ids))
	}
}

// TestEveryGradebookOperation calls each of the 35 operations of the
// official gradebook file successfully, validating every response.
func TestEveryGradebookOperation(t *testing.T) {
	f := newGradebookFixture(t)
	f.v.Require(t) // it proves every operation of the file is served
	sch1 := url.PathEscape("org/sch-1")
	ref := func(typ, id string) string { return `{"href":"x","sourcedId":"` + id + `","type":"` + typ + `"}` }
	lineItem := func(id string) string {
		return `{"sourcedId":"` + id + `","status":"active","title":"Posted","assignDate":"2025-09-01","dueDate":"2025-09-05T12:00:00Z",` +
			`"class":` + ref("class", "cl-1") + `,"school":` + ref("org", "org/sch-1") + `,"category":` + ref("category", "cat-hw") +
			`,"academicSession":` + ref("academicSession", "gp-1") + `,"scoreScale":` + ref("scoreScale", "ss-1") +
			`,"learningObjectiveSet":[{"source":"unknown","learningObjectiveIds":["OBJ-1","OBJ-2"]}]}`
	}
	result := func(id, li, student string) string {
		return `{"sourcedId":"` + id + `","status":"active","lineItem":` + ref("lineItem", li) + `,"student":` + ref("user", student) +
			`,"scoreStatus":"fully graded","score":7,"scoreDate":"2025-09-06","learningObjectiveSet":[{"source":"unknown","learningObjectiveResults":[{"learningObjectiveId":"OBJ-1","score":2}]}]}`
	}
	steps := []struct {
		method, path, body string
		status             int
	}{
		{"PUT", "/categories/cat-new", `{"category":{"sourcedId":"cat-new","status":"active","title":"Labs","weight":15.5}}`, 201},
		{"GET", "/categories", "", 200},
		{"GET", "/categories/cat-new", "", 200},
		{"PUT", "/scoreScales/ss-new", `{"scoreScale":{"sourcedId":"ss-new","status":"active","title":"Pass/fail","type":"pf","class":` + ref("class", "cl-1") +
			`,"course":` + ref("course", "c-math") + `,"scoreScaleValue":[{"itemValueLHS":"50-100","itemValueRHS":"Pass"},{"itemValueLHS":"0-49","itemValueRHS":"Fail"}]}}`, 201},
		{"GET", "/scoreScales", "", 200},
		{"GET", "/scoreScales/ss-new", "", 200},
		{"GET", "/classes/cl-1/scoreScales", "", 200},
		{"GET", "/schools/" + sch1 + "/scoreScales", "", 200},
		{"PUT", "/lineItems/li-new", `{"lineItem":` + lineItem("li-new") + `}`, 201},
		{"POST", "/classes/cl-1/lineItems", `{"lineItems":[` + lineItem("tmp-a") + `]}`, 201},
		{"POST", "/schools/" + sch1 + "/lineItems", `{"lineItems":[` + lineItem("tmp-b") + `]}`, 201},
		{"GET", "/lineItems", "", 200},
		{"GET", "/lineItems/li-new", "", 200},
		{"GET", "/classes/cl-1/lineItems", "", 200},
		{"GET", "/classes/cl-1/categories", "", 200},
		{"PUT", "/results/res-new", `{"result":` + result("res-new", "li-new", "u-s1") + `}`, 201},
		{"POST", "/lineItems/li-new/results", `{"results":[` + result("tmp-c", "li-new", "u-s2") + `]}`, 201},
		{"POST", "/classes/cl-1/academicSessions/gp-1/results", `{"results":[` + result("tmp-d", "li-1", "u-s2") + `]}`, 201},
		{"GET", "/results", "", 200},
		{"GET", "/results/res-new", "", 200},
		{"GET", "/classes/cl-1/results", "", 200},
		{"GET", "/classes/cl-1/lineItems/li-new/results", "", 200},
		{"GET", "/classes/cl-1/students/u-s1/results", "", 200},
		{"PUT", "/assessmentLineItems/ali-1", `{"assessmentLineItem":{"sourcedId":"ali-1","status":"active","title":"State test","class":` + ref("class", "cl-1") +
			`,"scoreScale":` + ref("scoreScale", "ss-1") + `,"resultValueMin":0,"resultValueMax":400,"learningObjectiveSet":[{"source":"case","learningObjectiveIds":["urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b"]}]}}`, 201},
		{"PUT", "/assessmentLineItems/ali-2", `{"assessmentLineItem":{"sourcedId":"ali-2","status":"active","title":"Part A","parentAssessmentLineItem":` + ref("assessmentLineItem", "ali-1") + `}}`, 201},
		{"GET", "/assessmentLineItems", "", 200},
		{"GET", "/assessmentLineItems/ali-2", "", 200},
		{"PUT", "/assessmentResults/ar-1", `{"assessmentResult":{"sourcedId":"ar-1","status":"active","assessmentLineItem":` + ref("assessmentLineItem", "ali-2") +
			`,"student":` + ref("user", "u-s1") + `,"score":312,"scorePercentile":88.5,"scoreStatus":"fully graded","scoreDate":"2026-04-01",` +
			`"learningObjectiveSet":[{"source":"case","learningObjectiveResults":[{"learningObjectiveId":"urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b","score":3,"textScore":"Met"}]}]}}`, 201},
		{"GET", "/assessmentResults", "", 200},
		{"GET", "/assessmentResults/ar-1", "", 200},
		{"DELETE", "/assessmentResults/ar-1", "", 204},
		{"DELETE", "/assessmentLineItems/ali-2", "", 204},
		{"DELETE", "/results/res-new", "", 204},
		{"DELETE", "/lineItems/li-new", "", 204},
		{"DELETE", "/scoreScales/ss-new", "", 204},
		{"DELETE", "/categories/cat-new", "", 204},
	}
	seen := map[string]bool{}
	for _, st := range steps {
		r := f.send(t, st.method, gb+st.path, st.body)
		if r.status != st.status {
			t.Errorf("%s %s: %d, want %d: %s", st.method, st.path, r.status, st.status, r.body)
			continue
		}
		op, err := f.v.Check(r.req, r.status, r.header, r.body)
		if err != nil {
			t.Errorf("%s %s: %v", st.method, st.path, err)
		}
		seen[op] = true
	}
	if len(seen) != 35 {
		t.Errorf("%d distinct operations answered, want 35", len(seen))
	}
	if r := f.get(t, gb+"/assessmentLineItems/ali-2"); r.status != 404 {
		t.Errorf("deleted assessment line item: %d", r.status)
	}
	if r := f.get(t, gb+"/assessmentLineItems/ali-1"); !strings.Contains(string(r.body), `"learningObjectiveSet":[{"source":"case","learningObjectiveIds":["urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b"]}]`) {
		t.Errorf("assessment line item: %s", r.body)
	}
	// A result posted for a class and academic session must belong there.
	r := f.send(t, "POST", gb+"/classes/cl-2/academicSessions/gp-1/results", `{"results":[`+result("tmp-e", "li-1", "u-s3")+`]}`)
	if r.status != 422 {
		t.Errorf("result of another class's line item posted to cl-2: %d %s", r.status, r.body)
	}
}

// TestCacheAcrossProcesses: two servers on one database (as two serve
// processes would be); a write through one is seen at once in the other's
// lists, whose rendered objects are cached under the data version.
func TestCacheAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()
	stA, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer stA.Close()
	importtest.MustImport(t, stA, storetest.WritePackage(t, storetest.DistrictFiles(), ""), storetest.T1)
	stB, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer stB.Close()
	srvA, _, tokA := newServer(t, stA, httpapi.Config{})
	srvB, _, tokB := newServer(t, stB, httpapi.Config{})
	a := &fixture{srv: srvA, v: oastest.Optional(t, oastest.Gradebook), token: tokA}
	b := &fixture{srv: srvB, v: oastest.Optional(t, oastest.Gradebook), token: tokB}
	score := func() string {
		for _, o := range b.get(t, gb+"/results").json(t)["results"].([]any) {
			if m := o.(map[string]any); m["sourcedId"] == "res-1" {
				return fmt.Sprint(m["score"])
			}
		}
		return "missing"
	}
	if got := score(); got != "9" {
		t.Fatalf("res-1 score before = %s", got)
	}
	score() // now served from B's cache
	body := `{"result":{"sourcedId":"res-1","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","score":7.5,"scoreDate":"2025-09-08"}}`
	if r := a.send(t, "PUT", gb+"/results/res-1", body); r.status != 201 {
		t.Fatalf("PUT through A: %d %s", r.status, r.body)
	}
	if got := score(); got != "7.5" {
		t.Errorf("B still serves score %s after A's write", got)
	}
	// Single objects are cached too, per route and path.
	one := func() response { return b.get(t, gb+"/results/res-1") }
	if got := fmt.Sprint(one().json(t)["result"].(map[string]any)["score"]); got != "7.5" {
		t.Fatalf("GET res-1 through B: score %s", got)
	}
	one() // now from B's cache
	if r := a.send(t, "DELETE", gb+"/results/res-1", ""); r.status != 204 {
		t.Fatalf("DELETE through A: %d %s", r.status, r.body)
	}
	if r := one(); r.status != 404 {
		t.Errorf("B still serves res-1 after A deleted it: %d", r.status)
	}
}
