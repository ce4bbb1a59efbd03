package csvimport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// dump reads every object of every rostering collection.
func dump(t *testing.T, st store.Store) map[string][]store.Record {
	t.Helper()
	out := map[string][]store.Record{}
	for _, e := range []*oneroster.Entity{oneroster.Org, oneroster.AcademicSession, oneroster.Course, oneroster.Class,
		oneroster.User, oneroster.Demographics, oneroster.Enrollment} {
		page, err := st.List(context.Background(), store.ListRequest{Entity: e, Params: query.Params{Limit: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		out[e.Plural] = page.Records
	}
	return out
}

// TestBrokenPackages imports packages with one defect each over a store
// that already holds the fixture district: each is rejected with the
// exact FILE:LINE:COLUMN problem and leaves the store as it was.
func TestBrokenPackages(t *testing.T) {
	replace := func(file, old, new string) func(map[string]string) {
		return func(f map[string]string) {
			if !strings.Contains(f[file], old) {
				t.Fatalf("fixture %s has no %q", file, old)
			}
			f[file] = strings.Replace(f[file], old, new, 1)
		}
	}
	cases := []struct {
		name  string
		edit  func(map[string]string)
		want  []string
		exact bool // the problems are exactly want (else: want is a prefix)
	}{
		{"header order", replace("orgs.csv", "name,type,identifier", "type,name,identifier"),
			[]string{"orgs.csv:1:"}, false},
		// Another letter case is read (CASE_FOLDED); spaces are not.
		{"padded enum", replace("orgs.csv", "Springfield Elementary,school", "Springfield Elementary, school"),
			[]string{`orgs.csv:3:5: ENUM: " school" is not a valid type; did you mean "school"?`}, true},
		{"unknown status in a bulk file", replace("classes.csv", "cl-3,,,", "cl-3,gone,,"),
			[]string{"classes.csv:4:2: ENUM: "}, false},
		{"bad date", replace("academicSessions.csv", "t-1,,,Fall,term,2025-08-01", "t-1,,,Fall,term,2025-02-30"),
			[]string{"academicSessions.csv:3:6: DATE:"}, false},
		{"illegal sourcedId character", replace("courses.csv", "c-math,,,", "c math,,,"),
			[]string{"courses.csv:2:1: SOURCEDID:"}, false},
		{"duplicate sourcedId", replace("enrollments.csv", "e-7,,,", "e-6,,,"),
			[]string{`enrollments.csv:8:1: DUPLICATE_ID: sourcedId "e-6" already appears on line 7`}, true},
		{"dangling reference", replace("enrollments.csv", "e-5,,,cl-2,sch.2@x,u-t2", "e-5,,,cl-2,sch.2@x,u-t9"),
			[]string{`enrollments.csv:6:6: DANGLING_REF: userSourcedId "u-t9" does not match any row of users.csv or any stored record`}, true},
		{"dangling forward reference in the same file", replace("orgs.csv", "Science,department,D1,sch.2@x", "Science,department,D1,sch.9"),
			[]string{`orgs.csv:5:7: DANGLING_REF: parentSourcedId "sch.9" does not match any row of orgs.csv or any stored record`}, true},
		{"dangling agent in a list", replace("users.csv", `"u-s1,u-s2"`, `"u-s1,u-s7"`),
			[]string{`users.csv:7:`}, false},
		{"school reference to a district", replace("classes.csv", "Room 1,org/sch-1", "Room 1,dist-1"),
			[]string{`classes.csv:2:`}, false},
		{"user without a role", replace("roles.csv", "r-7,,,u-g1,primary,parent,,,org/sch-1,\n", ""),
			[]string{`users.csv:7:1: MISSING_ROLE: user "u-g1" has no active role; a OneRoster 1.2 user needs at least one row in roles.csv`}, true},
		{"misspelt header", replace("courses.csv", "courseCode", "coursecode"),
			[]string{"courses.csv:1:"}, false},
		{"missing required value", replace("users.csv", "u-t2,,,true,dewey,,Dewey,Largo", "u-t2,,,true,dewey,,,Largo"),
			[]string{"users.csv:6:"}, false},
		{"quoted line break", replace("orgs.csv", `"Shelbyville High, East"`, "\"Shelbyville High,\nEast\""),
			[]string{"orgs.csv:4:"}, false},
		{"header-only file", func(f map[string]string) {
			f["demographics.csv"] = strings.SplitN(f["demographics.csv"], "\n", 2)[0] + "\n"
		}, []string{"demographics.csv:"}, false},
		{"manifest says bulk, file missing", func(f map[string]string) {
			f["manifest.csv"] = storetest.Manifest(f, "")
			delete(f, "demographics.csv")
		}, []string{"demographics.csv:0:0: FILE_MISSING:"}, false},
		{"file present, manifest absent", func(f map[string]string) {
			m := storetest.Manifest(f, "")
			f["manifest.csv"] = strings.Replace(m, "file.demographics,bulk", "file.demographics,absent", 1)
		}, []string{"demographics.csv:0:0: FILE_NOT_IN_MANIFEST:"}, false},
		{"org cycle", replace("orgs.csv", "dist-1,,,Springfield District,district,NCES-1,", "dist-1,,,Springfield District,district,NCES-1,dept-1"),
			[]string{`orgs.csv:2:1: CYCLE: the parents of "dist-1" lead back to it`}, false},
		{"demographics of no user", replace("demographics.csv", "u-s1,,,2016", "u-zz,,,2016"),
			[]string{`demographics.csv:2:1: DANGLING_REF: sourcedId "u-zz" does not match any row of users.csv or any stored record`}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := openStore(t)
			importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
			before := dump(t, st)
			files := storetest.RosterFiles()
			tc.edit(files)
			rep, err := csvimport.Import(context.Background(), st, storetest.WritePackage(t, files, ""),
				csvimport.Options{Now: func() time.Time { return storetest.T1.Add(time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			got := lines(rep.Problems)
			if rep.OK || len(got) == 0 {
				t.Fatalf("import accepted a broken package (problems %v)", got)
			}
			if tc.exact {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("problems (-want +got)\n%s", diff)
				}
			} else if !strings.HasPrefix(got[0], tc.want[0]) {
				t.Errorf("first problem = %s\nwant prefix %s\n(all: %v)", got[0], tc.want[0], got)
			}
			// validate (a dry run on an empty store) finds the same first problem.
			val, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{DryRun: true})
			if err != nil || val.OK || len(val.Problems) == 0 || !strings.HasPrefix(val.Problems[0].String(), tc.want[0]) {
				t.Errorf("validate: OK=%v %v, want first problem %s", val.OK, val.Problems, tc.want[0])
			}
			if diff := cmp.Diff(before, dump(t, st)); diff != "" {
				t.Errorf("a rejected import changed the store (-before +after)\n%s", diff)
			}
		})
	}
}

// TestProblemCap reports the first MaxProblems problems and counts the rest.
func TestProblemCap(t *testing.T) {
	st := openStore(t)
	files := storetest.RosterFiles()
	var b strings.Builder
	b.WriteString("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n")
	for i := 0; i < 1200; i++ {
		b.WriteString("e-x" + strings.Repeat("1", 1) + string(rune('a'+i%26)) + "-" + itoa(i) + ",,,cl-1,org/sch-1,nobody,student,false,,\n")
	}
	files["enrollments.csv"] = b.String()
	rep, err := csvimport.Import(context.Background(), st, storetest.WritePackage(t, files, ""), csvimport.Options{MaxProblems: 50})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) != 50 || rep.Dropped != 1150 {
		t.Errorf("got OK=%v, %d problems shown, %d dropped; want 50 shown, 1150 dropped", rep.OK, len(rep.Problems), rep.Dropped)
	}
	if rep.Problems[0].Line != 2 || rep.Problems[49].Line != 51 {
		t.Errorf("problems not in file order: first line %d, last line %d", rep.Problems[0].Line, rep.Problems[49].Line)
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		i /= 10
		if i == 0 {
			return s
		}
	}
}

// TestCancelledImportChangesNothing cancels the context during an import.
func TestCancelledImportChangesNothing(t *testing.T) {
	st := openStore(t)
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	before := dump(t, st)
	files := storetest.RosterFiles()
	files["users.csv"] = strings.Replace(files["users.csv"], "Nelson,Muntz", "Nelson,Cancelled", 1)
	dir := storetest.WritePackage(t, files, "")
	for _, after := range []int{1, 3, 6, 9} {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		_, err := csvimport.Import(ctx, st, dir, csvimport.Options{Progress: func(csvimport.Progress) {
			calls++
			if calls == after {
				cancel()
			}
		}})
		cancel()
		if !errors.Is(err, csvimport.ErrCancelled) || !errors.Is(err, context.Canceled) {
			t.Errorf("cancel after %d progress calls: %v; want ErrCancelled, wrapping context.Canceled", after, err)
		}
		if diff := cmp.Diff(before, dump(t, st)); diff != "" {
			t.Errorf("a cancelled import changed the store (-before +after)\n%s", diff)
		}
	}
}

// TestMassDeleteGuard: a bulk file that would delete more than 30% of its
// type is refused unless allowed.
func TestMassDeleteGuard(t *testing.T) {
	st := openStore(t)
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	files := storetest.RosterFiles()
	// A partial enrollments file: 2 of 7 rows, so 5 (71%) would go.
	lines := strings.Split(files["enrollments.csv"], "\n")
	files["enrollments.csv"] = strings.Join(lines[:3], "\n") + "\n"
	dir := storetest.WritePackage(t, files, "")
	before := dump(t, st)
	rep, err := csvimport.Import(context.Background(), st, dir, csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) != 1 || rep.Problems[0].Code != csvimport.CodeMassDelete ||
		!strings.Contains(rep.Problems[0].Message, "5 of the 7 stored enrollments (71%)") {
		t.Fatalf("partial bulk file: OK=%v %v", rep.OK, rep.Problems)
	}
	if diff := cmp.Diff(before, dump(t, st)); diff != "" {
		t.Errorf("a refused mass delete changed the store\n%s", diff)
	}
	rep, err = csvimport.Import(context.Background(), st, dir, csvimport.Options{AllowMassDelete: true})
	if err != nil || !rep.OK {
		t.Fatalf("with AllowMassDelete: %v %v", err, rep.Problems)
	}
	for _, f := range rep.Files {
		if f.File == "enrollments.csv" && f.Deleted != 5 {
			t.Errorf("enrollments deleted = %d, want 5", f.Deleted)
		}
	}
	hist, err := st.Imports(context.Background(), 10)
	if err != nil || len(hist) != 3 || hist[0].Outcome != "imported" || hist[1].Outcome != "rejected" || !strings.Contains(hist[1].Report, "MASS_DELETE") {
		t.Errorf("import history: %v %+v", err, hist)
	}
}

// TestDeltaSequence: bulk, then delta updates and deletions, then bulk
// again, checked through the REST API.
func TestDeltaSequence(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	svc := auth.New(st, auth.Config{})
	id, secret, err := svc.CreateClient(ctx, "t", auth.AllScopes, auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.Issue(ctx, id, secret, "", "t")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(st, httpapi.Config{Auth: svc}))
	defer srv.Close()
	get := func(path string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/ims/oneroster/rostering/v1p2"+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return m
	}
	students := func() []string {
		var out []string
		for _, u := range get("/classes/cl-1/students")["users"].([]any) {
			out = append(out, u.(map[string]any)["sourcedId"].(string))
		}
		return out
	}
	field := func(path, key, prop string) string {
		obj, _ := get(path)[key].(map[string]any)
		s, _ := obj[prop].(string)
		return s
	}

	delta := map[string]string{
		"users.csv": `sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns
u-s3,active,2026-02-01T10:00:00.000Z,true,nelson,,Nelson,Muntz-Delta,,1003,,,,,"09,10",,,,,,sch.2@x,
u-s4,active,2026-02-01T10:00:00.000Z,true,milhouse,,Milhouse,Van Houten,,1004,,,,,03,,,,,,org/sch-1,
`,
		"roles.csv": `sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-8,active,2026-02-01T10:00:00.000Z,u-s4,primary,student,,,org/sch-1,
`,
		"enrollments.csv": `sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-2,tobedeleted,2026-02-01T10:00:00.000Z,cl-1,org/sch-1,u-s2,student,false,,
e-8,active,2026-02-01T10:00:00.000Z,cl-1,org/sch-1,u-s4,student,false,,
`,
	}
	importtest.MustImport(t, st, storetest.WritePackage(t, delta, "delta"), storetest.T1.Add(24*time.Hour))
	if diff := cmp.Diff([]string{"u-s1", "u-s4"}, students()); diff != "" {
		t.Errorf("students of cl-1 after the delta (-want +got)\n%s", diff)
	}
	if s, d := field("/enrollments/e-2", "enrollment", "status"), field("/enrollments/e-2", "enrollment", "dateLastModified"); s != "tobedeleted" || d != "2026-02-01T10:00:00.000Z" {
		t.Errorf("e-2 after the delta: %s %s", s, d)
	}
	if got := field("/users/u-s3", "user", "familyName"); got != "Muntz-Delta" {
		t.Errorf("u-s3 familyName after the delta: %q", got)
	}
	// A bad date-time in a delta row is refused with its place.
	bad := map[string]string{"orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\ndist-1,active,2026-02-01,Springfield District,district,NCES-1,\n"}
	rep, err := csvimport.Import(ctx, st, storetest.WritePackage(t, bad, "delta"), csvimport.Options{})
	if err != nil || rep.OK || len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), "orgs.csv:2:3: DATETIME:") {
		t.Errorf("bad delta date-time: %v %v", err, rep.Problems)
	}
	// Bulk again: the original district; the delta's additions become
	// tobedeleted, e-2 comes back.
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1.Add(48*time.Hour))
	if diff := cmp.Diff([]string{"u-s1", "u-s2"}, students()); diff != "" {
		t.Errorf("students of cl-1 after bulk again (-want +got)\n%s", diff)
	}
	if got := field("/users/u-s4", "user", "status"); got != "tobedeleted" {
		t.Errorf("u-s4 after bulk again: %q", got)
	}
	if got := field("/enrollments/e-2", "enrollment", "status"); got != "active" {
		t.Errorf("e-2 after bulk again: %q", got)
	}
}

