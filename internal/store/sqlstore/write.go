package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

type execFunc func(ctx context.Context, q string, args ...any) (sql.Result, error)

// upsert writes rows (values in the order of cols, CSV column names) with
// one multi-row INSERT … ON CONFLICT DO UPDATE per chunk: the same
// statement on both engines, atomic per row, so concurrent writers of one
// sourcedId end with one row holding the last write.
func (db *DB) upsert(ctx context.Context, exec execFunc, table string, cols []string, rows [][]string, importID int64) error {
	return db.write(ctx, exec, table, cols, rows, importID, true)
}

// insert writes rows that are known to be new (the first load of a table
// by an import): without a conflict clause, the engine skips preparing
// an update it would never run.
func (db *DB) insert(ctx context.Context, exec execFunc, table string, cols []string, rows [][]string, importID int64) error {
	return db.write(ctx, exec, table, cols, rows, importID, false)
}

// rowShape is how rows of CSV values are written: the SQL columns (the
// CSV columns, then import_id) and which of them hold numbers.
type rowShape struct {
	sqlCols []string
	numeric []bool
}

func (db *DB) rowShape(table string, cols []string) rowShape {
	s := rowShape{sqlCols: make([]string, len(cols)+1), numeric: make([]bool, len(cols))}
	for i, c := range cols {
		s.sqlCols[i] = SQLCol(c)
		s.numeric[i] = db.numeric[table+"."+c]
	}
	s.sqlCols[len(cols)] = "import_id"
	return s
}

// values appends the bind values of one row: a blank number is NULL, the
// import id comes last.
func (s rowShape) values(dst []any, r []string, importID int64) []any {
	for i, v := range r {
		if s.numeric[i] && v == "" {
			dst = append(dst, nil)
		} else {
			dst = append(dst, v)
		}
	}
	return append(dst, importID)
}

func (db *DB) write(ctx context.Context, exec execFunc, table string, cols []string, rows [][]string, importID int64, upsert bool) error {
	if len(rows) == 0 {
		return nil
	}
	shape := db.rowShape(table, cols)
	conflict := ""
	if upsert {
		sets := make([]string, 0, len(cols))
		for _, c := range shape.sqlCols {
			if c != SQLCol("sourcedId") {
				sets = append(sets, c+" = excluded."+c)
			}
		}
		conflict = ` ON CONFLICT (sourced_id) DO UPDATE SET ` + strings.Join(sets, ", ")
	}
	tuple := "(" + placeholders(len(cols)+1) + ")"
	err := db.chunks(len(rows), len(cols)+1, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*(len(cols)+1))
		for _, r := range rows[lo:hi] {
			args = shape.values(args, r, importID)
		}
		q := `INSERT INTO ` + SQLTable(table) + ` (` + strings.Join(shape.sqlCols, ", ") + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(tuple+",", hi-lo), ",") + conflict
		_, err := exec(ctx, q, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", table, err)
	}
	return nil
}

// Put writes objects of e in one transaction (a PUT writes one, a POST
// several) and reports, for each, whether it was created: new, or
// replacing a deleted one.
func (db *DB) Put(ctx context.Context, e *oneroster.Entity, objs []store.Object, now string) ([]bool, error) {
	created := make([]bool, len(objs))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
			return tx.ExecContext(ctx, db.rebind(q), args...)
		}
		table := SQLTable(e.Table)
		cols := db.cols[e.Table]
		for i, o := range objs {
			id := o.Vals["sourcedId"]
			var status string
			err := tx.QueryRowContext(ctx, db.rebind(`SELECT status FROM `+table+` WHERE sourced_id = ?`), id).Scan(&status)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				created[i] = true
			case err != nil:
				return err
			default:
				created[i] = status != "active"
			}
			row := make([]string, len(cols), len(cols)+1)
			for j, c := range cols {
				row[j] = o.Vals[c]
			}
			row[1], row[2] = "active", now
			if s := o.Vals["status"]; s != "" {
				row[1] = s
			}
			if err := db.upsert(ctx, exec, e.Table, append(cols[:len(cols):len(cols)], "contentHash"), [][]string{append(row, "")}, 0); err != nil {
				return err
			}
			if err := db.putLinks(ctx, tx, exec, e, id, o, now); err != nil {
				return err
			}
		}
		return bumpVersionOf(ctx, tx, e)
	})
	if err != nil {
		return nil, fmt.Errorf("put %s: %w", e.Name, err)
	}
	return created, nil
}

// putLinks replaces the link rows (score scale, learning objectives) of
// one object: the wanted rows are written active under ids derived from
// the owner's, every other active row of the owner becomes tobedeleted,
// so a CSV delta export still tells consumers what went away.
func (db *DB) putLinks(ctx context.Context, tx *sql.Tx, exec execFunc, e *oneroster.Entity, owner string, o store.Object, now string) error {
	for _, f := range e.Fields {
		if f.Link == nil {
			continue
		}
		l := f.Link
		cols := db.cols[l.Table]
		var rows [][]string
		row := func(id string, set map[string]string) []string {
			r := make([]string, len(cols), len(cols)+1)
			for j, c := range cols {
				r[j] = set[c]
			}
			r[0], r[1], r[2] = id, "active", now
			return append(r, "")
		}
		switch f.Kind {
		case oneroster.LinkRef:
			if target := o.Links[f.Name]; target != "" {
				rows = append(rows, row(owner+"/"+f.Name, map[string]string{l.Owner: owner, l.Target: target}))
			}
		case oneroster.Objectives:
			for n, ob := range o.Objectives {
				rows = append(rows, row(owner+"/lo"+strconv.Itoa(n+1), map[string]string{l.Owner: owner,
					"source": ob.Source, "learningObjectiveId": ob.ID, "score": ob.Score, "textScore": ob.TextScore}))
			}
		}
		keep := make([]any, 0, len(rows)+3)
		keep = append(keep, now, owner)
		notIn := ""
		if len(rows) > 0 {
			for _, r := range rows {
				keep = append(keep, r[0])
			}
			notIn = ` AND sourced_id NOT IN (` + placeholders(len(rows)) + `)`
		}
		if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+SQLTable(l.Table)+` SET status = 'tobedeleted', date_last_modified = ?
			WHERE `+SQLCol(l.Owner)+` = ? AND status = 'active'`+notIn), keep...); err != nil {
			return err
		}
		if err := db.upsert(ctx, exec, l.Table, append(cols[:len(cols):len(cols)], "contentHash"), rows, 0); err != nil {
			return err
		}
	}
	return nil
}

// Delete marks an object tobedeleted at now (a tombstone: single GETs
// answer 404, lists leave it out unless asked about changes).
func (db *DB) Delete(ctx context.Context, e *oneroster.Entity, id, now string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+SQLTable(e.Table)+` SET status = 'tobedeleted', date_last_modified = ?
			WHERE sourced_id = ? AND status = 'active'`), now, id)
		if err != nil {
			return fmt.Errorf("delete %s: %w", e.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return oneroster.NotFound(e.Name, id)
		}
		return bumpVersionOf(ctx, tx, e)
	})
}
