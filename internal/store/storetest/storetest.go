// Package storetest is the conformance suite that every store must pass.
// The SQLite and PostgreSQL packages run it against their own engines, so
// both answer every question the same way. They hand it the CSV importer
// too (see Importer), so the suite depends on no store and no client.
package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// Opener returns a new, empty, migrated store for one test.
type Opener func(t *testing.T) store.Store

var (
	t1 = time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	t2 = time.Date(2026, 2, 10, 8, 0, 0, 0, time.UTC)
)

// Run runs the whole suite.
func Run(t *testing.T, open Opener, imp Importer) {
	t.Run("Reads", func(t *testing.T) { t.Parallel(); testReads(t, open, imp) })
	t.Run("Reimport", func(t *testing.T) { t.Parallel(); testReimport(t, open, imp) })
	t.Run("RejectedImportChangesNothing", func(t *testing.T) { t.Parallel(); testRejected(t, open, imp) })
	t.Run("ImportTxRollback", func(t *testing.T) { t.Parallel(); testRollback(t, open, imp) })
	t.Run("ConcurrentPuts", func(t *testing.T) { t.Parallel(); testConcurrentPuts(t, open, imp) })
	t.Run("Tombstones", func(t *testing.T) { t.Parallel(); testTombstones(t, open, imp) })
	t.Run("WriteRules", func(t *testing.T) { t.Parallel(); testWriteRules(t, open, imp) })
	t.Run("DeleteCascades", func(t *testing.T) { t.Parallel(); testDeleteCascades(t, open, imp) })
	t.Run("Revival", func(t *testing.T) { t.Parallel(); testRevival(t, open, imp) })
	t.Run("ControlChar", func(t *testing.T) { t.Parallel(); testControlChar(t, open, imp) })
	t.Run("CancelledImport", func(t *testing.T) { t.Parallel(); testCancelledImport(t, open, imp) })
	t.Run("AuthStore", func(t *testing.T) { t.Parallel(); testAuthStore(t, open) })
	t.Run("ImportHistory", func(t *testing.T) { t.Parallel(); testImportHistory(t, open, imp) })
	t.Run("FirstLoad", func(t *testing.T) { t.Parallel(); testFirstLoad(t, open, imp) })
	t.Run("FirstLoadHoldsWriters", func(t *testing.T) { t.Parallel(); testFirstLoadHoldsWriters(t, open, imp) })
	t.Run("ImportsOneAtATime", func(t *testing.T) { t.Parallel(); testImportsOneAtATime(t, open) })
	t.Run("DeepPaging", func(t *testing.T) { t.Parallel(); testDeepPaging(t, open, imp) })
	t.Run("RoleLists", func(t *testing.T) { t.Parallel(); testRoleLists(t, open, imp) })
	t.Run("MemberLists", func(t *testing.T) { t.Parallel(); testMemberLists(t, open, imp) })
	t.Run("KeptCounts", func(t *testing.T) { t.Parallel(); testKeptCounts(t, open, imp) })
	t.Run("Versions", func(t *testing.T) { t.Parallel(); testVersions(t, open, imp) })
	t.Run("Ready", func(t *testing.T) { t.Parallel(); testReady(t, open) })
	t.Run("Visible", func(t *testing.T) { t.Parallel(); testVisible(t, open, imp) })
}

// importWithoutResults imports the fixture district without its results
// into importer, so that a later import's results.csv is a first load, and
// returns a REST write of one result through writer.
func importWithoutResults(t *testing.T, imp Importer, importer, writer store.Store) func(context.Context) error {
	t.Helper()
	files := DistrictFiles()
	for _, f := range []string{"results.csv", "resultScoreScales.csv", "resultLearningObjectiveIds.csv"} {
		delete(files, f)
	}
	MustImport(t, imp, importer, WritePackage(t, files, ""), t1)
	return func(ctx context.Context) error {
		_, err := writer.Put(ctx, oneroster.Result, []store.Object{{Vals: map[string]string{
			"sourcedId": "rest-1", "lineItemSourcedId": "li-1", "studentSourcedId": "u-s1", "scoreStatus": "fully graded",
			"score": "7", "scoreDate": "2025-09-08", "classSourcedId": "cl-1"}}}, march(1))
		return err
	}
}

