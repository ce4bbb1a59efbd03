package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// planNode is a node of EXPLAIN (ANALYZE, FORMAT JSON).
type planNode struct {
	Relation     string     `json:"Relation Name"`
	Rows         float64    `json:"Actual Rows"`
	Loops        float64    `json:"Actual Loops"`
	Filtered     float64    `json:"Rows Removed by Filter"`
	Rechecked    float64    `json:"Rows Removed by Index Recheck"`
	JoinFiltered float64    `json:"Rows Removed by Join Filter"`
	Plans        []planNode `json:"Plans"`
}

// rowsRead is what the scans of a plan read: the rows each returned and
// each dropped, every time it ran.
func (n planNode) rowsRead() float64 {
	var sum float64
	if n.Relation != "" {
		sum = (n.Rows + n.Filtered + n.Rechecked) * n.Loops
	}
	for _, c := range n.Plans {
		sum += c.rowsRead()
	}
	return sum
}

// TestMemberPagePlans: a page of 5 of a member list (a role's users, a
// school's students and teachers, a term's classes) reads rows in
// proportion to the page, counted by PostgreSQL as it ran the statement
// (EXPLAIN ANALYZE), not to the rows sorted before it. The plan before
// the member lists, a merge join of users and roles, read every guardian
// before the first student (over 300 rows for a page of 5); a school's
// students were a scan of every user (an OR of two IN subqueries).
func TestMemberPagePlans(t *testing.T) {
	t.Parallel()
	st, schema := pgtest.OpenSchema(t)
	stmts := storetest.MemberPageStatements(t, st, importtest.Import)
	db, err := sql.Open("pgx", pgtest.SchemaURL(t, pgtest.URL(t), schema))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A district of 300 students fits in a few pages, where a sequential
	// scan is the cheapest plan of anything; at a district's size it is
	// not. Priced out here, the planner shows the plan it has for a large
	// table: the old one still walked users_pkey from its first entry.
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	// 5 keys, 5 rows, their roles and the rest of the page's arrays, with
	// room; and the keys a page skips to its offset (an index's entries).
	const bound = 60
	for _, s := range stmts {
		var out string
		if err := conn.QueryRowContext(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+s.Query, s.Args...).Scan(&out); err != nil {
			t.Fatalf("%s: %v\n%s", s.List, err, s.Query)
		}
		var plans []struct{ Plan planNode }
		if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
			t.Fatalf("%s: %v", s.List, err)
		}
		if n := plans[0].Plan.rowsRead(); n > float64(bound+s.Offset) {
			t.Errorf("%s: a statement read %.0f rows (at most %d for a page of 5 at offset %d):\n%s", s.List, n, bound+s.Offset, s.Offset, s.Query)
		}
	}
	if len(stmts) == 0 {
		t.Fatal("no statement traced")
	}
}
