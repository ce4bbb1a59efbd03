package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// testRoleLists: /students, /teachers and filter=roles.role='…' are read
// from the role lists the import keeps (list_members); after deltas that delete a
// user, end a role and give a user a second role of a kind it already
// holds, they list what the general path (EXISTS over roles, written with
// a second condition so that it is taken) lists, in order, with the same
// totals, on every page.
func testRoleLists(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, RosterFiles(), ""), t1)
	check := func(when string, want map[string][]string) {
		t.Helper()
		for role, ids := range want {
			for _, lim := range []int{1, 2, 100} {
				var bySubset, byFilter, general []string
				for off := 0; off < 10; off += lim {
					p := query.Params{Limit: lim, Offset: off}
					var counted []string
					if tr, ok := st.(Tracer); ok && len(ids) > 0 {
						tr.Trace(func(q string, _ []any) {
							if strings.Contains(q, "COUNT(*) FROM") {
								counted = append(counted, q)
							}
						})
					}
					page, err := st.List(ctx, store.ListRequest{Entity: oneroster.User, Params: p, Within: []store.Subset{{Name: store.UsersWithRole, Arg: role}}})
					if tr, ok := st.(Tracer); ok {
						tr.Trace(nil)
					}
					if err != nil {
						t.Fatal(err)
					}
					if len(counted) > 0 {
						t.Errorf("%s: the %s counted their rows instead of reading the kept count: %s", when, role, counted[0])
					}
					if page.Total != len(ids) {
						t.Errorf("%s: %s total %d, want %d", when, role, page.Total, len(ids))
					}
					for _, r := range page.Records {
						bySubset = append(bySubset, r.Vals[0])
					}
					for filter, out := range map[string]*[]string{
						"roles.role='" + role + "'":                    &byFilter,
						"roles.role='" + role + "' AND sourcedId!='-'": &general,
					} {
						x, err := query.ParseFilter(filter)
						if err != nil {
							t.Fatal(err)
						}
						p.Filter = x
						page, err := st.List(ctx, store.ListRequest{Entity: oneroster.User, Params: p})
						if err != nil {
							t.Fatal(err)
						}
						if page.Total != len(ids) {
							t.Errorf("%s: %s total %d, want %d", when, filter, page.Total, len(ids))
						}
						for _, r := range page.Records {
							*out = append(*out, r.Vals[0])
						}
					}
				}
				for name, got := range map[string][]string{"subset": bySubset, "filter": byFilter, "general": general} {
					if diff := cmp.Diff(ids, got); diff != "" {
						t.Errorf("%s: %s by %s, pages of %d (-want +got)\n%s", when, role, name, lim, diff)
					}
				}
			}
		}
	}
	check("after the bulk", map[string][]string{"student": {"u-s1", "u-s2", "u-s3"}, "teacher": {"u-t1", "u-t2"}, "parent": {"u-g1"}, "aide": nil})
	delta := map[string]string{
		"users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n" +
			"u-s2,tobedeleted,2026-01-11T00:00:00Z,true,lisa,{SIS:1002},Lisa,Simpson,,1002,,,,u-g1,03,,,Lis,,,org/sch-1,she/her\n",
		"roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n" +
			"r-4,tobedeleted,2026-01-11T00:00:00Z,u-t1,primary,teacher,2025-08-01,,org/sch-1,\n" +
			"r-8,active,2026-01-11T00:00:00Z,u-s3,secondary,student,,,org/sch-1,\n" +
			"r-9,active,2026-01-11T00:00:00Z,u-t1,secondary,aide,,,org/sch-1,\n",
	}
	MustImport(t, imp, st, WritePackage(t, delta, "delta"), t1.Add(24*time.Hour))
	// The deleted student is still listed (with its status), as in any
	// rostering collection: its role is active.
	check("after the delta", map[string][]string{"student": {"u-s1", "u-s2", "u-s3"}, "teacher": {"u-t2"}, "parent": {"u-g1"}, "aide": {"u-t1"}})
}