// testFirstLoadHoldsWriters: while an import loads a table that was
// empty, a REST write to that table waits for the import to end. A first
// load reads the table itself for duplicates: a row another transaction
// committed meanwhile would turn up as a duplicate at no line of the file,
// or fail the import on the primary key.
func testFirstLoadHoldsWriters(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	put := importWithoutResults(t, imp, st, st)
	tx, err := st.BeginImport(ctx, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := tx.BeginFile(ctx, "results")
	if err != nil || !empty {
		tx.Rollback()
		t.Fatalf("BeginFile(results) = %v, %v; want a first load", empty, err)
	}
	wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = put(wait)
	cancel()
	if err == nil {
		t.Error("a REST write to a table being first loaded went through before the import ended")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := put(ctx); err != nil {
		t.Fatalf("the REST write after the import: %v", err)
	}
}

// testImportsOneAtATime: a second import starts when the first ends, and
// sees what it committed. Two first loads of one table at once would
// otherwise both find it empty, and one would fail on the other's rows.
func testImportsOneAtATime(t *testing.T, open Opener) {
	st := open(t)
	ctx := context.Background()
	first, err := st.BeginImport(ctx, "first", "")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan store.ImportTx, 1)
	go func() {
		second, err := st.BeginImport(ctx, "second", "")
		if err != nil {
			t.Error(err)
		}
		started <- second
	}()
	select {
	case second := <-started:
		if second != nil {
			second.Rollback()
		}
		first.Rollback()
		t.Fatal("a second import started while the first was running")
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Rollback(); err != nil {
		t.Fatal(err)
	}
	second := <-started
	if second == nil {
		return
	}
	if err := second.Rollback(); err != nil {
		t.Fatal(err)
	}
}

// BusyWriter: while an import holds the write lock of a table (on
// SQLite, of the database), a REST write from another process waits a
// bounded time and then answers server_busy, for the client to retry,
// rather than failing as the server's fault or hanging. importer and
// writer are two stores on one database, as two processes would be.
func BusyWriter(t *testing.T, imp Importer, importer, writer store.Store) {
	ctx := context.Background()
	putResult := importWithoutResults(t, imp, importer, writer)
	put := func() error {
		// Bounded, so that a write that waits for ever fails the test
		// instead of hanging it.
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return putResult(ctx)
	}
	tx, err := importer.BeginImport(ctx, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.BeginFile(ctx, "results"); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	err = put()
	if code := oneroster.CodeOf(err); code != oneroster.CodeServerBusy {
		t.Errorf("a REST write during an import: %v (code %q); want server_busy", err, code)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := put(); err != nil {
		t.Fatalf("the REST write after the import: %v", err)
	}
}

// testConcurrentPuts races writers on one result and one line item: each
// write succeeds, and one row remains, holding one of the writes.
func testConcurrentPuts(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, DistrictFiles(), ""), t1)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			score := strconv.Itoa(i)
			_, err := st.Put(ctx, oneroster.Result, []store.Object{{Vals: map[string]string{
				"sourcedId": "race", "lineItemSourcedId": "li-1", "studentSourcedId": "u-s1", "scoreStatus": "fully graded",
				"score": score, "scoreDate": "2025-09-08", "classSourcedId": "cl-1"},
				Links: map[string]string{"scoreScale": "ss-1"}}}, march(1))
			errs <- err
			_, err = st.Put(ctx, oneroster.LineItem, []store.Object{{Vals: map[string]string{
				"sourcedId": "li-1", "title": "Quiz " + score, "assignDate": "2025-09-01", "dueDate": "2025-09-08", "classSourcedId": "cl-1",
				"categorySourcedId": "cat-hw", "academicSessionSourcedId": "gp-1", "schoolSourcedId": "org/sch-1"},
				Objectives: []store.Objective{{Source: "unknown", ID: "OBJ-" + score}}}}, march(1))
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a racing Put failed: %v", err)
		}
	}
	p := filter(t, "sourcedId='race'")
	p.Limit = 10
	page, err := st.List(ctx, store.ListRequest{Entity: oneroster.Result, Params: p})
	if err != nil || page.Total != 1 || len(page.Records) != 1 {
		t.Fatalf("racing Puts left %d rows (%v)", page.Total, err)
	}
	rec := page.Records[0]
	if links := rec.Sub["scoreScale"]; len(links) != 1 {
		t.Errorf("race result has %d active score-scale links, want 1", len(links))
	}
	li, err := st.Get(ctx, oneroster.LineItem, "li-1")
	if err != nil {
		t.Fatal(err)
	}
	if objs := li.Sub["learningObjectiveSet"]; len(objs) != 1 {
		t.Errorf("li-1 has %d active objectives after racing Puts, want 1", len(objs))
	}
}

