package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
)

func (db *DB) ExportRows(ctx context.Context, table string, since time.Time, each func([]string) error) error {
	cols := db.cols[table]
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = SQLCol(c)
	}
	q := `SELECT ` + strings.Join(parts, ", ") + ` FROM ` + SQLTable(table)
	var args []any
	if since.IsZero() {
		q += ` WHERE status = 'active'`
	} else {
		q += ` WHERE date_last_modified > ?`
		args = append(args, oneroster.FormatTime(since))
	}
	q += ` ORDER BY sourced_id`
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
		if err := each(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}
