package sqlstore

import (
	"time"

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
func (db *DB) Put(ctx context.Context, e *oneroster.Entity, objs []store.Object, at time.Time) ([]bool, error) {
	now := oneroster.FormatTime(at)
	created := make([]bool, len(objs))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// moved: some object was created, revived or changed status, which
		// shifts the rows of the lists it is in (shapeVersion); shownDelta
		// is what that did to the unfiltered list's total (list_counts).
		moved := false
		var shownDelta int64
		// The ids that entered and left the unfiltered list, for its kept
		// bookmarks.
		var entered, left []string
		exec := func(ctx context.Context, q string, args ...any) (sql.Result, error) {
			return db.txExec(ctx, tx, db.rebind(q), args...)
		}
		if err := db.shareImports(ctx, tx); err != nil {
			return err
		}
		table := SQLTable(e.Table)
		cols := db.cols[e.Table]
		paths := make(map[string]string, len(objs))
		for i, o := range objs {
			id := o.Vals["sourcedId"]
			paths[id] = o.Path
			if err := db.checkRefs(ctx, tx, e, o.Refs); err != nil {
				return err
			}
			n := len(o.Refs)
			if err := db.derive(ctx, tx, e, &o); err != nil {
				return err
			}
			if err := db.checkRefs(ctx, tx, e, o.Refs[n:]); err != nil {
				return err
			}
			var status string
			err := db.txQueryRow(ctx, tx, db.rebind(`SELECT status FROM `+table+` WHERE sourced_id = ?`), id).Scan(&status)
			existed := err == nil
			switch {
			case errors.Is(err, sql.ErrNoRows):
				created[i] = true
			case err != nil:
				return err
			default:
				created[i] = status != "active"
				if err := db.mustSee(ctx, tx, e, id, o.Visible); err != nil {
					return err
				}
			}
			row := make([]string, len(cols), len(cols)+1)
			for j, c := range cols {
				row[j] = o.Vals[c]
			}
			row[1], row[2] = "active", now
			if s := o.Vals["status"]; s != "" {
				row[1] = s
			}
			if created[i] || status != row[1] {
				moved = true
			}
			switch was, is := existed && shown(e, status), shown(e, row[1]); {
			case is && !was:
				shownDelta++
				entered = append(entered, id)
			case was && !is:
				shownDelta--
				left = append(left, id)
			}
			if err := db.upsert(ctx, exec, e.Table, append(cols[:len(cols):len(cols)], "contentHash"), [][]string{append(row, "")}, 0); err != nil {
				return err
			}
			if err := db.putLinks(ctx, tx, exec, e, id, o, now); err != nil {
				return err
			}
		}
		if err := db.checkRows(ctx, tx, e, paths); err != nil {
			return err
		}
		if err := db.addCount(ctx, tx, e, shownDelta); err != nil {
			return err
		}
		if err := db.moveMarks(ctx, tx, e, entered, 1); err != nil {
			return err
		}
		if err := db.moveMarks(ctx, tx, e, left, -1); err != nil {
			return err
		}
		if moved {
			if err := bumpShape(ctx, tx, e); err != nil {
				return err
			}
		}
		return bumpVersionOf(ctx, tx, e)
	})
	var oe *oneroster.Error
	if errors.As(err, &oe) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("put %s: %w", e.Name, err)
	}
	return created, nil
}