// TestExtensionTypes: the org and session vocabularies are extensible; a
// producer's own type satisfies a typed reference (the official 1.2.1
// valid cases have school references to ext: orgs and a course's school
// year of an ext: session type).
func TestExtensionTypes(t *testing.T) {
	files := storetest.DistrictFiles()
	for file, r := range map[string][2]string{
		"orgs.csv":             {`"Shelbyville High, East",school,`, `"Shelbyville High, East",ext:charterSchool,`},
		"academicSessions.csv": {"sy-2026,,,2025-2026,schoolYear,", "sy-2026,,,2025-2026,ext:academicYear,"},
	} {
		if !strings.Contains(files[file], r[0]) {
			t.Fatalf("fixture %s has no %q", file, r[0])
		}
		files[file] = strings.Replace(files[file], r[0], r[1], 1)
	}
	rep, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{})
	if err != nil || !rep.OK {
		t.Errorf("ext: types refused: %v %v", err, rep.Problems)
	}
}

// TestCrossRowRules: the binding's checks that need several rows or files.
func TestCrossRowRules(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"second primary role", "roles.csv", "r-7,,,u-g1,primary,parent,,,org/sch-1,\n", "r-7,,,u-g1,primary,parent,,,org/sch-1,\nr-9,,,u-s1,primary,aide,,,org/sch-1,\n",
			`roles.csv:9:1: PRIMARY_ROLE: role "r-9" is a second primary role of its user at org "org/sch-1"; a user has one primary role per org`},
		{"profile of another user", "roles.csv", "r-2,,,u-s2,primary,student,,,org/sch-1,", "r-2,,,u-s2,primary,student,,,org/sch-1,up-1",
			`roles.csv:3:1: PROFILE_OWNER: role "r-2" names user profile "up-1", which belongs to another user`},
		{"primary org without a role", "users.csv", "Muntz,,1003,,,,,\"09,10\",,,,,,sch.2@x,", "Muntz,,1003,,,,,\"09,10\",,,,,,org/sch-1,",
			`users.csv:4:1: PRIMARY_ORG: user "u-s3" has primary org "org/sch-1" but no role there`},
		{"min above max", "lineItems.csv", "cl-1,cat-hw,gp-1,0,10,", "cl-1,cat-hw,gp-1,20,10,",
			`lineItems.csv:2:1: RANGE: line item "li-1" has resultValueMin greater than resultValueMax`},
		{"result of another class", "results.csv", "res-4,,,li-3,u-s3,submitted,18,2026-02-15,,,cl-2,", "res-4,,,li-3,u-s3,submitted,18,2026-02-15,,,cl-1,",
			`results.csv:5:1: CLASS_MISMATCH: result "res-4" names a class other than its line item's ("cl-2")`},
		{"line item of another school", "lineItems.csv", "gp-1,0,10,org/sch-1", "gp-1,0,10,sch.2@x",
			`lineItems.csv:2:1: SCHOOL_MISMATCH: line item "li-1" names a school other than its class's ("org/sch-1")`},
		{"school reference to a district", "lineItems.csv", "gp-1,0,10,org/sch-1", "gp-1,0,10,dist-1",
			`lineItems.csv:2:13: REF_TYPE: schoolSourcedId "dist-1" is of type "district", not "school"`},
		{"result for a teacher", "results.csv", "res-2,,,li-1,u-s2,", "res-2,,,li-1,u-t1,",
			`results.csv:3:1: NOT_ENROLLED: result "res-2" is for a student who is not enrolled as a student in class "cl-1" of its line item`},
		{"student not enrolled", "results.csv", "res-2,,,li-1,u-s2,", "res-2,,,li-1,u-s3,",
			`results.csv:3:1: NOT_ENROLLED: result "res-2" is for a student who is not enrolled as a student in class "cl-1" of its line item`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := storetest.DistrictFiles()
			if !strings.Contains(files[tc.file], tc.old) {
				t.Fatalf("fixture %s has no %q", tc.file, tc.old)
			}
			files[tc.file] = strings.Replace(files[tc.file], tc.old, tc.new, 1)
			rep, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := lines(rep.Problems)
			if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
				t.Errorf("problems (-want +got)\n%s", diff)
			}
		})
	}
}

