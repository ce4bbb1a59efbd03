package sqlstore

import (
	"time"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// importTx implements store.ImportTx on one transaction. Per-file
// bookkeeping (which ids a file held, forward references still to check)
// lives in temporary tables inside the same transaction, so memory stays
// flat however large the package is.
type importTx struct {
	db *DB
	// conn holds the transaction, for engines whose bulk load is not a
	// database/sql statement (Dialect.CopyIn).
	conn  *sql.Conn
	tx    *sql.Tx
	id    int64
	temps map[string]bool
	// complete and skipped: see store.ImportTx.SetComplete.
	complete func(table string) bool
	skipped  []string
	// empty marks the tables whose file is a first load (see BeginFile).
	empty map[string]bool
	// changed lists the tables (SQL names) the import may have written:
	// their planner statistics are refreshed before it commits (Finish).
	changed map[string]bool
	// stmts caches prepared statements by text: batches repeat the same
	// few shapes, and parsing a multi-row INSERT costs as much as running it.
	stmts map[string]*sql.Stmt
}

func (t *importTx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *importTx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := t.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t *importTx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	q = t.db.rebind(q)
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

func (t *importTx) closeStmts() {
	for q, st := range t.stmts {
		st.Close()
		delete(t.stmts, q)
	}
}

// BeginImport opens the transaction of one import and records it.
func (db *DB) BeginImport(ctx context.Context, source, sha string) (store.ImportTx, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		if db.d.Busy != nil && db.d.Busy(err) {
			return nil, fmt.Errorf("begin import: another process (an import) held the database for the whole wait; retry when it is done: %w", err)
		}
		return nil, fmt.Errorf("begin import: %w", err)
	}
	if err := execSet(ctx, tx, db.d.LongWait, db.d.LockImports); err != nil {
		tx.Rollback()
		conn.Close()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	t := &importTx{db: db, conn: conn, tx: tx, temps: map[string]bool{}, empty: map[string]bool{}, changed: map[string]bool{}, stmts: map[string]*sql.Stmt{}}
	err = tx.QueryRowContext(ctx, db.rebind(`INSERT INTO imports (started_at, source, sha256) VALUES (?, ?, ?) RETURNING id`),
		Now(), source, sha).Scan(&t.id)
	if err != nil {
		tx.Rollback()
		conn.Close()
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return t, nil
}

func (t *importTx) ID() int64 { return t.id }

func (t *importTx) Commit() error {
	t.closeStmts()
	defer t.conn.Close()
	return t.tx.Commit()
}

func (t *importTx) Rollback() error {
	t.closeStmts()
	defer t.conn.Close()
	return t.tx.Rollback()
}

// chunks calls fn on consecutive slices of ids small enough for one
// statement's bind arguments (each id taking per arguments).
func (t *importTx) chunks(n, per int, fn func(lo, hi int) error) error {
	return t.db.chunks(n, per, fn)
}

// chunks calls fn on consecutive ranges of n items small enough for one
// statement's bind arguments (each item taking per arguments).
func (db *DB) chunks(n, per int, fn func(lo, hi int) error) error {
	size := min(db.d.MaxParams/per, db.d.MaxRows)
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		if err := fn(lo, hi); err != nil {
			return err
		}
	}
	return nil
}

// queryIn runs q, whose text ends with a column, with the condition that
// the column is one of ids (DB.in), and calls scan for every row: at once
// where the engine binds arrays, else once per chunk of ids. pre are bind
// arguments that come before the ids.
func (t *importTx) queryIn(ctx context.Context, q string, pre []any, ids []string, scan func(*sql.Rows) error) error {
	return t.inChunks(ids, func(ids []string) error {
		in, args := t.db.in(ids)
		return t.scan(ctx, q+in, append(append([]any(nil), pre...), args...), scan)
	})
}

// execIn is queryIn for a statement that returns no rows.
func (t *importTx) execIn(ctx context.Context, q string, ids []string) error {
	return t.inChunks(ids, func(ids []string) error {
		in, args := t.db.in(ids)
		_, err := t.exec(ctx, q+in, args...)
		return err
	})
}

// inChunks calls fn with all of ids where the engine binds them as one
// array, else with chunks small enough for one statement's placeholders.
func (t *importTx) inChunks(ids []string, fn func([]string) error) error {
	if t.db.d.Arrays {
		return fn(ids)
	}
	return t.chunks(len(ids), 1, func(lo, hi int) error { return fn(ids[lo:hi]) })
}

func (t *importTx) scan(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// insertCols runs "head VALUES (…), (…) tail" for rows given column by
// column (each column a []string or an []int of the same length), and
// returns the rows it inserted. Where the engine binds arrays the rows
// come from unnest of one array per column instead.
func (t *importTx) insertCols(ctx context.Context, head, tail string, cols ...any) (int64, error) {
	n := 0
	switch c := cols[0].(type) {
	case []string:
		n = len(c)
	case []int:
		n = len(c)
	}
	if n == 0 {
		return 0, nil
	}
	if t.db.d.Arrays {
		casts := make([]string, len(cols))
		for i, c := range cols {
			casts[i] = "?::text[]"
			if _, ok := c.([]int); ok {
				casts[i] = "?::int[]"
			}
		}
		res, err := t.exec(ctx, head+` SELECT * FROM unnest(`+strings.Join(casts, ", ")+`)`+tail, cols...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	var total int64
	tuple := "(" + placeholders(len(cols)) + "),"
	err := t.chunks(n, len(cols), func(lo, hi int) error {
		args := make([]any, 0, len(cols)*(hi-lo))
		for i := lo; i < hi; i++ {
			for _, c := range cols {
				switch c := c.(type) {
				case []string:
					args = append(args, c[i])
				case []int:
					args = append(args, c[i])
				}
			}
		}
		res, err := t.exec(ctx, head+` VALUES `+strings.TrimSuffix(strings.Repeat(tuple, hi-lo), ",")+tail, args...)
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		total += k
		return err
	})
	return total, err
}

func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, s := range ids {
		out[i] = s
	}
	return out
}

func (t *importTx) BeginFile(ctx context.Context, table string) (bool, error) {
	var stored bool
	exists := `SELECT EXISTS (SELECT 1 FROM ` + SQLTable(table) + `)`
	if err := t.tx.QueryRowContext(ctx, exists).Scan(&stored); err != nil {
		return false, fmt.Errorf("begin file %s: %w", table, err)
	}
	if !stored && t.db.d.LockWrites != nil {
		// A first load: no other writer until the import commits, and the
		// table must still be empty once that holds.
		if _, err := t.tx.ExecContext(ctx, t.db.d.LockWrites(SQLTable(table))); err != nil {
			return false, fmt.Errorf("begin file %s: %w", table, err)
		}
		if err := t.tx.QueryRowContext(ctx, exists).Scan(&stored); err != nil {
			return false, fmt.Errorf("begin file %s: %w", table, err)
		}
	}
	t.empty[table] = !stored
	t.changed[SQLTable(table)] = true
	return !stored, nil
}

func (t *importTx) Existing(ctx context.Context, table string, ids []string) (map[string]store.Existing, error) {
	out := make(map[string]store.Existing, len(ids))
	q := `SELECT sourced_id, content_hash, status FROM ` + SQLTable(table) + ` WHERE sourced_id`
	err := t.queryIn(ctx, q, nil, ids, func(rows *sql.Rows) error {
		var id string
		var e store.Existing
		if err := rows.Scan(&id, &e.Hash, &e.Status); err != nil {
			return err
		}
		out[id] = e
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("existing %s: %w", table, err)
	}
	return out, nil
}

func (t *importTx) Resolve(ctx context.Context, table string, ids []string) (map[string]store.Target, error) {
	typ := "''"
	if table == "orgs" || table == "academicSessions" {
		typ = "type"
	}
	out := make(map[string]store.Target, len(ids))
	q := `SELECT sourced_id, status, ` + typ + ` FROM ` + SQLTable(table) + ` WHERE sourced_id`
	err := t.queryIn(ctx, q, nil, ids, func(rows *sql.Rows) error {
		var id string
		var x store.Target
		if err := rows.Scan(&id, &x.Status, &x.Type); err != nil {
			return err
		}
		out[id] = x
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", table, err)
	}
	return out, nil
}

func (t *importTx) Upsert(ctx context.Context, table string, cols []string, rows [][]string) error {
	write := t.db.upsert
	if t.empty[table] {
		write = t.db.insert
		if t.db.d.CopyIn != nil {
			write = t.copyIn
		}
	}
	if err := write(ctx, t.exec, table, cols, rows, t.id); err != nil {
		return err
	}
	if table == "classes" && len(rows) > 0 {
		return t.syncClassTerms(ctx, cols, rows)
	}
	return nil
}

// copyIn writes new rows with the engine's bulk load; values are those
// upsert would bind.
func (t *importTx) copyIn(ctx context.Context, _ execFunc, table string, cols []string, rows [][]string, importID int64) error {
	if len(rows) == 0 {
		return nil
	}
	shape := t.db.rowShape(table, cols)
	out := make([][]any, len(rows))
	for j, r := range rows {
		out[j] = shape.values(make([]any, 0, len(r)+1), r, importID)
	}
	if err := t.db.d.CopyIn(ctx, t.conn, SQLTable(table), shape.sqlCols, out); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// syncClassTerms keeps class_terms, the exploded termSourcedIds of
// classes, in step with the rows just written.
func (t *importTx) syncClassTerms(ctx context.Context, cols []string, rows [][]string) error {
	ti := -1
	for i, c := range cols {
		if c == "termSourcedIds" {
			ti = i
		}
	}
	ids := make([]string, len(rows))
	var classes, terms []string
	for i, r := range rows {
		ids[i] = r[0]
		for _, term := range oneroster.SplitList(r[ti]) {
			classes, terms = append(classes, r[0]), append(terms, term)
		}
	}
	if err := t.execIn(ctx, `DELETE FROM class_terms WHERE class_sourced_id`, ids); err != nil {
		return fmt.Errorf("class terms: %w", err)
	}
	if _, err := t.insertCols(ctx, `INSERT INTO class_terms (class_sourced_id, term_sourced_id)`, ` ON CONFLICT DO NOTHING`, classes, terms); err != nil {
		return fmt.Errorf("class terms: %w", err)
	}
	return nil
}

func (t *importTx) temp(ctx context.Context, name, def string) (string, error) {
	if t.temps[name] {
		return name, nil
	}
	if _, err := t.tx.ExecContext(ctx, t.db.d.TempTable+" "+name+" ("+def+")"+keyed(t.db.d, def)); err != nil {
		return "", fmt.Errorf("temp table %s: %w", name, err)
	}
	t.temps[name] = true
	return name, nil
}

// keyed gives the table suffix for a temporary table with a primary key,
// which is read by that key only.
func keyed(d Dialect, def string) string {
	if strings.Contains(def, "PRIMARY KEY") {
		return d.KeyedTable
	}
	return ""
}

func (t *importTx) seenTable(ctx context.Context, table string) (string, error) {
	return t.temp(ctx, "seen_"+SQLTable(table), "id TEXT PRIMARY KEY, line INTEGER NOT NULL")
}

func (t *importTx) Seen(ctx context.Context, table string, ids []string, lines []int) (map[int]int, error) {
	dups := map[int]int{}
	first := map[string]int{} // id -> position of its first occurrence in this batch
	var pos []int
	for i, id := range ids {
		if j, ok := first[id]; ok {
			dups[i] = lines[j]
			continue
		}
		first[id] = i
		pos = append(pos, i)
	}
	firstIDs, firstLines := make([]string, len(pos)), make([]int, len(pos))
	for i, p := range pos {
		firstIDs[i], firstLines[i] = ids[p], lines[p]
	}
	at := map[string]int{} // id -> line that first had it, for ids seen before
	if t.empty[table] {
		// A first load keeps no list of ids: the table holds the rows
		// accepted so far (line unknown: 0) and rejected_ids the others.
		if err := t.seenStored(ctx, table, firstIDs, at); err != nil {
			return nil, fmt.Errorf("seen %s: %w", table, err)
		}
	} else {
		// A plain insert whose row count says whether any id was seen
		// before: duplicates are rare, so only a short count costs a
		// second look.
		name, err := t.seenTable(ctx, table)
		if err != nil {
			return nil, err
		}
		n, err := t.insertCols(ctx, `INSERT INTO `+name+` (id, line)`, ` ON CONFLICT (id) DO NOTHING`, firstIDs, firstLines)
		if err != nil || n == int64(len(pos)) {
			if err != nil {
				return nil, fmt.Errorf("seen %s: %w", table, err)
			}
			return dups, nil
		}
		// An id's line identifies the row that first had it: a row whose
		// id is stored with another line is a duplicate of that line.
		err = t.queryIn(ctx, `SELECT id, line FROM `+name+` WHERE id`, nil, firstIDs, func(rows *sql.Rows) error {
			var id string
			var line int
			if err := rows.Scan(&id, &line); err != nil {
				return err
			}
			at[id] = line
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seen %s: %w", table, err)
		}
		for i, p := range pos {
			if at[ids[p]] == firstLines[i] {
				delete(at, ids[p])
			}
		}
	}
	for _, p := range pos {
		line, ok := at[ids[p]]
		if !ok {
			continue
		}
		dups[p] = line
		for i := p + 1; i < len(ids); i++ {
			if _, ok := dups[i]; ok && ids[i] == ids[p] {
				dups[i] = line
			}
		}
	}
	return dups, nil
}

// seenStored adds to at the ids that an earlier batch of a first load
// had: rows in the table (line 0: not kept) or rows rejected with a line.
// The first occurrence of an id is the stored row when there is one:
// a rejected row with the same id is a later duplicate of it.
func (t *importTx) seenStored(ctx context.Context, table string, ids []string, at map[string]int) error {
	rejected, err := t.RejectedLines(ctx, table, ids)
	if err != nil {
		return err
	}
	for id, line := range rejected {
		at[id] = line
	}
	return t.queryIn(ctx, `SELECT sourced_id FROM `+SQLTable(table)+` WHERE sourced_id`, nil, ids, func(rows *sql.Rows) error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		at[id] = 0
		return nil
	})
}

func (t *importTx) rejectedTable(ctx context.Context) (string, error) {
	return t.temp(ctx, "rejected_ids", "tbl TEXT NOT NULL, id TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (tbl, id)")
}

func (t *importTx) Reject(ctx context.Context, table string, ids []string, lines []int) error {
	name, err := t.rejectedTable(ctx)
	if err != nil {
		return err
	}
	tables := make([]string, len(ids))
	for i := range tables {
		tables[i] = table
	}
	_, err = t.insertCols(ctx, `INSERT INTO `+name+` (tbl, id, line)`, ` ON CONFLICT DO NOTHING`, tables, ids, lines)
	return err
}

func (t *importTx) RejectedLines(ctx context.Context, table string, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 || !t.temps["rejected_ids"] {
		return out, nil
	}
	err := t.queryIn(ctx, `SELECT id, line FROM rejected_ids WHERE tbl = ? AND id`, []any{table}, ids, func(rows *sql.Rows) error {
		var id string
		var line int
		if err := rows.Scan(&id, &line); err != nil {
			return err
		}
		out[id] = line
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rejected lines %s: %w", table, err)
	}
	return out, nil
}

func (t *importTx) EndFile(ctx context.Context, table string) error {
	if table == "lineItems" {
		// OneRoster 1.1 line items carry no school; the JSON requires one:
		// it is the school of the line item's class.
		if _, err := t.tx.ExecContext(ctx, t.db.rebind(`UPDATE line_items SET school_sourced_id = (SELECT c.school_sourced_id FROM classes c
			WHERE c.sourced_id = line_items.class_sourced_id) WHERE school_sourced_id = '' AND import_id = ?`), t.id); err != nil {
			return fmt.Errorf("line item schools: %w", err)
		}
	}
	// A file's statements are not used again, and a prepared multi-row
	// INSERT holds its whole program and every bind value: kept for the
	// import, they made its memory grow with the number of files.
	t.closeStmts()
	if table == "users" {
		return nil
	}
	for _, name := range []string{"seen_" + SQLTable(table), "pending_" + SQLTable(table)} {
		if err := t.drop(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// drop removes a temporary table, closing the statements that use it.
func (t *importTx) drop(ctx context.Context, name string) error {
	if !t.temps[name] {
		return nil
	}
	for q, st := range t.stmts {
		if strings.Contains(q, name) {
			st.Close()
			delete(t.stmts, q)
		}
	}
	if _, err := t.tx.ExecContext(ctx, `DROP TABLE `+name); err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	delete(t.temps, name)
	return nil
}

func (t *importTx) MarkMissing(ctx context.Context, table string, now time.Time) (int64, error) {
	name, err := t.seenTable(ctx, table)
	if err != nil {
		return 0, err
	}
	q := `UPDATE ` + SQLTable(table) + ` SET status = 'tobedeleted', date_last_modified = ?, import_id = ?
		WHERE status = 'active' AND NOT EXISTS (SELECT 1 FROM ` + name + ` s WHERE s.id = ` + SQLTable(table) + `.sourced_id)`
	res, err := t.tx.ExecContext(ctx, t.db.rebind(q), oneroster.FormatTime(now), t.id)
	if err != nil {
		return 0, fmt.Errorf("mark missing %s: %w", table, err)
	}
	return res.RowsAffected()
}

func (t *importTx) CountMissing(ctx context.Context, table string) (missing, active int64, err error) {
	name, err := t.seenTable(ctx, table)
	if err != nil {
		return 0, 0, err
	}
	tb := SQLTable(table)
	// Two plain counts: a NOT EXISTS in a WHERE clause is an anti-join on
	// both engines, where one inside CASE made PostgreSQL rescan the seen
	// table for every row (38 s for 38k results).
	q := `SELECT (SELECT COUNT(*) FROM ` + tb + ` WHERE status = 'active'),
		(SELECT COUNT(*) FROM ` + tb + ` x WHERE x.status = 'active' AND NOT EXISTS (SELECT 1 FROM ` + name + ` s WHERE s.id = x.sourced_id))`
	if err := t.tx.QueryRowContext(ctx, q).Scan(&active, &missing); err != nil {
		return 0, 0, fmt.Errorf("count missing %s: %w", table, err)
	}
	return missing, active, nil
}

func (t *importTx) pendingTable(ctx context.Context, table string) (string, error) {
	return t.temp(ctx, "pending_"+SQLTable(table), "line INTEGER NOT NULL, col INTEGER NOT NULL, id TEXT NOT NULL, active INTEGER NOT NULL")
}

func (t *importTx) AddPending(ctx context.Context, table string, refs []store.PendingRef) error {
	name, err := t.pendingTable(ctx, table)
	if err != nil {
		return err
	}
	lines, cols, ids, active := make([]int, len(refs)), make([]int, len(refs)), make([]string, len(refs)), make([]int, len(refs))
	for i, r := range refs {
		lines[i], cols[i], ids[i] = r.Line, r.Column, r.ID
		if r.Active {
			active[i] = 1
		}
	}
	_, err = t.insertCols(ctx, `INSERT INTO `+name+` (line, col, id, active)`, ``, lines, cols, ids, active)
	return err
}

func (t *importTx) CheckPending(ctx context.Context, table, target string, limit int) ([]store.PendingRef, error) {
	name, err := t.pendingTable(ctx, table)
	if err != nil {
		return nil, err
	}
	// The file's own rows decide: a target it lists again revives, one
	// it deletes is gone, wherever in the file either happens.
	q := `SELECT p.line, p.col, p.id, CASE WHEN x.sourced_id IS NULL THEN 0 ELSE 1 END FROM ` + name + ` p
		LEFT JOIN ` + SQLTable(target) + ` x ON x.sourced_id = p.id
		WHERE x.sourced_id IS NULL OR (p.active = 1 AND x.status <> 'active') ORDER BY p.line, p.col LIMIT ?`
	rows, err := t.tx.QueryContext(ctx, t.db.rebind(q), limit)
	if err != nil {
		return nil, fmt.Errorf("check pending %s: %w", table, err)
	}
	var out []store.PendingRef
	for rows.Next() {
		var r store.PendingRef
		if err := rows.Scan(&r.Line, &r.Column, &r.ID, &r.Deleted); err != nil {
			rows.Close()
			return nil, err
		}
		r.Active = r.Deleted
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check pending %s: %w", table, err)
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM `+name); err != nil {
		return nil, err
	}
	return out, nil
}

func (t *importTx) refs(ctx context.Context, q string, args ...any) ([]store.PendingRef, error) {
	rows, err := t.tx.QueryContext(ctx, t.db.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.PendingRef
	for rows.Next() {
		var r store.PendingRef
		if err := rows.Scan(&r.Line, &r.Column, &r.ID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// owned lists, per owning table, the link tables that hold part of its
// JSON and their owner column.
var owned = []struct {
	file, owner, col string
	links            []string
}{
	{"users", "users", "user_sourced_id", []string{"roles", "user_profiles", "user_resources"}},
	{"classes", "classes", "class_sourced_id", []string{"class_resources"}},
	{"courses", "courses", "course_sourced_id", []string{"course_resources"}},
	{"lineItems", "line_items", "line_item_sourced_id", []string{"line_item_score_scales", "line_item_learning_objective_ids"}},
	{"results", "results", "result_sourced_id", []string{"result_score_scales", "result_learning_objective_ids"}},
}

func (t *importTx) TouchOwners(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, o := range owned {
		if t.empty[o.file] {
			// Every owner was written by this import: none to touch.
			continue
		}
		var sel []string
		var args []any
		args = append(args, oneroster.FormatTime(now), t.id)
		for _, l := range o.links {
			sel = append(sel, `SELECT `+o.col+` FROM `+l+` WHERE import_id = ?`)
			args = append(args, t.id)
		}
		q := `UPDATE ` + o.owner + ` SET date_last_modified = ? WHERE import_id <> ? AND sourced_id IN (` + strings.Join(sel, " UNION ") + `)`
		res, err := t.tx.ExecContext(ctx, t.db.rebind(q), args...)
		if err != nil {
			return 0, fmt.Errorf("touch %s: %w", o.owner, err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n > 0 {
			t.changed[o.owner] = true
		}
	}
	return total, nil
}

func (t *importTx) Finish(ctx context.Context, outcome, report string) error {
	for name := range t.temps {
		if err := t.drop(ctx, name); err != nil {
			return fmt.Errorf("finish: %w", err)
		}
	}
	t.closeStmts()
	for name := range t.changed {
		if e := entityOfSQLTable(name); e != nil {
			if err := t.db.recount(ctx, t.tx, e); err != nil {
				return err
			}
			if err := t.db.keepMarks(ctx, t.tx, e); err != nil {
				return err
			}
		}
	}
	if err := t.rebuildMembers(ctx); err != nil {
		return err
	}
	if t.db.d.Analyze != "" {
		// The columns of change polls and status filters, and those the
		// lists join and restrict on (analyzedColumns). Without fresh
		// statistics PostgreSQL guesses that dateLastModified > T keeps a
		// third of the table, and reads a poll's page by walking the
		// whole table in sourcedId order (10.9 ms instead of 0.27 ms for
		// 383 changed users of 38,000): the poll would cost in proportion
		// to the table, not to the changes; with none on roles.role, it
		// guessed 484 student roles of 50,000 and answered /students by
		// a nested loop over every student, sorted (160 ms a page instead
		// of 30). ANALYZE samples a bounded number of rows, so this costs
		// about the same at any size.
		names := make([]string, 0, len(t.changed))
		for name := range t.changed {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if _, err := t.tx.ExecContext(ctx, t.db.d.Analyze+name+" ("+analyzedColumns(name)+")"); err != nil {
				return fmt.Errorf("analyze %s: %w", name, err)
			}
		}
	}
	if err := bumpVersion(ctx, t.tx); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, t.db.rebind(`UPDATE imports SET finished_at = ?, outcome = ?, report = ? WHERE id = ?`),
		Now(), outcome, report, t.id)
	return err
}

func (db *DB) RecordImport(ctx context.Context, r store.ImportRecord) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO imports (started_at, finished_at, source, sha256, outcome, report) VALUES (?, ?, ?, ?, ?, ?)`),
			oneroster.FormatTime(r.StartedAt), oneroster.FormatTime(r.FinishedAt), r.Source, r.SHA256, r.Outcome, r.Report)
		return err
	})
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	return nil
}

// importCols are the columns of a history entry, in scanImport's order.
const importCols = `id, started_at, finished_at, source, sha256, outcome, report`

func scanImport(row interface{ Scan(...any) error }) (store.ImportRecord, error) {
	var r store.ImportRecord
	err := row.Scan(&r.ID, storedTime{&r.StartedAt}, storedTime{&r.FinishedAt}, &r.Source, &r.SHA256, &r.Outcome, &r.Report)
	return r, err
}

func (db *DB) Import(ctx context.Context, id int64) (store.ImportRecord, error) {
	r, err := scanImport(db.r.QueryRowContext(ctx, db.rebind(`SELECT `+importCols+` FROM imports WHERE id = ? AND finished_at <> ''`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, oneroster.NotFound("import", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return r, fmt.Errorf("import %d: %w", id, err)
	}
	return r, nil
}

func (db *DB) Imports(ctx context.Context, limit int) ([]store.ImportRecord, error) {
	rows, err := db.r.QueryContext(ctx, db.rebind(`SELECT `+importCols+` FROM imports WHERE finished_at <> '' ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	defer rows.Close()
	var out []store.ImportRecord
	for rows.Next() {
		r, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// analyzedColumns lists the SQL columns of table whose statistics the
// import refreshes: status and dateLastModified (status filters, change
// polls), every reference (joins and the relationship lists: a class's
// enrollments, a user's roles, an org's children) and every enumeration
// (roles.role, enrollments.role, orgs.type, …: few values of very
// different shares, which a planner without statistics guesses wrong).
// Free-text columns are left out: sampling every column of a wide table
// costs several times more and changes no plan of a list.
func analyzedColumns(table string) string {
	cols := []string{SQLCol("status"), SQLCol("dateLastModified")}
	for _, t := range schema.Tables {
		if SQLTable(t.Name) != table {
			continue
		}
		for _, c := range t.Columns {
			if c.Format == schema.GUIDRef || c.Format == schema.Enum {
				if col := SQLCol(c.Name); !slices.Contains(cols, col) {
					cols = append(cols, col)
				}
			}
		}
	}
	return strings.Join(cols, ", ")
}
