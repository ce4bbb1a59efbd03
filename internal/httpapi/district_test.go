package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// readCSV returns the rows of a generated file as maps keyed by header.
func readCSV(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

type set map[string]map[string]bool

func (s set) add(k, v string) {
	if s[k] == nil {
		s[k] = map[string]bool{}
	}
	s[k][v] = true
}

func (s set) sorted(k string) []string {
	out := []string{}
	for v := range s[k] {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// generatedDistrict imports a generated district into a new SQLite store
// (closed at cleanup) and returns the package's folder and the store.
func generatedDistrict(t *testing.T, students int, seed int64) (string, store.Store) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(dir, generate.Options{Students: students, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, dir, storetest.T1)
	return dir, st
}

// TestGeneratedDistrict imports a generated district and checks the
// relationship endpoints against what the generator wrote, walking every
// page through the Link headers and validating every response.
func TestGeneratedDistrict(t *testing.T) {
	dir, st := generatedDistrict(t, 400, 7)
	srv, _, token := newServer(t, st, httpapi.Config{})
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering), token: token}

	studentsOf, teachersOf, classesOfTeacher, classesOfStudent := set{}, set{}, set{}, set{}
	termsOfSchool, classesOfSchool := set{}, set{}
	for _, e := range readCSV(t, dir, "enrollments.csv") {
		switch e["role"] {
		case "student":
			studentsOf.add(e["classSourcedId"], e["userSourcedId"])
			classesOfStudent.add(e["userSourcedId"], e["classSourcedId"])
		case "teacher":
			teachersOf.add(e["classSourcedId"], e["userSourcedId"])
			classesOfTeacher.add(e["userSourcedId"], e["classSourcedId"])
		}
	}
	for _, c := range readCSV(t, dir, "classes.csv") {
		classesOfSchool.add(c["schoolSourcedId"], c["sourcedId"])
		for _, term := range oneroster.SplitList(c["termSourcedIds"]) {
			termsOfSchool.add(c["schoolSourcedId"], term)
		}
	}
	base := "/ims/oneroster/rostering/v1p2"
	// all fetches a collection page by page (limit 7 to force paging).
	all := func(path, key string) []string {
		var out []string
		for off := 0; ; off += 7 {
			r := f.get(t, base+path+"?limit=7&offset="+itoa(off))
			page := r.ids(t, key)
			out = append(out, page...)
			if len(page) < 7 {
				break
			}
		}
		sort.Strings(out)
		return out
	}
	check := func(what, path, key string, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, all(path, key)); diff != "" {
			t.Errorf("%s %s (-generator +api)\n%s", what, path, diff)
		}
	}
	n := 0
	for class := range studentsOf {
		if n++; n > 12 {
			break
		}
		check("students of class", "/classes/"+url.PathEscape(class)+"/students", "users", studentsOf.sorted(class))
		check("teachers of class", "/classes/"+url.PathEscape(class)+"/teachers", "users", teachersOf.sorted(class))
	}
	n = 0
	for teacher := range classesOfTeacher {
		if n++; n > 8 {
			break
		}
		check("classes of teacher", "/teachers/"+url.PathEscape(teacher)+"/classes", "classes", classesOfTeacher.sorted(teacher))
	}
	n = 0
	for student := range classesOfStudent {
		if n++; n > 8 {
			break
		}
		check("classes of student", "/students/"+url.PathEscape(student)+"/classes", "classes", classesOfStudent.sorted(student))
	}
	for school := range classesOfSchool {
		check("classes of school", "/schools/"+url.PathEscape(school)+"/classes", "classes", classesOfSchool.sorted(school))
		var terms []string
		for _, term := range termsOfSchool.sorted(school) {
			if slices.Contains([]string{"term"}, sessionType(t, dir, term)) {
				terms = append(terms, term)
			}
		}
		check("terms of school", "/schools/"+url.PathEscape(school)+"/terms", "academicSessions", terms)
	}
	// The gradebook: line items and results of classes, as generated.
	g := &fixture{srv: f.srv, v: oastest.Optional(t, oastest.Gradebook), token: f.token}
	lineItemsOf, resultsOf, classOfLI := set{}, set{}, map[string]string{}
	for _, li := range readCSV(t, dir, "lineItems.csv") {
		lineItemsOf.add(li["classSourcedId"], li["sourcedId"])
		classOfLI[li["sourcedId"]] = li["classSourcedId"]
	}
	for _, r := range readCSV(t, dir, "results.csv") {
		resultsOf.add(classOfLI[r["lineItemSourcedId"]], r["sourcedId"])
	}
	if len(lineItemsOf) == 0 {
		t.Fatal("the generator wrote no line items")
	}
	n = 0
	for class := range lineItemsOf {
		if n++; n > 6 {
			break
		}
		for _, c := range []struct {
			path, key string
			want      []string
		}{
			{"/classes/" + url.PathEscape(class) + "/lineItems", "lineItems", lineItemsOf.sorted(class)},
			{"/classes/" + url.PathEscape(class) + "/results", "results", resultsOf.sorted(class)},
		} {
			var got []string
			for off := 0; ; off += 50 {
				r := g.get(t, "/ims/oneroster/gradebook/v1p2"+c.path+"?limit=50&offset="+itoa(off))
				page := r.ids(t, c.key)
				got = append(got, page...)
				if len(page) < 50 {
					break
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("%s (-generator +api)\n%s", c.path, diff)
			}
		}
	}

	// The resources allocations, as generated.
	rs := &fixture{srv: f.srv, v: oastest.Optional(t, oastest.Resources), token: f.token}
	for _, alloc := range []struct{ file, owner, path string }{
		{"classResources.csv", "classSourcedId", "/classes/"},
		{"courseResources.csv", "courseSourcedId", "/courses/"},
		{"userResources.csv", "userSourcedId", "/users/"},
	} {
		of := set{}
		for _, r := range readCSV(t, dir, alloc.file) {
			of.add(r[alloc.owner], r["resourceSourcedId"])
		}
		if len(of) == 0 {
			t.Fatalf("the generator wrote no %s", alloc.file)
		}
		n := 0
		for owner := range of {
			if n++; n > 8 {
				break
			}
			r := rs.get(t, "/ims/oneroster/resources/v1p2"+alloc.path+url.PathEscape(owner)+"/resources?limit=1000")
			got := r.ids(t, "resources")
			sort.Strings(got)
			if diff := cmp.Diff(of.sorted(owner), got); diff != "" {
				t.Errorf("%s resources of %s (-generator +api)\n%s", alloc.file, owner, diff)
			}
		}
	}

	students := 0
	for _, u := range readCSV(t, dir, "roles.csv") {
		if u["role"] == "student" {
			students++
		}
	}
	r := f.get(t, base+"/students?limit=1")
	if got := r.header.Get("X-Total-Count"); got != itoa(students) {
		t.Errorf("/students X-Total-Count = %s, roles.csv has %d student roles", got, students)
	}
}

var sessionTypes map[string]string

func sessionType(t *testing.T, dir, id string) string {
	if sessionTypes == nil {
		sessionTypes = map[string]string{}
		for _, s := range readCSV(t, dir, "academicSessions.csv") {
			sessionTypes[s["sourcedId"]] = s["type"]
		}
	}
	return sessionTypes[id]
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestBulkPageEqualsSmallPages reads every user in one page of 10000
// (rendered directly, in two halves on two cores) and in pages of 100
// (from the cache of rendered objects): the objects must be the same
// bytes, in the same order, and both responses valid.
func TestBulkPageEqualsSmallPages(t *testing.T) {
	_, st := generatedDistrict(t, 1200, 5)
	srv, _, token := newServer(t, st, httpapi.Config{})
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering), token: token}
	base := "/ims/oneroster/rostering/v1p2/users"

	objects := func(r response) []json.RawMessage {
		var page struct{ Users []json.RawMessage }
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatalf("%s: %v", r.req.URL, err)
		}
		return page.Users
	}
	bulk := objects(f.get(t, base+"?limit=10000"))
	if len(bulk) < 2000 {
		t.Fatalf("%d users: too few for a bulk page rendered in halves", len(bulk))
	}
	var small []json.RawMessage
	for off := 0; off < len(bulk); off += 100 {
		small = append(small, objects(f.get(t, base+"?limit=100&offset="+itoa(off)))...)
	}
	if len(small) != len(bulk) {
		t.Fatalf("pages of 100 hold %d users, the bulk page %d", len(small), len(bulk))
	}
	for i := range bulk {
		if !bytes.Equal(bulk[i], small[i]) {
			t.Fatalf("user %d differs:\nbulk  %s\nsmall %s", i, bulk[i], small[i])
		}
	}
}