// TestProblemOrder: a file's problems come in line and column order, the
// same on every run, whichever pass found them (duplicate ids were once
// reported in map order).
func TestProblemOrder(t *testing.T) {
	files := storetest.DistrictFiles()
	var b strings.Builder
	b.WriteString("sourcedId,status,dateLastModified,title,weight\n")
	for i := range 8 {
		fmt.Fprintf(&b, "cat-%d,,,Cat %d,\n", i, i)
	}
	for i := range 8 {
		fmt.Fprintf(&b, "cat-%d,,,Again,\nbad-%d,,,Bad,x\n", i, i) // a duplicate id, then a bad weight
	}
	files["categories.csv"] = b.String() + files["categories.csv"][strings.IndexByte(files["categories.csv"], '\n')+1:]
	var want []string
	for i := range 8 {
		want = append(want, fmt.Sprintf("categories.csv:%d:1: DUPLICATE_ID: sourcedId \"cat-%d\" already appears on line %d", 10+2*i, i, 2+i),
			fmt.Sprintf("categories.csv:%d:5: NUMBER: \"x\" is not a valid weight; expected a decimal number such as 87.5", 11+2*i))
	}
	for run := range 3 {
		rep, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range rep.Problems {
			if p.File == "categories.csv" {
				got = append(got, p.String())
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("run %d: problems of categories.csv (-want +got)\n%s", run, diff)
		}
	}
}

// TestWarnings: harmless habits of real producers are read, normalised
// and reported, one warning per file, code and column; --strict refuses
// them.
func TestWarnings(t *testing.T) {
	files := storetest.RosterFiles()
	edit := func(file, old, new string, all bool) {
		t.Helper()
		if !strings.Contains(files[file], old) {
			t.Fatalf("fixture %s has no %q", file, old)
		}
		n := 1
		if all {
			n = -1
		}
		files[file] = strings.Replace(files[file], old, new, n)
	}
	edit("users.csv", "u-s1,,,true,", "u-s1,,,TRUE,", false)
	edit("classes.csv", ",scheduled,", ",Scheduled,", true)
	edit("orgs.csv", "\n", ",\n", true) // a trailing comma on every line
	edit("orgs.csv", "dept-1,,,", "dept-1,tobedeleted,,", false)
	st := openStore(t)
	rep, err := csvimport.Import(context.Background(), st, storetest.WritePackage(t, files, ""), csvimport.Options{})
	if err != nil || !rep.OK {
		t.Fatalf("import: %v %v", err, rep.Problems)
	}
	got := lines(rep.Warnings)
	want := []string{
		"orgs.csv:1:8: TRAILING_CELL: the header ends with an empty cell (a trailing comma); it is ignored, and so is one empty cell at the end of each row",
		`orgs.csv:5:2: STATUS_IN_BULK: status is filled ("tobedeleted") in a bulk file; bulk semantics apply: the row marks its record deleted, as a delta row would`,
		`classes.csv:2:8: CASE_FOLDED: classType "Scheduled" read as "scheduled" (the binding's values are case-sensitive) (and 1 more alike in this file)`,
		`users.csv:2:4: CASE_FOLDED: enabledUser "TRUE" read as "true" (the binding's values are case-sensitive)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got)\n%s", diff)
	}
	if s, err := st.Status(context.Background(), oneroster.Org, "dept-1"); s != "tobedeleted" {
		t.Errorf("dept-1 after a bulk row marked tobedeleted: %q %v", s, err)
	}

	strict, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{Strict: true})
	if err != nil || strict.OK || len(strict.Problems) != 5 || len(strict.Warnings) != 0 {
		t.Errorf("--strict: ok=%v, %d problems, %d warnings; want refused with the 5 warnings as problems: %v", strict.OK, len(strict.Problems), len(strict.Warnings), strict.Problems)
	}
}

// TestRootCauseFirst: a file that cannot be read (a misspelt header) is
// one problem, not one per reference into it: the references and the
// checks that needed it are counted in one line.
func TestRootCauseFirst(t *testing.T) {
	files := storetest.DistrictFiles()
	files["users.csv"] = strings.Replace(files["users.csv"], "givenName", "firstName", 1)
	rep, err := csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := lines(rep.Problems)
	// 20: the roles, profiles, enrollments, results and demographics that
	// name a user.
	want := []string{
		`users.csv:1:0: HEADER: missing column "givenName"`,
		`users.csv:1:7: HEADER: unknown column "firstName"; extra columns must be named metadata.<name> and come after the standard columns`,
		"users.csv:0:0: UNCHECKED: 20 references to users.csv were not checked, since the file could not be read whole (its problems above say why)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got)\n%s", diff)
	}

	// Without its enrollments, no result can be found unenrolled.
	files = storetest.DistrictFiles()
	files["enrollments.csv"] += "\"unterminated\n" // CSV_SYNTAX: the file is not read to its end
	rep, err = csvimport.Import(context.Background(), openStore(t), storetest.WritePackage(t, files, ""), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := rep.Problems[len(rep.Problems)-1].String()
	if !strings.HasPrefix(last, "enrollments.csv:0:0: UNCHECKED: ") || !strings.HasSuffix(last, "; nor were the checks results.csv NOT_ENROLLED") {
		t.Errorf("last problem %s; all %v", last, rep.Problems)
	}
	for _, p := range rep.Problems {
		if p.Code == "NOT_ENROLLED" {
			t.Errorf("a check that needed the broken enrollments.csv ran: %s", p)
		}
	}
}

// lines formats problems (or warnings) one per string, as reports print them.
func lines(ps []csvbind.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// TestProgressBytes: progress counts bytes read of sizes known before the
// first row, per file and over the package; both only grow, each file
// ends at its size and the package at the sum of its data files' sizes.
func TestProgressBytes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pkg")
	// Enough students for several batches of enrollments.csv.
	if _, err := generate.Write(dir, generate.Options{Students: 1500, Seed: 3, NoGradebook: true, NoResources: true}); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	var sum int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && e.Name() != "manifest.csv" {
			sizes[e.Name()] = fi.Size()
			sum += fi.Size()
		}
	}
	var events []csvimport.Progress
	rep, err := csvimport.Import(context.Background(), openStore(t), dir, csvimport.Options{Progress: func(p csvimport.Progress) {
		events = append(events, p)
	}})
	if err != nil || !rep.OK {
		t.Fatalf("Import: %v %+v", err, rep)
	}
	last := map[string]csvimport.Progress{}
	var prevTotal int64
	for _, p := range events {
		if p.Size != sizes[p.File] || p.TotalSize != sum {
			t.Fatalf("%+v: want Size %d, TotalSize %d", p, sizes[p.File], sum)
		}
		if prev, ok := last[p.File]; ok && (p.Bytes < prev.Bytes || p.Rows < prev.Rows) {
			t.Errorf("%s went back: %+v after %+v", p.File, p, prev)
		}
		if p.TotalBytes < prevTotal {
			t.Errorf("total went back: %+v after %d", p, prevTotal)
		}
		last[p.File], prevTotal = p, p.TotalBytes
	}
	if prevTotal != sum {
		t.Errorf("progress ended at %d bytes of %d", prevTotal, sum)
	}
	for name, size := range sizes {
		if p := last[name]; p.Bytes != size {
			t.Errorf("%s ended at %d bytes of %d", name, p.Bytes, size)
		}
	}
	before := 0 // calls for enrollments.csv before its end
	for _, p := range events {
		if p.File == "enrollments.csv" && p.Bytes < p.Size {
			before++
		}
	}
	if before < 2 {
		t.Errorf("enrollments.csv: %d progress calls before its end; want one per batch", before)
	}
}
