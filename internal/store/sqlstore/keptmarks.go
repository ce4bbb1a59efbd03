package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Kept bookmarks (list_marks, migration 0016): the bookmarks of a walk
// (keyset.go) live in one process's memory under one data version, so
// the first deep page after any write, or in a new process, walked its
// whole offset (36 ms on SQLite and 250 ms on PostgreSQL at offset
// 382,000), and a consumer's first sync of /results met that walk after
// each grade created. The unfiltered list of each entity, in sourcedId
// order, also has its bookmarks in the database: buckets of about
// keptStride rows, each named by the last sourcedId before it, with the
// rows it holds, kept exact by every write as its total is (counts.go).

const keptStride = 1000

// keepMarks cuts the unfiltered list of e into buckets again (an import
// that wrote its table).
func (db *DB) keepMarks(ctx context.Context, tx *sql.Tx, e *oneroster.Entity) error {
	table := SQLTable(e.Table)
	if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM list_marks WHERE table_name = ?`), table); err != nil {
		return fmt.Errorf("marks %s: %w", table, err)
	}
	_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO list_marks (table_name, after, slot, n)
		SELECT ?, COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
			SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
				SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / `+fmt.Sprint(keptStride)+` AS b FROM `+table+` t`+shownSQL(e)+`) x
			GROUP BY x.b) y`), table)
	if err != nil {
		return fmt.Errorf("marks %s: %w", table, err)
	}
	return nil
}

// moveMarks adds delta to the bucket of each id (rows of e that entered
// or left its unfiltered list in a REST write). A table without buckets
// (never imported) has none to move: its deep pages walk.
func (db *DB) moveMarks(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, ids []string, delta int64) error {
	table := SQLTable(e.Table)
	q := db.rebind(`INSERT INTO list_marks (table_name, after, slot, n)
		SELECT table_name, MAX(after), ?, ? FROM list_marks WHERE table_name = ? AND after < ? GROUP BY table_name
		ON CONFLICT (table_name, after, slot) DO UPDATE SET n = list_marks.n + excluded.n`)
	for _, id := range ids {
		if _, err := db.txExec(ctx, tx, q, 1+rand.IntN(versionSlots), delta, table, id); err != nil {
			return fmt.Errorf("marks %s: %w", e.Plural, err)
		}
	}
	return nil
}

// seedMarks gives m, the bookmarks of e's unfiltered list in sourcedId
// order, the kept ones, once: the start of every bucket (of every few,
// where there are more than half of maxMarks).
func (db *DB) seedMarks(ctx context.Context, m *marks, e *oneroster.Entity) error {
	m.seed.Lock()
	defer m.seed.Unlock()
	if m.seeded {
		return nil
	}
	q := db.rebind(`SELECT after, SUM(n) FROM list_marks WHERE table_name = ? GROUP BY after ORDER BY after`)
	args := []any{SQLTable(e.Table)}
	db.traced(q, args)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("marks %s: %w", e.Plural, err)
	}
	defer rows.Close()
	var after []string
	var n []int64
	for rows.Next() {
		var a string
		var k int64
		if err := rows.Scan(&a, &k); err != nil {
			return fmt.Errorf("marks %s: %w", e.Plural, err)
		}
		after, n = append(after, a), append(n, k)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("marks %s: %w", e.Plural, err)
	}
	every := 1 + len(after)/(maxMarks/2)
	var at int64
	for i := range after {
		if i > 0 && i%every == 0 {
			m.add(int(at), []string{after[i]})
		}
		at += n[i]
	}
	m.seeded = true
	return nil
}
