package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// ref builds the Ref of property prop of the object at path.
func ref(path, prop string, e *oneroster.Entity, col, id string) store.Ref {
	return store.Ref{Path: path + "." + prop, Entity: e, Col: col, ID: id}
}

// lineItem is a line item of cl-1 as a REST body gives it.
func lineItem(id string, set map[string]string) store.Object {
	v := map[string]string{"sourcedId": id, "title": "Quiz", "assignDate": "2025-09-01", "dueDate": "2025-09-02",
		"classSourcedId": "cl-1", "schoolSourcedId": "org/sch-1", "categorySourcedId": "cat-hw", "academicSessionSourcedId": "gp-1"}
	for k, x := range set {
		v[k] = x
	}
	o := store.Object{Path: "lineItem", Vals: v}
	for _, r := range []struct {
		prop, col string
		e         *oneroster.Entity
	}{{"class", "classSourcedId", oneroster.Class}, {"school", "schoolSourcedId", oneroster.Org},
		{"category", "categorySourcedId", oneroster.Category}, {"academicSession", "academicSessionSourcedId", oneroster.AcademicSession}} {
		if v[r.col] != "" {
			o.Refs = append(o.Refs, ref("lineItem", r.prop, r.e, r.col, v[r.col]))
		}
	}
	return o
}