// testTombstones: a deleted gradebook object is gone from single reads
// and ordinary lists, but a consumer asking about changes still sees it.
func testTombstones(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, DistrictFiles(), ""), t1)
	if err := st.Delete(ctx, oneroster.Result, "res-2", march(1)); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, oneroster.Result, "res-2", march(1)); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if _, err := st.Get(ctx, oneroster.Result, "res-2"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Get of a deleted result: %v, want ErrNotFound", err)
	}
	if _, err := st.Status(ctx, oneroster.Result, "res-2"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Status of a deleted result: %v, want ErrNotFound", err)
	}
	if got := ids(t, st, oneroster.Result, query.Params{}); slices.Contains(got, "res-2") {
		t.Errorf("ordinary list still has the deleted result: %v", got)
	}
	got := ids(t, st, oneroster.Result, filter(t, "dateLastModified>'2026-02-01T00:00:00Z'"))
	if diff := cmp.Diff([]string{"res-2"}, got); diff != "" {
		t.Errorf("change poll (-want +got)\n%s", diff)
	}
	if got := ids(t, st, oneroster.Result, filter(t, "status='tobedeleted'")); len(got) != 1 {
		t.Errorf("status filter: %v", got)
	}
	created, err := st.Put(ctx, oneroster.Result, []store.Object{{Vals: map[string]string{"sourcedId": "res-2", "lineItemSourcedId": "li-1",
		"studentSourcedId": "u-s2", "scoreStatus": "submitted", "scoreDate": "2025-09-09"}}}, march(2))
	if err != nil || !created[0] {
		t.Errorf("Put over a tombstone: created %v, %v; want created", created, err)
	}
}

func ids(t *testing.T, st store.Store, e *oneroster.Entity, p query.Params, within ...store.Subset) []string {
	t.Helper()
	if p.Limit == 0 {
		p.Limit = 100
	}
	page, err := st.List(context.Background(), store.ListRequest{Entity: e, Params: p, Within: within})
	if err != nil {
		t.Fatalf("List %s %+v: %v", e.Plural, within, err)
	}
	out := []string{}
	for _, r := range page.Records {
		out = append(out, r.Vals[0])
	}
	if p.Offset == 0 && len(page.Records) < p.Limit && page.Total != len(out) {
		t.Errorf("List %s: Total = %d, but %d records on a first, short page", e.Plural, page.Total, len(out))
	}
	return out
}

func filter(t *testing.T, s string) query.Params {
	t.Helper()
	x, err := query.ParseFilter(s)
	if err != nil {
		t.Fatalf("ParseFilter(%q): %v", s, err)
	}
	return query.Params{Filter: x}
}

