package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestRolePagePlans: a page of a role-restricted list reads the page, not
// the users before it: SQLite's plan of every statement of the page
// searches an index (users_by_role's key, a user's sourcedId, a page's
// ids), and none scans a table whole. Reading users in sourcedId order
// and probing each one's roles, the plan before users_by_role, scanned
// users from the first one (every guardian before the first student).
func TestRolePagePlans(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plans.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stmts := storetest.RolePageStatements(t, st, importtest.Import)
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
