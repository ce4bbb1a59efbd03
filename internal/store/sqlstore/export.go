package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

func (db *DB) ExportRows(ctx context.Context, table string, since time.Time, each func([]string) error, within ...store.Subset) error {
	cols := db.cols[table]
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "t." + SQLCol(c)
	}
	q := `SELECT ` + strings.Join(parts, ", ") + ` FROM ` + SQLTable(table) + ` t`
	var args []any
	if since.IsZero() {
		q += ` WHERE t.status = 'active'`
	} else {
		q += ` WHERE t.date_last_modified > ?`
		args = append(args, oneroster.FormatTime(since))
	}
	var trim func([]string)
	for _, s := range within {
		if s.Name != store.Visible {
			return fmt.Errorf("export %s: subset %s is not one an export takes", table, s.Name)
		}
		v := visibleOrgs(s.Arg)
		c, err := v.condTable(table)
		if err != nil {
			return err
		}
		q += ` AND ` + c.sql
		args = append(args, c.args...)
		if trim, err = db.exportTrim(ctx, v, table, cols); err != nil {
			return err
		}
	}
	q += ` ORDER BY t.sourced_id`
	rows, err := db.r.QueryContext(ctx, db.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	vals := make([]string, len(cols))
	ns := make([]sql.NullString, len(cols))
	nf := make([]sql.NullFloat64, len(cols))
	for i, c := range cols {
		if db.numeric[table+"."+c] {
			raw[i] = &nf[i]
		} else {
			raw[i] = &ns[i]
		}
	}
	for rows.Next() {
		if err := rows.Scan(raw...); err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
		for i, c := range cols {
			switch {
			case !db.numeric[table+"."+c]:
				vals[i] = ns[i].String
			case nf[i].Valid:
				// The shortest text that reads back as the same number, on
				// both engines, so exports are byte-stable.
				vals[i] = strconv.FormatFloat(nf[i].Float64, 'f', -1, 64)
			default:
				vals[i] = ""
			}
		}
		if trim != nil {
			trim(vals)
		}
		if err := each(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportTrim returns what blanks, in a row of table the client sees, the
// optional references to objects it does not (as the REST binding leaves
// them out): a user's primary org and agents, the org and class of a
// user's resource allocation. Nil when the table has none.
func (db *DB) exportTrim(ctx context.Context, v visibility, table string, cols []string) (func([]string), error) {
	refs := map[string]map[string]string{ // table -> column -> table referred to
		"users":         {"primaryOrgSourcedId": "orgs", "agentSourcedIds": "users"},
		"userResources": {"orgSourcedId": "orgs", "classSourcedId": "classes"},
	}[table]
	if refs == nil {
		return nil, nil
	}
	seen := map[string]map[string]bool{}
	for _, target := range refs {
		if seen[target] != nil {
			continue
		}
		ids, err := v.ids(target)
		if err != nil {
			return nil, err
		}
		rows, err := db.r.QueryContext(ctx, db.rebind(`SELECT x.sourced_id FROM `+ids.sql+` x`), ids.args...)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", table, err)
		}
		set := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			set[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		seen[target] = set
	}
	at := map[int]map[string]bool{}
	for i, c := range cols {
		if target, ok := refs[c]; ok {
			at[i] = seen[target]
		}
	}
	return func(vals []string) {
		for i, ok := range at {
			if vals[i] == "" {
				continue
			}
			kept := slices.DeleteFunc(strings.Split(vals[i], ","), func(id string) bool { return !ok[id] })
			vals[i] = strings.Join(kept, ",")
		}
	}, nil
}