// TestBulkPullPrefetch: after a bulk page, the next one is prepared in the
// background; served from there it is the same bytes as a fresh read, and
// a write in between (an import) makes the server read it again.
func TestBulkPullPrefetch(t *testing.T) {
	dir, st := generatedDistrict(t, 1200, 5)
	srv, api, token := newServer(t, st, httpapi.Config{})
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering), token: token}
	fresh, _, freshToken := newServer(t, st, httpapi.Config{}) // never asked for earlier pages
	g := &fixture{srv: fresh, v: oastest.Optional(t, oastest.Rostering), token: freshToken}
	base := "/ims/oneroster/rostering/v1p2/users?limit=1001&offset="
	settle := func(want int) {
		t.Helper()
		for i := 0; i < 500; i++ {
			if ready, held := httpapi.PrefetchSettled(api); ready && held == want {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("prefetch did not settle on %d pages", want)
	}

	f.get(t, base+"0")
	settle(1) // page 1001 is ready
	got := f.get(t, base+"1001")
	settle(1) // taken, and page 2002 is ready
	// The fresh server's hrefs name its own address.
	want := g.get(t, base+"1001")
	wantBody := bytes.ReplaceAll(want.body, []byte(fresh.URL), []byte(srv.URL))
	wantLink := strings.ReplaceAll(want.header.Get("Link"), fresh.URL, srv.URL)
	if !bytes.Equal(got.body, wantBody) || got.header.Get("Link") != wantLink || got.header.Get("X-Total-Count") != want.header.Get("X-Total-Count") {
		t.Fatalf("prefetched page differs from a fresh read:\n%.300s\n%.300s", got.body, wantBody)
	}

	// An import changes the last user; the prepared page 2002 is stale.
	var last map[string]string // the user that sorts last
	for _, u := range readCSV(t, dir, "users.csv") {
		if last == nil || u["sourcedId"] > last["sourcedId"] {
			last = u
		}
	}
	hf, err := os.Open(filepath.Join(dir, "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, err := csv.NewReader(hf).Read()
	hf.Close()
	if err != nil {
		t.Fatal(err)
	}
	last["status"], last["dateLastModified"], last["givenName"] = "active", "2026-02-01T00:00:00Z", "Prefetched"
	row := make([]string, len(header))
	for i, h := range header {
		row[i] = last[h]
	}
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.Write(header)
	w.Write(row)
	w.Flush()
	importtest.MustImport(t, st, storetest.WritePackage(t, map[string]string{"users.csv": sb.String()}, "delta"), storetest.T1)
	if page := f.get(t, base+"2002"); !strings.Contains(string(page.body), `"givenName":"Prefetched"`) {
		t.Errorf("page 2002 after the import does not show the change: served the stale prefetched copy")
	}
}
