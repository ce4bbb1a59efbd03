package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/oneroster/oneroster/internal/store"
)

// check is a rule of the CSV binding (csv-binding.md §10.11) that needs
// more than one row: q selects (line, sourcedId, detail) of the offending
// rows of the file just read. In q, {rows} stands for those rows (the
// table, alias x, joined to the file's seen table, alias s) and {line} for
// their line; after a first load the table holds only the file's rows,
// and has no seen table: {rows} is the table alone and {line} 0.
type check struct {
	code, q string
	message func(id, detail string) string
	// prop is the JSON property a REST write that breaks the rule is
	// told about (the same checks guard REST writes, see rules.go).
	prop string
}

// cycleCheck follows every parent chain that starts at a row of the file
// (orgs, academicSessions); a chain that comes back to its start is a
// cycle. Depth is bounded, so even a pathological chain ends.
func cycleCheck(table, col, prop string) check {
	tb, pc := SQLTable(table), SQLCol(col)
	return check{"CYCLE", `WITH RECURSIVE chain(start, cur, depth) AS (
			SELECT x.sourced_id, x.` + pc + `, 1 FROM {rows}
			WHERE x.` + pc + ` <> ''
			UNION ALL
			SELECT c.start, p.` + pc + `, c.depth + 1 FROM chain c JOIN ` + tb + ` p ON p.sourced_id = c.cur
			WHERE c.cur <> c.start AND p.` + pc + ` <> '' AND c.depth < 64)
		SELECT {line}, x.sourced_id, '' FROM {rows} WHERE x.sourced_id IN (SELECT start FROM chain WHERE cur = start)`,
		func(id, _ string) string { return fmt.Sprintf("the parents of %q lead back to it", id) }, prop}
}

var checks = map[string][]check{
	"orgs":                {cycleCheck("orgs", "parentSourcedId", "parent")},
	"academicSessions":    {cycleCheck("academicSessions", "parentSourcedId", "parent")},
	"assessmentLineItems": {cycleCheck("assessmentLineItems", "parentAssessmentLineItemSourcedId", "parentAssessmentLineItem")},
	"roles": {
		{"PRIMARY_ROLE", `SELECT {line}, x.sourced_id, x.org_sourced_id FROM {rows}
			WHERE x.status = 'active' AND x.role_type = 'primary' AND EXISTS (SELECT 1 FROM roles y
			WHERE y.user_sourced_id = x.user_sourced_id AND y.org_sourced_id = x.org_sourced_id AND y.role_type = 'primary'
			AND y.status = 'active' AND y.sourced_id < x.sourced_id)`,
			func(id, org string) string {
				return fmt.Sprintf("role %q is a second primary role of its user at org %q; a user has one primary role per org", id, org)
			}, ""},
		{"PROFILE_OWNER", `SELECT {line}, x.sourced_id, x.user_profile_sourced_id FROM {rows}
			WHERE x.user_profile_sourced_id <> '' AND NOT EXISTS (SELECT 1 FROM user_profiles p
			WHERE p.sourced_id = x.user_profile_sourced_id AND p.user_sourced_id = x.user_sourced_id)`,
			func(id, p string) string {
				return fmt.Sprintf("role %q names user profile %q, which belongs to another user", id, p)
			}, ""},
	},
	"lineItems": {
		{"RANGE", `SELECT {line}, x.sourced_id, '' FROM {rows}
			WHERE x.result_value_min > x.result_value_max`,
			func(id, _ string) string {
				return fmt.Sprintf("line item %q has resultValueMin greater than resultValueMax", id)
			}, "resultValueMin"},
		// A 1.1 line item has no school yet when its file is checked
		// (EndFile infers it from the class): blank passes.
		{"SCHOOL_MISMATCH", `SELECT {line}, x.sourced_id, c.school_sourced_id FROM {rows}
			JOIN classes c ON c.sourced_id = x.class_sourced_id
			WHERE x.status = 'active' AND x.school_sourced_id <> '' AND x.school_sourced_id <> c.school_sourced_id`,
			func(id, school string) string {
				return fmt.Sprintf("line item %q names a school other than its class's (%q)", id, school)
			}, "school"},
	},
	"results": {
		{"CLASS_MISMATCH", `SELECT {line}, x.sourced_id, li.class_sourced_id FROM {rows}
			JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
			WHERE x.class_sourced_id <> '' AND x.class_sourced_id <> li.class_sourced_id`,
			func(id, class string) string {
				return fmt.Sprintf("result %q names a class other than its line item's (%q)", id, class)
			}, "class"},
		{"NOT_ENROLLED", `SELECT {line}, x.sourced_id, li.class_sourced_id FROM {rows}
			JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
			WHERE x.status = 'active' AND NOT EXISTS (SELECT 1 FROM enrollments e
			WHERE e.user_sourced_id = x.student_sourced_id AND e.class_sourced_id = li.class_sourced_id
			AND e.role = 'student' AND e.status = 'active')`,
			func(id, class string) string {
				return fmt.Sprintf("result %q is for a student who is not enrolled as a student in class %q of its line item", id, class)
			}, "student"},
	},
}

