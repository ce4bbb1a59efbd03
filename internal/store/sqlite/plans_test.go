package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestMemberPagePlans: a page of a member list (a role's users, a
// school's students and teachers, a term's classes) reads the page, not
// the rows before it: SQLite's plan of every statement of the page
// searches an index (list_members' key, a sourcedId, a page's ids), and
// none scans a table whole. Reading users in sourcedId order and probing
// each one's roles, the plan before the member lists, scanned users from
// the first one (every guardian before the first student).
func TestMemberPagePlans(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plans.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stmts := storetest.MemberPageStatements(t, st, importtest.Import)
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		rows, err := raw.Query("EXPLAIN QUERY PLAN "+s.Query, s.Args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.List, err, s.Query)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			// SCAN of a materialized page of keys (k) is a scan of the
			// page itself.
			if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN k") {
				t.Errorf("%s: a statement scans a table:\n%s\nplan: %s", s.List, s.Query, fmt.Sprint(plan))
			}
		}
	}
	if len(stmts) == 0 {
		t.Fatal("no statement traced")
	}
}

// TestCacheResultsOff: with the cache of totals and page ids off (serve
// --cache-mb 0), every list runs its count and its page again; on, the
// second of two identical lists runs none.
func TestCacheResultsOff(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	for _, on := range []bool{true, false} {
		st.CacheResults(on)
		var n int
		st.Trace(func(string, []any) { n++ })
		for range 2 {
			page, err := st.List(context.Background(), store.ListRequest{Entity: oneroster.User, Params: query.Params{Limit: 2}, IDsOnly: true})
			if err != nil || page.Total != 6 {
				t.Fatalf("cache %v: %d users, %v", on, page.Total, err)
			}
		}
		st.Trace(nil)
		if want := map[bool]int{true: 2, false: 4}[on]; n != want {
			t.Errorf("cache %v: two identical lists ran %d statements, want %d (a count and a page each time the cache misses)", on, n, want)
		}
	}
}
