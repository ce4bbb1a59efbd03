package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// testMemberLists: a school's students and teachers and a term's classes
// are read from lists the import keeps (sqlstore's list_members); after
// a delta that deletes a user, ends a role at a school, adds one, ends an
// enrollment and moves a class to another term, each lists what the
// general path lists (the same subset with a second condition, so that it
// is taken), in order, with the same totals, on every page, and counts
// nothing.
func testMemberLists(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	// Forty parents and classes more (users.csv has 22 columns): the delta
	// below then names few of the users and classes, and the lists it
	// changes are refilled member by member; the bulk fills them whole.
	files := RosterFiles()
	var fillers []string
	for i := range 40 {
		files["users.csv"] += fmt.Sprintf("u-x%02d,,,true,x%02d,,X,Filler", i, i) + strings.Repeat(",", 14) + "\n"
		files["roles.csv"] += fmt.Sprintf("r-x%02d,,,u-x%02d,primary,parent,,,org/sch-1,\n", i, i)
		files["classes.csv"] += fmt.Sprintf("cl-x%02d,,,Filler,03,c-math,,scheduled,,org/sch-1,gp-1,,,\n", i)
		fillers = append(fillers, fmt.Sprintf("cl-x%02d", i))
	}
	MustImport(t, imp, st, WritePackage(t, files, ""), t1)
	type list struct {
		e      *oneroster.Entity
		subset store.Subset
	}
	lists := []list{
		{oneroster.User, store.Subset{Name: store.StudentsOfSchool, Arg: "org/sch-1"}},
		{oneroster.User, store.Subset{Name: store.StudentsOfSchool, Arg: "sch.2@x"}},
		{oneroster.User, store.Subset{Name: store.TeachersOfSchool, Arg: "org/sch-1"}},
		{oneroster.User, store.Subset{Name: store.TeachersOfSchool, Arg: "sch.2@x"}},
		{oneroster.User, store.Subset{Name: store.StudentsOfSchool, Arg: "no-such-school"}},
		{oneroster.Class, store.Subset{Name: store.ClassesOfTerm, Arg: "t-1"}},
		{oneroster.Class, store.Subset{Name: store.ClassesOfTerm, Arg: "t-2"}},
		{oneroster.Class, store.Subset{Name: store.ClassesOfTerm, Arg: "gp-1"}},
	}
	general, err := query.ParseFilter("sourcedId!='-'")
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, want map[string][]string) {
		t.Helper()
		for _, l := range lists {
			name := string(l.subset.Name) + " " + l.subset.Arg
			for _, lim := range []int{1, 2, 100} {
				var kept, walked []string
				for off := 0; off < len(want[name])+lim; off += lim {
					p := query.Params{Limit: lim, Offset: off}
					var counted []string
					if tr, ok := st.(Tracer); ok {
						tr.Trace(func(q string, _ []any) {
							if strings.Contains(q, "COUNT(*) FROM") {
								counted = append(counted, q)
							}
						})
					}
					page, err := st.List(ctx, store.ListRequest{Entity: l.e, Params: p, Within: []store.Subset{l.subset}})
					if tr, ok := st.(Tracer); ok {
						tr.Trace(nil)
					}
					if err != nil {
						t.Fatal(err)
					}
					// A list the import never filled (an unknown school)
					// has no kept count: counting its empty range is
					// allowed.
					if len(counted) > 0 && len(want[name]) > 0 {
						t.Errorf("%s: %s counted its rows instead of reading the kept count: %s", when, name, counted[0])
					}
					p.Filter = general
					all, err := st.List(ctx, store.ListRequest{Entity: l.e, Params: p, Within: []store.Subset{l.subset}})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != all.Total || page.Total != len(want[name]) {
						t.Errorf("%s: %s total %d, general path %d, want %d", when, name, page.Total, all.Total, len(want[name]))
					}
					for _, r := range page.Records {
						kept = append(kept, r.Vals[0])
					}
					for _, r := range all.Records {
						walked = append(walked, r.Vals[0])
					}
				}
				if diff := cmp.Diff(want[name], kept); diff != "" {
					t.Errorf("%s: %s, pages of %d (-want +got)\n%s", when, name, lim, diff)
				}
				if diff := cmp.Diff(walked, kept); diff != "" {
					t.Errorf("%s: %s against the general path, pages of %d (-general +kept)\n%s", when, name, lim, diff)
				}
			}
		}
	}
	check("after the bulk", map[string][]string{
		"studentsOfSchool org/sch-1": {"u-s1", "u-s2"},
		"studentsOfSchool sch.2@x":   {"u-s3"},
		"teachersOfSchool org/sch-1": {"u-t1", "u-t2"},
		"teachersOfSchool sch.2@x":   {"u-t2"},
		"classesOfTerm t-1":          {"cl-1", "cl-2"},
		"classesOfTerm t-2":          {"cl-2", "cl-3"},
		"classesOfTerm gp-1":         fillers,
	})
	delta := map[string]string{
		"users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n" +
			"u-s2,tobedeleted,2026-01-11T00:00:00Z,true,lisa,{SIS:1002},Lisa,Simpson,,1002,,,,u-g1,03,,,Lis,,,org/sch-1,she/her\n",
		"roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n" +
			"r-4,tobedeleted,2026-01-11T00:00:00Z,u-t1,primary,teacher,2025-08-01,,org/sch-1,\n" +
			"r-8,active,2026-01-11T00:00:00Z,u-s3,secondary,student,,,org/sch-1,\n",
		"enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n" +
			"e-3,tobedeleted,2026-01-11T00:00:00Z,cl-1,org/sch-1,u-t1,teacher,true,,\n",
		"classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n" +
			"cl-1,active,2026-01-11T00:00:00Z,Math 3 - A,03,c-math,M3A,scheduled,Room 1,org/sch-1,t-2,Math,MA,1\n",
	}
	MustImport(t, imp, st, WritePackage(t, delta, "delta"), t1.Add(24*time.Hour))
	check("after the delta", map[string][]string{
		// A deleted user is listed (rostering keeps no tombstones): its
		// enrollment is still active.
		"studentsOfSchool org/sch-1": {"u-s1", "u-s2", "u-s3"},
		"studentsOfSchool sch.2@x":   {"u-s3"},
		"teachersOfSchool org/sch-1": {"u-t2"},
		"teachersOfSchool sch.2@x":   {"u-t2"},
		"classesOfTerm t-1":          {"cl-2"},
		"classesOfTerm t-2":          {"cl-1", "cl-2", "cl-3"},
		"classesOfTerm gp-1":         fillers,
	})
}
