package sqlstore

import (
	"context"
	"fmt"

	"github.com/oneroster/oneroster/internal/store"
)

// check is a rule of the CSV binding (csv-binding.md §10.11) that needs
// more than one row: q selects (line, sourcedId, detail) of the offending
// rows of the file just read, from its seen table (alias s) joined to its
// table (alias x).
type check struct {
	code, q string
	message func(id, detail string) string
}

// cycleCheck follows every parent chain that starts at a row of the file
// (orgs, academicSessions); a chain that comes back to its start is a
// cycle. Depth is bounded, so even a pathological chain ends.
func cycleCheck(table string) check {
	tb, seen := SQLTable(table), "seen_"+SQLTable(table)
	return check{"CYCLE", `WITH RECURSIVE chain(start, cur, depth) AS (
			SELECT x.sourced_id, x.parent_sourced_id, 1 FROM ` + tb + ` x JOIN ` + seen + ` s ON s.id = x.sourced_id
			WHERE x.parent_sourced_id <> ''
			UNION ALL
			SELECT c.start, p.parent_sourced_id, c.depth + 1 FROM chain c JOIN ` + tb + ` p ON p.sourced_id = c.cur
			WHERE c.cur <> c.start AND p.parent_sourced_id <> '' AND c.depth < 64)
		SELECT s.line, s.id, '' FROM ` + seen + ` s WHERE s.id IN (SELECT start FROM chain WHERE cur = start)`,
		func(id, _ string) string { return fmt.Sprintf("the parents of %q lead back to it", id) }}
}

var checks = map[string][]check{
	"orgs":             {cycleCheck("orgs")},
	"academicSessions": {cycleCheck("academicSessions")},
	"roles": {
		{"PRIMARY_ROLE", `SELECT s.line, s.id, x.org_sourced_id FROM seen_roles s JOIN roles x ON x.sourced_id = s.id
			WHERE x.status = 'active' AND x.role_type = 'primary' AND EXISTS (SELECT 1 FROM roles y
			WHERE y.user_sourced_id = x.user_sourced_id AND y.org_sourced_id = x.org_sourced_id AND y.role_type = 'primary'
			AND y.status = 'active' AND y.sourced_id < x.sourced_id)`,
			func(id, org string) string {
				return fmt.Sprintf("role %q is a second primary role of its user at org %q; a user has one primary role per org", id, org)
			}},
		{"PROFILE_OWNER", `SELECT s.line, s.id, x.user_profile_sourced_id FROM seen_roles s JOIN roles x ON x.sourced_id = s.id
			WHERE x.user_profile_sourced_id <> '' AND NOT EXISTS (SELECT 1 FROM user_profiles p
			WHERE p.sourced_id = x.user_profile_sourced_id AND p.user_sourced_id = x.user_sourced_id)`,
			func(id, p string) string {
				return fmt.Sprintf("role %q names user profile %q, which belongs to another user", id, p)
			}},
	},
	"lineItems": {
		{"RANGE", `SELECT s.line, s.id, '' FROM seen_line_items s JOIN line_items x ON x.sourced_id = s.id
			WHERE x.result_value_min > x.result_value_max`,
			func(id, _ string) string {
				return fmt.Sprintf("line item %q has resultValueMin greater than resultValueMax", id)
			}},
	},
	"results": {
		{"CLASS_MISMATCH", `SELECT s.line, s.id, li.class_sourced_id FROM seen_results s JOIN results x ON x.sourced_id = s.id
			JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
			WHERE x.class_sourced_id <> '' AND x.class_sourced_id <> li.class_sourced_id`,
			func(id, class string) string {
				return fmt.Sprintf("result %q names a class other than its line item's (%q)", id, class)
			}},
		{"NOT_ENROLLED", `SELECT s.line, s.id, li.class_sourced_id FROM seen_results s JOIN results x ON x.sourced_id = s.id
			JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
			WHERE x.status = 'active' AND NOT EXISTS (SELECT 1 FROM enrollments e
			WHERE e.user_sourced_id = x.student_sourced_id AND e.class_sourced_id = li.class_sourced_id)`,
			func(id, class string) string {
				return fmt.Sprintf("result %q is for a student who is not enrolled in class %q of its line item", id, class)
			}},
	},
}

// pairNotIn replaces the query of a check on engines with Dialect.PairNotIn.
var pairNotIn = map[string]string{
	// Both columns are NOT NULL, so NOT IN means NOT EXISTS here.
	"NOT_ENROLLED": `SELECT s.line, s.id, li.class_sourced_id FROM seen_results s JOIN results x ON x.sourced_id = s.id
		JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
		WHERE x.status = 'active' AND (x.student_sourced_id, li.class_sourced_id) NOT IN
		(SELECT e.user_sourced_id, e.class_sourced_id FROM enrollments e)`,
}

// usersChecks run at the end of the import, when the roles are known.
var usersChecks = []check{{"PRIMARY_ORG", `SELECT s.line, s.id, x.primary_org_sourced_id FROM seen_users s JOIN users x ON x.sourced_id = s.id
	WHERE x.status = 'active' AND x.primary_org_sourced_id <> '' AND NOT EXISTS (SELECT 1 FROM roles r
	WHERE r.user_sourced_id = x.sourced_id AND r.org_sourced_id = x.primary_org_sourced_id AND r.status = 'active')
	AND EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = x.sourced_id AND r.status = 'active')`,
	func(id, org string) string {
		return fmt.Sprintf("user %q has primary org %q but no role there", id, org)
	}}, {"MISSING_ROLE", `SELECT s.line, s.id, '' FROM seen_users s JOIN users x ON x.sourced_id = s.id
	WHERE x.status = 'active' AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = x.sourced_id AND r.status = 'active')`,
	func(id, _ string) string {
		return fmt.Sprintf("user %q has no active role; a OneRoster 1.2 user needs at least one row in roles.csv", id)
	}},
}

func (t *importTx) Findings(ctx context.Context, table string, limit int) ([]store.Finding, error) {
	list, seen := checks[table], table
	if table == store.AfterAllFiles {
		list, seen = usersChecks, "users"
	}
	if len(list) == 0 || !t.temps["seen_"+SQLTable(seen)] {
		return nil, nil
	}
	if t.db.d.Analyze != "" {
		// The status column only: its selectivity is what the plans got
		// wrong, and sampling every column of a large table costs ten
		// times more.
		for _, name := range []string{SQLTable(seen) + " (status)", "seen_" + SQLTable(seen)} {
			if _, err := t.tx.ExecContext(ctx, t.db.d.Analyze+name); err != nil {
				return nil, fmt.Errorf("analyze %s: %w", name, err)
			}
		}
	}
	var out []store.Finding
	for _, c := range list {
		q := c.q
		if alt, ok := pairNotIn[c.code]; ok && t.db.d.PairNotIn {
			q = alt
		}
		rows, err := t.tx.QueryContext(ctx, t.db.rebind(q+` ORDER BY s.line LIMIT ?`), limit)
		if err != nil {
			return nil, fmt.Errorf("check %s %s: %w", table, c.code, err)
		}
		for rows.Next() {
			var f store.Finding
			var detail string
			if err := rows.Scan(&f.Line, &f.ID, &detail); err != nil {
				rows.Close()
				return nil, err
			}
			f.Code, f.Message = c.code, c.message(f.ID, detail)
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