func testReads(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t1)
	ctx := context.Background()
	sc := func(n store.SubsetName, a string) store.Subset { return store.Subset{Name: n, Arg: a} }

	lists := []struct {
		name   string
		e      *oneroster.Entity
		p      query.Params
		within []store.Subset
		want   []string
	}{
		{"all users by sourcedId", oneroster.User, query.Params{}, nil, []string{"u-g1", "u-s1", "u-s2", "u-s3", "u-t1", "u-t2"}},
		{"students", oneroster.User, query.Params{}, []store.Subset{sc(store.UsersWithRole, "student")}, []string{"u-s1", "u-s2", "u-s3"}},
		{"teachers", oneroster.User, query.Params{}, []store.Subset{sc(store.UsersWithRole, "teacher")}, []string{"u-t1", "u-t2"}},
		{"schools", oneroster.Org, query.Params{}, []store.Subset{sc(store.OrgsOfType, "school")}, []string{"org/sch-1", "sch.2@x"}},
		{"terms", oneroster.AcademicSession, query.Params{}, []store.Subset{sc(store.SessionsOfType, "term")}, []string{"t-1", "t-2"}},
		{"students of cl-1", oneroster.User, query.Params{}, []store.Subset{sc(store.StudentsOfClass, "cl-1")}, []string{"u-s1", "u-s2"}},
		{"teachers of cl-3", oneroster.User, query.Params{}, []store.Subset{sc(store.TeachersOfClass, "cl-3")}, []string{"u-t2"}},
		{"enrollments of cl-2", oneroster.Enrollment, query.Params{}, []store.Subset{sc(store.EnrollmentsOfClass, "cl-2")}, []string{"e-4", "e-5"}},
		{"classes of term t-1", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfTerm, "t-1")}, []string{"cl-1", "cl-2"}},
		{"classes of term t-2", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfTerm, "t-2")}, []string{"cl-2", "cl-3"}},
		{"classes of course", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfCourse, "c-math")}, []string{"cl-1", "cl-3"}},
		{"classes of school", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfSchool, "org/sch-1")}, []string{"cl-1", "cl-3"}},
		{"classes of user", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfUser, "u-s1")}, []string{"cl-1", "cl-3"}},
		{"classes of student", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfStudent, "u-s3")}, []string{"cl-2"}},
		{"classes of teacher", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfTeacher, "u-t2")}, []string{"cl-2", "cl-3"}},
		{"teacher's classes as student", oneroster.Class, query.Params{}, []store.Subset{sc(store.ClassesOfStudent, "u-t2")}, []string{}},
		{"courses of school", oneroster.Course, query.Params{}, []store.Subset{sc(store.CoursesOfSchool, "sch.2@x")}, []string{"c-bio"}},
		{"enrollments of school", oneroster.Enrollment, query.Params{}, []store.Subset{sc(store.EnrollmentsOfSch, "org/sch-1")}, []string{"e-1", "e-2", "e-3", "e-6", "e-7"}},
		{"students of school", oneroster.User, query.Params{}, []store.Subset{sc(store.StudentsOfSchool, "sch.2@x")}, []string{"u-s3"}},
		{"teachers of school", oneroster.User, query.Params{}, []store.Subset{sc(store.TeachersOfSchool, "org/sch-1")}, []string{"u-t1", "u-t2"}},
		{"terms of school", oneroster.AcademicSession, query.Params{}, []store.Subset{sc(store.TermsOfSchool, "org/sch-1"), sc(store.SessionsOfType, "term")}, []string{"t-1", "t-2"}},
		{"grading periods of term", oneroster.AcademicSession, query.Params{}, []store.Subset{sc(store.SessionsOfType, "gradingPeriod"), sc(store.ChildrenOfSession, "t-1")}, []string{"gp-1", "gp-2"}},

		{"filter =", oneroster.User, filter(t, "familyName='Simpson'"), nil, []string{"u-s1", "u-s2"}},
		{"filter != keeps blanks", oneroster.User, filter(t, "middleName!='Jo'"), nil, []string{"u-g1", "u-s2", "u-s3", "u-t1", "u-t2"}},
		{"filter ~ is case-insensitive", oneroster.User, filter(t, "familyName~'SIMP'"), nil, []string{"u-g1", "u-s1", "u-s2"}},
		{"filter ~ treats % and _ literally", oneroster.User, filter(t, "familyName~'%'"), nil, []string{}},
		{"filter OR", oneroster.User, filter(t, "familyName='Simpson' OR givenName='Nelson'"), nil, []string{"u-s1", "u-s2", "u-s3"}},
		{"filter AND", oneroster.User, filter(t, "familyName='Simpson' AND givenName='Lisa'"), nil, []string{"u-s2"}},
		{"filter >= on sourcedId", oneroster.User, filter(t, "sourcedId>='u-t'"), nil, []string{"u-t1", "u-t2"}},
		{"filter bool string", oneroster.User, filter(t, "enabledUser='false'"), nil, []string{"u-s3"}},
		{"filter roles.role", oneroster.User, filter(t, "roles.role='teacher'"), nil, []string{"u-t1", "u-t2"}},
		{"filter 1.1 role", oneroster.User, filter(t, "role='parent'"), nil, []string{"u-g1"}},
		{"filter roles.org.sourcedId", oneroster.User, filter(t, "roles.org.sourcedId='sch.2@x'"), nil, []string{"u-s3", "u-t2"}},
		{"filter roles.beginDate", oneroster.User, filter(t, "roles.beginDate>='2025-01-01'"), nil, []string{"u-t1"}},
		{"filter agents", oneroster.User, filter(t, "agents.sourcedId='u-g1'"), nil, []string{"u-s1", "u-s2"}},
		{"filter grades list", oneroster.User, filter(t, "grades='10'"), nil, []string{"u-s3"}},
		{"filter grades list is whole items", oneroster.User, filter(t, "grades='0'"), nil, []string{}},
		{"filter userIds", oneroster.User, filter(t, "userIds.identifier='1002'"), nil, []string{"u-s2"}},
		{"filter userProfiles", oneroster.User, filter(t, "userProfiles.vendorId='vendor-x'"), nil, []string{"u-s1"}},
		{"filter primaryOrg", oneroster.User, filter(t, "primaryOrg.sourcedId='sch.2@x'"), nil, []string{"u-s3", "u-t2"}},
		{"filter dateLastModified as time", oneroster.User, filter(t, "dateLastModified>'2026-01-10T07:59:59Z'"), nil, []string{"u-g1", "u-s1", "u-s2", "u-s3", "u-t1", "u-t2"}},
		{"filter dateLastModified other offset", oneroster.User, filter(t, "dateLastModified>'2026-01-10T09:00:00+01:00'"), nil, []string{}},
		{"filter date", oneroster.AcademicSession, filter(t, "startDate>='2026-01-01' AND type='term'"), nil, []string{"t-2"}},
		{"filter terms.sourcedId", oneroster.Class, filter(t, "terms.sourcedId='t-2'"), nil, []string{"cl-2", "cl-3"}},
		{"filter course ref", oneroster.Class, filter(t, "course.sourcedId='c-bio'"), nil, []string{"cl-2"}},
		{"filter bare ref", oneroster.Class, filter(t, "course='c-bio'"), nil, []string{"cl-2"}},
		{"filter ref type", oneroster.Class, filter(t, "school.type='org'"), nil, []string{"cl-1", "cl-2", "cl-3"}},
		{"filter children", oneroster.Org, filter(t, "children.sourcedId='dept-1'"), nil, []string{"sch.2@x"}},
		{"filter with quote and comma", oneroster.Org, filter(t, "name='Shelbyville High, East'"), nil, []string{"sch.2@x"}},
		{"filter and subset together", oneroster.User, filter(t, "familyName='Simpson'"), []store.Subset{sc(store.StudentsOfClass, "cl-3")}, []string{"u-s1"}},
		{"an OR cannot escape the subset", oneroster.User, filter(t, "familyName='Simpson' OR givenName='Nelson' OR sourcedId!=''"), []store.Subset{sc(store.StudentsOfClass, "cl-1")}, []string{"u-s1", "u-s2"}},

		{"sort familyName", oneroster.User, query.Params{Sort: []string{"familyName"}}, nil, []string{"u-g1", "u-t1", "u-t2", "u-s3", "u-s1", "u-s2"}},
		{"sort familyName desc", oneroster.User, query.Params{Sort: []string{"familyName"}, Desc: true}, nil, []string{"u-s1", "u-s2", "u-s3", "u-t2", "u-t1", "u-g1"}},
		{"sort unknown ignored", oneroster.User, query.Params{Sort: []string{"shoeSize"}}, nil, []string{"u-g1", "u-s1", "u-s2", "u-s3", "u-t1", "u-t2"}},
		{"sort desc default key", oneroster.Course, query.Params{Desc: true}, nil, []string{"c-math", "c-bio"}},
		{"page", oneroster.User, query.Params{Limit: 2, Offset: 2}, nil, []string{"u-s2", "u-s3"}},
		{"page past the end", oneroster.User, query.Params{Limit: 2, Offset: 6}, nil, []string{}},
	}
	for _, tc := range lists {
		got := ids(t, st, tc.e, tc.p, tc.within...)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, diff)
		}
	}

	page, err := st.List(ctx, store.ListRequest{Entity: oneroster.User, Params: query.Params{Limit: 2, Offset: 2}})
	if err != nil || page.Total != 6 {
		t.Errorf("paged List: total %d, err %v; want 6", page.Total, err)
	}

	for _, bad := range []string{"shoeSize='9'", "dateLastModified>'yesterday'", "enabledUser='yes'", "roles.colour='red'", "metadata.x='1'", "grades>'1'"} {
		_, err := st.List(ctx, store.ListRequest{Entity: oneroster.User, Params: filter(t, bad)})
		if oneroster.CodeOf(err) != oneroster.CodeInvalidFilterField {
			t.Errorf("filter %q: err %v, want invalid_filter_field", bad, err)
		}
	}

	rec, err := st.Get(ctx, oneroster.User, "u-s1")
	if err != nil {
		t.Fatal(err)
	}
	col := func(e *oneroster.Entity, r store.Record, name string) string {
		for i, c := range st.Columns(e) {
			if c == name {
				return r.Vals[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	if got := col(oneroster.User, rec, "userIds"); got != "{LDAP:bart},{SIS:1001}" {
		t.Errorf("u-s1 userIds = %q", got)
	}
	if got := col(oneroster.User, rec, "dateLastModified"); got != "2026-01-10T08:00:00.000Z" {
		t.Errorf("u-s1 dateLastModified = %q", got)
	}
	if got := col(oneroster.User, rec, "status"); got != "active" {
		t.Errorf("u-s1 status = %q", got)
	}
	if roles := rec.Sub["roles"]; len(roles) != 1 || col(oneroster.Role, roles[0], "userProfileSourcedId") != "up-1" {
		t.Errorf("u-s1 roles = %+v", roles)
	}
	if profiles := rec.Sub["userProfiles"]; len(profiles) != 1 || col(oneroster.UserProfile, profiles[0], "vendorId") != "vendor-x" {
		t.Errorf("u-s1 userProfiles = %+v", profiles)
	}
	org, err := st.Get(ctx, oneroster.Org, "dist-1")
	if err != nil {
		t.Fatal(err)
	}
	var children []string
	for _, c := range org.Sub["children"] {
		children = append(children, c.Vals[0])
	}
	if diff := cmp.Diff([]string{"org/sch-1", "sch.2@x"}, children); diff != "" {
		t.Errorf("dist-1 children (-want +got)\n%s", diff)
	}
	if _, err := st.Get(ctx, oneroster.User, "nobody"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Get unknown: %v, want ErrNotFound", err)
	}
	if _, err := st.Get(ctx, oneroster.User, "u-t1", store.Subset{Name: store.UsersWithRole, Arg: "student"}); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Get teacher as student: %v, want ErrNotFound", err)
	}
	if _, err := st.Get(ctx, oneroster.Demographics, "u-s1"); err != nil {
		t.Errorf("Get demographics: %v", err)
	}
	if s, err := st.Status(ctx, oneroster.User, "u-s1"); err != nil || s != "active" {
		t.Errorf("Status u-s1 = %q, %v", s, err)
	}
	if _, err := st.Status(ctx, oneroster.User, "u-t1", store.Subset{Name: store.UsersWithRole, Arg: "student"}); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Status of a teacher as student: %v, want ErrNotFound", err)
	}
	if _, err := st.Status(ctx, oneroster.Class, "cl-2", store.Subset{Name: store.ClassesOfSchool, Arg: "org/sch-1"}); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Status of a class of another school: %v, want ErrNotFound", err)
	}
}