// testWriteRules: a REST write breaking a rule of the CSV binding is
// refused with a 422 naming the property, and changes nothing; what the
// JSON may leave out is derived.
func testWriteRules(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	files := DistrictFiles()
	// A score scale at the district: its org is not its class's school.
	files["scoreScales.csv"] = strings.Replace(files["scoreScales.csv"], "letter,org/sch-1,", "letter,dist-1,", 1)
	MustImport(t, imp, st, WritePackage(t, files, ""), t1)
	now := march(1)
	result := func(id, student, class string) store.Object {
		o := store.Object{Path: "result", Vals: map[string]string{"sourcedId": id, "lineItemSourcedId": "li-1", "studentSourcedId": student,
			"classSourcedId": class, "scoreStatus": "fully graded", "scoreDate": "2025-09-08"}}
		o.Refs = []store.Ref{ref("result", "lineItem", oneroster.LineItem, "lineItemSourcedId", "li-1"),
			ref("result", "student", oneroster.User, "studentSourcedId", student)}
		return o
	}
	refused := []struct {
		name string
		e    *oneroster.Entity
		obj  store.Object
		want string
	}{
		{"dangling class", oneroster.LineItem, lineItem("li-new", map[string]string{"classSourcedId": "cl-9"}), "lineItem.class: no class with sourcedId cl-9"},
		{"school of another type", oneroster.LineItem, lineItem("li-new", map[string]string{"schoolSourcedId": "dist-1"}), "lineItem.school: org dist-1 is of type district, not school"},
		{"school not the class's", oneroster.LineItem, lineItem("li-new", map[string]string{"schoolSourcedId": "sch.2@x"}), `lineItem.school: line item "li-new" names a school other than its class's ("org/sch-1")`},
		{"session a school year", oneroster.LineItem, lineItem("li-new", map[string]string{"academicSessionSourcedId": "sy-2026"}), "lineItem.academicSession: academicSession sy-2026 is a schoolYear"},
		{"no session, class of two terms", oneroster.LineItem, lineItem("li-new", map[string]string{"classSourcedId": "cl-2", "schoolSourcedId": "sch.2@x", "academicSessionSourcedId": ""}),
			"lineItem.academicSession: required here: class cl-2 has 2 terms (t-1,t-2)"},
		{"result's class not its line item's", oneroster.Result, result("res-new", "u-s1", "cl-3"), `result.class: result "res-new" names a class other than its line item's ("cl-1")`},
		{"result for a teacher", oneroster.Result, result("res-new", "u-t1", ""), `result.student: result "res-new" is for a student who is not enrolled as a student in class "cl-1"`},
		{"result for another class's student", oneroster.Result, result("res-new", "u-s3", ""), `result.student: result "res-new" is for a student who is not enrolled as a student`},
	}
	for _, tt := range refused {
		_, err := st.Put(ctx, tt.e, []store.Object{tt.obj}, now)
		var oe *oneroster.Error
		if !errors.As(err, &oe) || oe.Status != 422 || !strings.Contains(oe.Message, tt.want) {
			t.Errorf("%s: Put = %v; want 422 with %q", tt.name, err, tt.want)
		}
		if _, err := st.Status(ctx, tt.e, tt.obj.Vals["sourcedId"]); !errors.Is(err, oneroster.ErrNotFound) {
			t.Errorf("%s: the refused object was stored (%v)", tt.name, err)
		}
	}

	// A line item without a session takes its class's one term.
	if _, err := st.Put(ctx, oneroster.LineItem, []store.Object{lineItem("li-new", map[string]string{"academicSessionSourcedId": ""})}, now); err != nil {
		t.Fatal(err)
	}
	if got := col(t, st, oneroster.LineItem, "li-new", "academicSessionSourcedId"); got != "t-1" {
		t.Errorf("derived academic session = %q, want t-1 (the term of cl-1)", got)
	}

	// A score scale keeps the org it was imported with while its class
	// stays, takes the class's school otherwise, and the class's course
	// when it has none.
	scale := func(class, course string) store.Object {
		return store.Object{Path: "scoreScale", Vals: map[string]string{"sourcedId": "ss-1", "title": "Letters", "type": "letter",
			"classSourcedId": class, "courseSourcedId": course, "scoreScaleValue": "{A:90}"}}
	}
	if _, err := st.Put(ctx, oneroster.ScoreScale, []store.Object{scale("cl-1", "")}, now); err != nil {
		t.Fatal(err)
	}
	if org, course := col(t, st, oneroster.ScoreScale, "ss-1", "orgSourcedId"), col(t, st, oneroster.ScoreScale, "ss-1", "courseSourcedId"); org != "dist-1" || course != "c-math" {
		t.Errorf("replaced score scale: org %q, course %q; want the stored dist-1 and cl-1's c-math", org, course)
	}
	if _, err := st.Put(ctx, oneroster.ScoreScale, []store.Object{scale("cl-2", "c-bio")}, now); err != nil {
		t.Fatal(err)
	}
	if org := col(t, st, oneroster.ScoreScale, "ss-1", "orgSourcedId"); org != "sch.2@x" {
		t.Errorf("score scale moved to cl-2: org %q, want its school sch.2@x", org)
	}

	// An assessment line item is not its own ancestor.
	ali := func(id, parent string) store.Object {
		return store.Object{Path: "assessmentLineItem", Vals: map[string]string{"sourcedId": id, "title": id, "parentAssessmentLineItemSourcedId": parent}}
	}
	for _, o := range []store.Object{ali("a-1", ""), ali("a-2", "a-1"), ali("a-3", "a-2")} {
		if _, err := st.Put(ctx, oneroster.AssessmentLineItem, []store.Object{o}, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []store.Object{ali("a-1", "a-3"), ali("a-1", "a-1")} {
		_, err := st.Put(ctx, oneroster.AssessmentLineItem, []store.Object{o}, now)
		if err == nil || !strings.Contains(err.Error(), `assessmentLineItem.parentAssessmentLineItem: the parents of "a-1" lead back to it`) {
			t.Errorf("cycle through %s: %v", o.Vals["parentAssessmentLineItemSourcedId"], err)
		}
	}
	if got := col(t, st, oneroster.AssessmentLineItem, "a-1", "parentAssessmentLineItemSourcedId"); got != "" {
		t.Errorf("a refused write changed a-1's parent to %q", got)
	}
}

// testDeleteCascades: deleting an object tombstones what hangs off it;
// deleting one that others use is refused.
func testDeleteCascades(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, DistrictFiles(), ""), t1)
	now := march(1)
	err := st.Delete(ctx, oneroster.ScoreScale, "ss-1", now)
	if err == nil || !strings.Contains(err.Error(), "scoreScale ss-1 is still used by lineItem li-2 (scoreScale), result res-3 (scoreScale)") {
		t.Errorf("deleting a score scale in use: %v", err)
	}
	if s, _ := st.Status(ctx, oneroster.ScoreScale, "ss-1"); s != "active" {
		t.Errorf("the refused delete left ss-1 %q", s)
	}
	if err := st.Delete(ctx, oneroster.LineItem, "li-2", now); err != nil {
		t.Fatal(err)
	}
	for table, ids := range map[string][]string{"results": {"res-3"}, "lineItemScoreScales": {"liss-1"},
		"lineItemLearningObjectiveIds": {"lilo-1", "lilo-2"}, "resultScoreScales": {"rss-1"}, "resultLearningObjectiveIds": {"rlo-1"}} {
		for _, id := range ids {
			if got := rowStatus(t, st, table, id); got != "tobedeleted" {
				t.Errorf("%s %s after deleting li-2: %q, want tobedeleted", table, id, got)
			}
		}
	}
	if got := rowStatus(t, st, "results", "res-1"); got != "active" {
		t.Errorf("res-1 (another line item's) is %q", got)
	}
	// No one uses ss-1 any more.
	if err := st.Delete(ctx, oneroster.ScoreScale, "ss-1", now); err != nil {
		t.Errorf("deleting the unused score scale: %v", err)
	}

	// An assessment line item takes its results and its children along.
	for _, o := range []struct {
		e *oneroster.Entity
		v map[string]string
	}{
		{oneroster.AssessmentLineItem, map[string]string{"sourcedId": "a-1", "title": "Test"}},
		{oneroster.AssessmentLineItem, map[string]string{"sourcedId": "a-2", "title": "Part 1", "parentAssessmentLineItemSourcedId": "a-1"}},
		{oneroster.AssessmentResult, map[string]string{"sourcedId": "ar-1", "assessmentLineItemSourcedId": "a-2", "studentSourcedId": "u-s1",
			"scoreDate": "2025-09-08", "scoreStatus": "fully graded"}},
	} {
		if _, err := st.Put(ctx, o.e, []store.Object{{Path: o.e.Name, Vals: o.v}}, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Delete(ctx, oneroster.AssessmentLineItem, "a-1", now); err != nil {
		t.Fatal(err)
	}
	deleted := filter(t, "status='tobedeleted'")
	if a, r := ids(t, st, oneroster.AssessmentLineItem, deleted), ids(t, st, oneroster.AssessmentResult, deleted); !slices.Equal(a, []string{"a-1", "a-2"}) || !slices.Equal(r, []string{"ar-1"}) {
		t.Errorf("after deleting a-1: tombstones %v and %v; want a-1, its child a-2 and a-2's result ar-1", a, r)
	}
}

func col(t *testing.T, st store.Store, e *oneroster.Entity, id, name string) string {
	t.Helper()
	rec, err := st.Get(context.Background(), e, id)
	if err != nil {
		t.Fatalf("Get %s %s: %v", e.Name, id, err)
	}
	for i, c := range st.Columns(e) {
		if c == name {
			return rec.Vals[i]
		}
	}
	t.Fatalf("%s has no column %s", e.Name, name)
	return ""
}

// rowStatus is the status of a row of table (CSV base name), tombstones
// included: what a delta export would say of it.
func rowStatus(t *testing.T, st store.Store, table, id string) string {
	t.Helper()
	status := "missing"
	err := st.ExportRows(context.Background(), table, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), func(vals []string) error {
		if vals[0] == id {
			status = vals[1]
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ExportRows %s: %v", table, err)
	}
	return status
}

// testRevival: a bulk file that lists again a record a delta deleted (a
// guardian removed, back in the next bulk) is accepted, even when earlier
// rows of the file refer to it; an active row that refers to a record
// the file itself deletes is still refused.
func testRevival(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	MustImport(t, imp, st, WritePackage(t, RosterFiles(), ""), t1)
	gone := map[string]string{"users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n" +
		"u-g1,tobedeleted,2026-01-11T00:00:00Z,true,marge,,Marge,Bouvier Simpson,,G1,,,,,,,,,,,org/sch-1,\n"}
	MustImport(t, imp, st, WritePackage(t, gone, "delta"), t1.Add(24*time.Hour))
	if s, _ := st.Status(context.Background(), oneroster.User, "u-g1"); s != "tobedeleted" {
		t.Fatalf("after the delta, u-g1 is %q", s)
	}
	// The first bulk again: u-s1 (line 2) names u-g1 (line 7) as agent.
	MustImport(t, imp, st, WritePackage(t, RosterFiles(), ""), t1.Add(48*time.Hour))
	if s, _ := st.Status(context.Background(), oneroster.User, "u-g1"); s != "active" {
		t.Errorf("after the bulk, u-g1 is %q, want active", s)
	}

	// A delta whose active row names a user that a later row deletes.
	files := map[string]string{"users.csv": gone["users.csv"][:strings.IndexByte(gone["users.csv"], '\n')+1] +
		"u-s3,active,2026-01-13T00:00:00Z,false,nelson,,Nelson,Muntz,,1003,,,,u-t2,\"09,10\",,,,,,sch.2@x,\n" +
		"u-t2,tobedeleted,2026-01-13T00:00:00Z,true,dewey,,Dewey,Largo,,T2,,,,,,,,,,,sch.2@x,\n"}
	rep, err := imp(context.Background(), st, WritePackage(t, files, "delta"), ImportOptions{Now: t1.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Problems
	want := []string{`users.csv:2:14: DANGLING_REF: agentSourcedIds "u-t2" refers to a record of users.csv that is tobedeleted`}
	if rep.OK || !slices.Equal(got, want) {
		t.Errorf("delta naming a user it deletes: ok=%v, problems %q; want %q", rep.OK, got, want)
	}
}

// testControlChar: a NUL byte in a cell is a problem at its place on
// every engine (PostgreSQL once failed the import with its own error and
// no place), and nothing is stored.
func testControlChar(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	files := RosterFiles()
	files["orgs.csv"] = strings.Replace(files["orgs.csv"], "Springfield Elementary", "Springfield\x00Elementary", 1)
	rep, err := imp(context.Background(), st, WritePackage(t, files, ""), ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	want := "orgs.csv:3:4: CONTROL_CHAR: name holds the control character 0x00 at byte 12 of the cell; remove it (a tab is allowed)"
	if rep.OK || len(rep.Problems) == 0 || rep.Problems[0] != want {
		t.Errorf("NUL in a cell: ok=%v %v; want first %s", rep.OK, rep.Problems, want)
	}
	if _, err := st.Status(context.Background(), oneroster.Org, "dist-1"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a refused import stored dist-1 (%v)", err)
	}
}

// testCancelledImport: an import whose context ends midway fails with
// the context's cause, whatever statement it interrupted; the store is as
// it was, and the history says cancelled.
func testCancelledImport(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := imp(ctx, st, WritePackage(t, DistrictFiles(), ""), ImportOptions{
		Progress: func(file string, rows int) {
			if file == "users.csv" {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import = %v; want an error that wraps context.Canceled", err)
	}
	if _, err := st.Status(context.Background(), oneroster.Org, "dist-1"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("a cancelled import left dist-1 (%v)", err)
	}
	list, err := st.Imports(context.Background(), 5)
	if err != nil || len(list) != 1 || list[0].Outcome != "cancelled" {
		t.Errorf("history after a cancelled import: %+v %v", list, err)
	}
	if got, err := st.Import(context.Background(), list[0].ID); err != nil || got.Outcome != "cancelled" {
		t.Errorf("Import(%d) = %+v, %v", list[0].ID, got, err)
	}
	if _, err := st.Import(context.Background(), list[0].ID+100); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Import of no id: %v", err)
	}
}
