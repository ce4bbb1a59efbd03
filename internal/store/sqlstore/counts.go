package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// The totals of unfiltered lists are kept in list_counts (migration 0014):
// an import recounts every entity table it wrote, and each REST write adds
// what it changed, in its own transaction. A list without filter, subset
// or sharing rule reads its total there: a sum over at most 17 rows,
// where a COUNT read every row of the table (200 ms for 950,000 results on
// SQLite, for every uncached page).

// shownSQL is the condition on the rows an unfiltered list of e shows:
// the active ones where e keeps tombstones, else every row.
func shownSQL(e *oneroster.Entity) string {
	if e.Tombstones {
		return ` WHERE status = 'active'`
	}
	return ``
}

// shown reports whether a row of e with that status is in its unfiltered
// list.
func shown(e *oneroster.Entity, status string) bool { return !e.Tombstones || status == "active" }

// recount sets the kept total of e's table to a count of its rows.
func (db *DB) recount(ctx context.Context, tx *sql.Tx, e *oneroster.Entity) error {
	table := SQLTable(e.Table)
	if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM list_counts WHERE table_name = ?`), table); err != nil {
		return fmt.Errorf("recount %s: %w", table, err)
	}
	_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO list_counts (table_name, slot, n) SELECT ?, 0, COUNT(*) FROM `+table+shownSQL(e)), table)
	if err != nil {
		return fmt.Errorf("recount %s: %w", table, err)
	}
	return nil
}

// addCount adds delta to the kept total of e's table (a REST write's
// rows that entered or left its unfiltered list).
func (db *DB) addCount(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, delta int64) error {
	if delta == 0 {
		return nil
	}
	_, err := db.txExec(ctx, tx, db.rebind(`INSERT INTO list_counts (table_name, slot, n) VALUES (?, ?, ?)
		ON CONFLICT (table_name, slot) DO UPDATE SET n = list_counts.n + excluded.n`), SQLTable(e.Table), 1+rand.IntN(versionSlots), delta)
	if err != nil {
		return fmt.Errorf("count %s: %w", e.Plural, err)
	}
	return nil
}

// keptCount is the kept total named name at version v (cached under it
// like any total): an entity table's unfiltered list, or a role's users
// (memberCountName); ok is false when there is none (a table of a later
// migration that did not fill it).
func (db *DB) keptCount(ctx context.Context, v int64, name string) (n int64, ok bool, err error) {
	q := db.rebind(`SELECT COALESCE(SUM(n), 0), COUNT(CASE WHEN slot = 0 THEN 1 END) FROM list_counts WHERE table_name = ?`)
	args := []any{name}
	res, err := db.cache.get(v, cacheKey("kept", q, args), func() (any, int, error) {
		db.traced(q, args)
		st, err := db.prepared(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		var k [2]int64
		err = st.QueryRowContext(ctx, args...).Scan(&k[0], &k[1])
		return k, 16, err
	})
	if err != nil {
		return 0, false, err
	}
	k := res.([2]int64)
	return k[0], k[1] > 0, nil
}

// entityOfSQLTable is the entity whose objects a SQL table holds, or nil
// (a link table: roles, class_terms, …).
func entityOfSQLTable(table string) *oneroster.Entity {
	for _, e := range oneroster.Entities {
		if SQLTable(e.Table) == table {
			return e
		}
	}
	return nil
}