func testReimport(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t1)

	// The same package again changes nothing, not even dateLastModified.
	rep := MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t2)
	if s := rep.Files["users.csv"]; s.Unchanged != 6 || s.Added+s.Updated+s.Deleted != 0 {
		t.Errorf("re-import users.csv stats = %+v, want 6 unchanged", s)
	}
	changed := ids(t, st, oneroster.User, filter(t, "dateLastModified>'2026-01-10T08:00:00Z'"))
	if len(changed) != 0 {
		t.Errorf("after identical re-import, users changed since t1: %v", changed)
	}

	// Drop an org, rename a user, change a role: exactly those move.
	files := RosterFiles()
	files["orgs.csv"] = strings.Replace(files["orgs.csv"], "dept-1,,,Science,department,D1,sch.2@x\n", "", 1)
	files["users.csv"] = strings.Replace(files["users.csv"], "Nelson,Muntz", "Nelson,Muntz-Jones", 1)
	files["roles.csv"] = strings.Replace(files["roles.csv"], "r-4,,,u-t1,primary,teacher,2025-08-01", "r-4,,,u-t1,primary,teacher,2025-09-01", 1)
	t3 := t2.Add(time.Hour)
	rep = MustImport(t, imp, st, WritePackage(t, files, ""), t3)
	if s := rep.Files["orgs.csv"]; s.Deleted != 1 || s.Unchanged != 3 {
		t.Errorf("orgs.csv stats = %+v, want 1 deleted, 3 unchanged", s)
	}
	if s := rep.Files["users.csv"]; s.Updated != 1 || s.Unchanged != 5 {
		t.Errorf("users.csv stats = %+v, want 1 updated", s)
	}
	if s := rep.Files["roles.csv"]; s.Updated != 1 {
		t.Errorf("roles.csv stats = %+v, want 1 updated", s)
	}
	got := ids(t, st, oneroster.User, filter(t, "dateLastModified>'2026-02-10T08:00:00Z'"))
	if diff := cmp.Diff([]string{"u-s3", "u-t1"}, got); diff != "" {
		t.Errorf("users changed by the third import (-want +got)\n%s", diff)
	}
	rec, err := st.Get(ctx, oneroster.Org, "dept-1")
	if err != nil {
		t.Fatalf("a bulk-missing org must stay readable as tobedeleted: %v", err)
	}
	if rec.Vals[1] != "tobedeleted" || rec.Vals[2] != "2026-02-10T09:00:00.000Z" {
		t.Errorf("dept-1 status/dlm = %q %q", rec.Vals[1], rec.Vals[2])
	}
	if got := ids(t, st, oneroster.Org, filter(t, "status='active'")); len(got) != 3 {
		t.Errorf("active orgs = %v", got)
	}

	// A record that comes back in a later bulk file is active again.
	rep = MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t3.Add(time.Hour))
	if s := rep.Files["orgs.csv"]; s.Updated != 1 {
		t.Errorf("orgs.csv after dept-1 came back = %+v, want 1 updated", s)
	}
	if rec, _ := st.Get(ctx, oneroster.Org, "dept-1"); rec.Vals[1] != "active" {
		t.Errorf("dept-1 status = %q, want active", rec.Vals[1])
	}
}