// checkNeeds lists, by check code, the tables (CSV base names; "" for the
// file's own) whose stored rows a check reads beyond the file's: a
// standalone validate runs it only when the package has them whole.
var checkNeeds = map[string][]string{
	"CYCLE":          {""},
	"PRIMARY_ROLE":   {""},
	"PROFILE_OWNER":  {"userProfiles"},
	"CLASS_MISMATCH": {"lineItems"},
	"NOT_ENROLLED":   {"lineItems", "enrollments"},
	"PRIMARY_ORG":    {"roles"},
	"MISSING_ROLE":   {"roles"},
}

func (t *importTx) SetComplete(complete func(table string) bool) { t.complete = complete }
func (t *importTx) Skipped() []string                            { return t.skipped }

// runnable reports whether check c of table's file can run (see
// checkNeeds), and records it as skipped when not.
func (t *importTx) runnable(file string, c check) bool {
	if t.complete == nil {
		return true
	}
	for _, need := range checkNeeds[c.code] {
		if need == "" {
			need = file
		}
		if !t.complete(need) {
			t.skipped = append(t.skipped, file+".csv "+c.code)
			return false
		}
	}
	return true
}

// pairNotIn replaces the query of a check on engines with Dialect.PairNotIn.
var pairNotIn = map[string]string{
	// Both columns are NOT NULL, so NOT IN means NOT EXISTS here.
	"NOT_ENROLLED": `SELECT {line}, x.sourced_id, li.class_sourced_id FROM {rows}
		JOIN line_items li ON li.sourced_id = x.line_item_sourced_id
		WHERE x.status = 'active' AND (x.student_sourced_id, li.class_sourced_id) NOT IN
		(SELECT e.user_sourced_id, e.class_sourced_id FROM enrollments e WHERE e.role = 'student' AND e.status = 'active')`,
}

// usersChecks run at the end of the import, when the roles are known.
var usersChecks = []check{{"PRIMARY_ORG", `SELECT {line}, x.sourced_id, x.primary_org_sourced_id FROM {rows}
	WHERE x.status = 'active' AND x.primary_org_sourced_id <> '' AND NOT EXISTS (SELECT 1 FROM roles r
	WHERE r.user_sourced_id = x.sourced_id AND r.org_sourced_id = x.primary_org_sourced_id AND r.status = 'active')
	AND EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = x.sourced_id AND r.status = 'active')`,
	func(id, org string) string {
		return fmt.Sprintf("user %q has primary org %q but no role there", id, org)
	}, ""}, {"MISSING_ROLE", `SELECT {line}, x.sourced_id, '' FROM {rows}
	WHERE x.status = 'active' AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = x.sourced_id AND r.status = 'active')`,
	func(id, _ string) string {
		return fmt.Sprintf("user %q has no active role; a OneRoster 1.2 user needs at least one row in roles.csv", id)
	}, ""},
}

func (t *importTx) Findings(ctx context.Context, table string, limit int) ([]store.Finding, error) {
	list, file := checks[table], table
	if table == store.AfterAllFiles {
		list, file = usersChecks, "users"
	}
	tb, seen := SQLTable(file), "seen_"+SQLTable(file)
	from, line := tb+" x JOIN "+seen+" s ON s.id = x.sourced_id", "s.line"
	analyze := []string{tb + " (status)", seen}
	if t.empty[file] {
		from, line, analyze = tb+" x", "0", analyze[:1]
	} else if !t.temps[seen] {
		return nil, nil // the file had no row
	}
	if len(list) == 0 {
		return nil, nil
	}
	if t.db.d.Analyze != "" {
		// The status column only: its selectivity is what the plans got
		// wrong, and sampling every column of a large table costs ten
		// times more.
		for _, name := range analyze {
			if _, err := t.tx.ExecContext(ctx, t.db.d.Analyze+name); err != nil {
				return nil, fmt.Errorf("analyze %s: %w", name, err)
			}
		}
	}
	var out []store.Finding
	for _, c := range list {
		if !t.runnable(file, c) {
			continue
		}
		q := c.q
		if alt, ok := pairNotIn[c.code]; ok && t.db.d.PairNotIn {
			q = alt
		}
		q = strings.NewReplacer("{rows}", from, "{line}", line).Replace(q)
		rows, err := t.tx.QueryContext(ctx, t.db.rebind(q+` ORDER BY 1, 2 LIMIT ?`), limit)
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