// shareImports starts a REST write's transaction (see Dialect.ShareImports).
func (db *DB) shareImports(ctx context.Context, tx *sql.Tx) error {
	if db.d.ShareImports == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, db.d.ShareImports)
	return err
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
		if _, err := db.txExec(ctx, tx, db.rebind(`UPDATE `+SQLTable(l.Table)+` SET status = 'tobedeleted', date_last_modified = ?
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
// answer 404, lists leave it out unless asked about changes), with what
// hangs off it (see store.Writer), so that neither a bulk export nor a
// delta export is left with references to it.
func (db *DB) Delete(ctx context.Context, e *oneroster.Entity, id string, at time.Time, visible ...store.Subset) error {
	now := oneroster.FormatTime(at)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if db.d.LockImports != "" {
			// Alone, as an import is: no write in flight can commit a
			// reference to what this deletes (Dialect.ShareImports).
			if _, err := tx.ExecContext(ctx, db.d.LockImports); err != nil {
				return err
			}
		}
		if err := db.mustSee(ctx, tx, e, id, visible); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+SQLTable(e.Table)+` SET status = 'tobedeleted', date_last_modified = ?
			WHERE sourced_id = ? AND status = 'active'`), now, id)
		if err != nil {
			return fmt.Errorf("delete %s: %w", e.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return oneroster.NotFound(e.Name, id)
		}
		if err := db.stillUsed(ctx, tx, e, id); err != nil {
			return err
		}
		if err := db.cascade(ctx, tx, e, []string{id}, now, 0); err != nil {
			return fmt.Errorf("delete %s: %w", e.Name, err)
		}
		if e.Tombstones {
			if err := db.addCount(ctx, tx, e, -1); err != nil {
				return err
			}
			if err := db.moveMarks(ctx, tx, e, []string{id}, -1); err != nil {
				return err
			}
		}
		if err := bumpShape(ctx, tx, e); err != nil {
			return err
		}
		return bumpVersionOf(ctx, tx, e)
	})
}

// stillUsed refuses the deletion of an object that active objects refer
// to, other than those that belong to it: deleting a category would
// otherwise leave its line items pointing at nothing, and deleting them
// with it would lose their grades.
func (db *DB) stillUsed(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, id string) error {
	const shown = 3
	var users []string
	more := false
	for _, u := range oneroster.Entities {
		for _, f := range u.Fields {
			var q string
			switch {
			case f.RefType != e.Name || f.Owner:
				continue
			case f.Kind == oneroster.Ref:
				q = `SELECT sourced_id FROM ` + SQLTable(u.Table) + ` WHERE ` + SQLCol(f.Col) + ` = ? AND status = 'active'`
			case f.Kind == oneroster.LinkRef:
				q = `SELECT ` + SQLCol(f.Link.Owner) + ` FROM ` + SQLTable(f.Link.Table) + ` WHERE ` + SQLCol(f.Link.Target) + ` = ? AND status = 'active'`
			default:
				continue
			}
			rows, err := tx.QueryContext(ctx, db.rebind(q+` ORDER BY 1 LIMIT ?`), id, shown+1)
			if err != nil {
				return fmt.Errorf("delete %s: %w", e.Name, err)
			}
			for rows.Next() {
				var ref string
				if err := rows.Scan(&ref); err != nil {
					rows.Close()
					return err
				}
				if len(users) == shown {
					more = true
					continue
				}
				users = append(users, u.Name+" "+ref+" ("+f.Name+")")
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	if len(users) == 0 {
		return nil
	}
	list := strings.Join(users, ", ")
	if more {
		list += " and more"
	}
	return invalid("%s %s is still used by %s; delete those or point them at another %s first", e.Name, id, list, e.Name)
}

// cascade tombstones what hangs off the objects of e with the given ids:
// their link rows (score scale, learning objectives) and the objects that
// belong to them (Field.Owner), recursively. depth bounds a chain of
// assessment line items, which the CYCLE check keeps acyclic anyway.
func (db *DB) cascade(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, ids []string, now string, depth int) error {
	if len(ids) == 0 || depth > 64 {
		return nil
	}
	return db.chunks(len(ids), 1, func(lo, hi int) error {
		in, args := db.in(ids[lo:hi])
		for _, f := range e.Fields {
			if f.Link == nil || f.Kind == oneroster.LinkRefs {
				continue
			}
			if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+SQLTable(f.Link.Table)+` SET status = 'tobedeleted', date_last_modified = ?
				WHERE status = 'active' AND `+SQLCol(f.Link.Owner)+in), append([]any{now}, args...)...); err != nil {
				return err
			}
		}
		for _, u := range oneroster.Entities {
			for _, f := range u.Fields {
				if !f.Owner || f.RefType != e.Name {
					continue
				}
				table, col := SQLTable(u.Table), SQLCol(f.Col)
				rows, err := tx.QueryContext(ctx, db.rebind(`SELECT sourced_id FROM `+table+` WHERE status = 'active' AND `+col+in), args...)
				if err != nil {
					return err
				}
				var owned []string
				for rows.Next() {
					var id string
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return err
					}
					owned = append(owned, id)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, db.rebind(`UPDATE `+table+` SET status = 'tobedeleted', date_last_modified = ?
					WHERE status = 'active' AND `+col+in), append([]any{now}, args...)...); err != nil {
					return err
				}
				if u.Tombstones {
					if err := db.addCount(ctx, tx, u, -int64(len(owned))); err != nil {
						return err
					}
					if err := db.moveMarks(ctx, tx, u, owned, -1); err != nil {
						return err
					}
				}
				if err := db.cascade(ctx, tx, u, owned, now, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// mustSee answers as for an unknown object when the object id of e, which
// exists, is outside the visible subsets (a client's sharing rule): what a
// client cannot see it can neither replace nor delete.
func (db *DB) mustSee(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, id string, visible []store.Subset) error {
	if len(visible) == 0 {
		return nil
	}
	w := &where{}
	w.add(`t.sourced_id = ?`, id)
	for _, sc := range visible {
		c, a, err := subsetSQL(e, sc, visibilityOf(visible))
		if err != nil {
			return err
		}
		w.add(c, a...)
	}
	var one int
	err := db.txQueryRow(ctx, tx, db.rebind(`SELECT 1 FROM `+SQLTable(e.Table)+` t`+w.sql()), w.args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return oneroster.NotFound(e.Name, id)
	}
	return err
}