// snapshot is every row the REST layer can see, for before/after checks.
func snapshot(t *testing.T, st store.Store) map[string][]store.Record {
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

func testRejected(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t1)
	before := snapshot(t, st)

	files := RosterFiles()
	files["users.csv"] = strings.Replace(files["users.csv"], "Nelson,Muntz", "Nelson,Changed", 1)
	files["enrollments.csv"] += "e-8,,,cl-9,org/sch-1,u-s1,student,false,,\n"
	rep, err := imp(context.Background(), st, WritePackage(t, files, ""), ImportOptions{Now: t2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Problems) != 1 {
		t.Fatalf("want exactly one problem, got OK=%v %v", rep.OK, rep.Problems)
	}
	if got, want := rep.Problems[0], `enrollments.csv:9:4: DANGLING_REF: classSourcedId "cl-9" does not match any row of classes.csv or any stored record`; got != want {
		t.Errorf("problem\n got %s\nwant %s", got, want)
	}
	if diff := cmp.Diff(before, snapshot(t, st)); diff != "" {
		t.Errorf("a rejected import changed the store (-before +after)\n%s", diff)
	}
}

func testRollback(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t1)
	before := snapshot(t, st)
	tx, err := st.BeginImport(ctx, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	cols := append(append([]string{}, st.Columns(oneroster.Org)...), "contentHash")
	row := make([]string, len(cols))
	row[0], row[1], row[2] = "org-new", "active", "2026-01-01T00:00:00.000Z"
	if err := tx.Upsert(ctx, "orgs", cols, [][]string{row}); err != nil {
		t.Fatal(err)
	}
	dups, err := tx.Seen(ctx, "orgs", []string{"a", "b", "a"}, []int{2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int]int{2: 2}, dups); diff != "" {
		t.Errorf("Seen dups (-want +got)\n%s", diff)
	}
	dups, err = tx.Seen(ctx, "orgs", []string{"c", "b"}, []int{5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int]int{1: 3}, dups); diff != "" {
		t.Errorf("Seen dups across batches (-want +got)\n%s", diff)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot(t, st)); diff != "" {
		t.Errorf("a rolled-back import changed the store (-before +after)\n%s", diff)
	}
	// The store is usable afterwards (the writer connection was released).
	MustImport(t, imp, st, WritePackage(t, rosterFiles, ""), t2)
}

// testFirstLoad imports into empty stores, where every table's file is a
// first load (plain inserts, no lookup of stored rows, no bulk deletion
// step): the rows, the statistics and the problems must be those of any
// other import.
func testFirstLoad(t *testing.T, open Opener, imp Importer) {
	ctx := context.Background()
	t.Run("accepted", func(t *testing.T) {
		t.Parallel()
		st := open(t)
		files := DistrictFiles()
		// Parents after their children: forward references in one file.
		lines := strings.SplitAfter(files["orgs.csv"], "\n")
		files["orgs.csv"] = lines[0] + strings.Join(lines[2:], "") + lines[1]
		// Values that are special to bulk-load formats.
		const comment = `back\slash, \N and a\ttab`
		files["results.csv"] = strings.Replace(files["results.csv"], ",Good,", ",\""+comment+"\",", 1)
		rep := MustImport(t, imp, st, WritePackage(t, files, ""), t1)
		if s := rep.Files["users.csv"]; s.Added != 6 || s.Updated+s.Unchanged+s.Deleted != 0 {
			t.Errorf("users.csv stats = %+v, want 6 added", s)
		}
		if s := rep.Files["orgs.csv"]; s.Added != 4 {
			t.Errorf("orgs.csv stats = %+v, want 4 added", s)
		}
		var got string
		err := st.ExportRows(ctx, "results", time.Time{}, func(vals []string) error {
			if vals[0] == "res-1" {
				got = vals[8]
			}
			return nil
		})
		if err != nil || got != comment {
			t.Errorf("comment of res-1 = %q (%v), want %q", got, err, comment)
		}
		// The same package again: every row is stored, none changed.
		rep = MustImport(t, imp, st, WritePackage(t, files, ""), t2)
		if s := rep.Files["results.csv"]; s.Unchanged != 4 || s.Added+s.Updated+s.Deleted != 0 {
			t.Errorf("re-import results.csv stats = %+v, want 4 unchanged", s)
		}
	})
	var many strings.Builder
	many.WriteString(strings.TrimSuffix(rosterFiles["enrollments.csv"], "\n") + "\n")
	for i := range 5100 {
		many.WriteString("e-x" + strconv.Itoa(i) + ",,,cl-1,org/sch-1,u-s1,student,false,,\n")
	}
	many.WriteString("e-1,,,cl-1,org/sch-1,u-s2,student,false,,\n")
	cases := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"duplicate sourcedId", "enrollments.csv", "e-7,,,", "e-6,,,",
			[]string{`enrollments.csv:8:1: DUPLICATE_ID: sourcedId "e-6" already appears on line 7`}},
		{"duplicate sourcedId in a later batch", "enrollments.csv", rosterFiles["enrollments.csv"], many.String(),
			[]string{`enrollments.csv:5109:1: DUPLICATE_ID: sourcedId "e-1" already appears on line 2`}},
		// The first e-1 is refused for its own problem: its line comes
		// from the rejected rows, not from the stored ones.
		{"duplicate of a refused row in a later batch", "enrollments.csv", rosterFiles["enrollments.csv"],
			strings.Replace(many.String(), "e-1,,,cl-1,org/sch-1,u-s1,student,", "e-1,,,cl-1,org/sch-1,u-s1,pupil,", 1),
			[]string{`enrollments.csv:2:7: ENUM: "pupil" is not a valid role; expected administrator, proctor, student, teacher or ext:<name>`,
				`enrollments.csv:5109:1: DUPLICATE_ID: sourcedId "e-1" already appears on line 2`}},
		{"dangling forward reference", "orgs.csv", "Science,department,D1,sch.2@x", "Science,department,D1,sch.9",
			[]string{`orgs.csv:5:7: DANGLING_REF: parentSourcedId "sch.9" does not match any row of orgs.csv or any stored record`}},
		{"student not enrolled", "results.csv", "res-2,,,li-1,u-s2,", "res-2,,,li-1,u-s3,",
			[]string{`results.csv:3:1: NOT_ENROLLED: result "res-2" is for a student who is not enrolled as a student in class "cl-1" of its line item`}},
		{"user without a role", "roles.csv", "r-7,,,u-g1,primary,parent,,,org/sch-1,\n", "",
			[]string{`users.csv:7:1: MISSING_ROLE: user "u-g1" has no active role; a OneRoster 1.2 user needs at least one row in roles.csv`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := open(t)
			files := DistrictFiles()
			if !strings.Contains(files[tc.file], tc.old) {
				t.Fatalf("fixture %s has no %q", tc.file, tc.old)
			}
			files[tc.file] = strings.Replace(files[tc.file], tc.old, tc.new, 1)
			rep, err := imp(ctx, st, WritePackage(t, files, ""), ImportOptions{Now: t1})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, rep.Problems); diff != "" {
				t.Errorf("problems (-want +got)\n%s", diff)
			}
			if n := len(ids(t, st, oneroster.User, query.Params{Limit: 10})); n != 0 {
				t.Errorf("a rejected first import stored %d users", n)
			}
		})
	}
}
