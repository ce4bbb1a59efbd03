package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Keyset-backed offsets. OneRoster pages by offset, and an OFFSET makes
// the database step over every row it skips: the last page of 400,000
// users walks 400,000 index entries. So the store remembers, per query and
// data version, the sort key of the row before some offsets (bookmarks),
// and a deep page starts from the nearest bookmark with a keyset
// condition, skipping fewer than markFine rows. Bookmarks come from two
// places: the end of every page served at depth (a consumer following
// Link next never walks), and, for a jump deeper than any bookmark, a walk
// that records one every markStride rows on its way, then every markFine
// rows over the last stride (it costs what the plain OFFSET would, once
// per data version).
//
// A bookmark is exact for the data of its version: it is cached under the
// version like the totals (cache.go), so any write retires it.

const (
	markStride = 1000 // rows between walk bookmarks
	markFine   = 100  // rows between the bookmarks of the walk's last stride
	markMin    = 1000 // shallower pages use plain OFFSET
	maxMarks   = 4096 // per query and version
)

// sortKey is one column of a list's order; the last is always sourcedId.
type sortKey struct {
	col  string // CSV column name
	desc bool
}

// sortKeys orders on the requested scalar properties, then on sourcedId so
// that offset paging never repeats or skips a record. Unknown or
// non-scalar sort properties are ignored (rest-query.md §2).
func sortKeys(e *oneroster.Entity, sortBy []string, desc bool) []sortKey {
	var keys []sortKey
	for _, name := range sortBy {
		f := e.Field(name)
		if f == nil || !f.Kind.Scalar() || f.Col == "sourcedId" {
			continue
		}
		keys = append(keys, sortKey{f.Col, desc})
	}
	// Without a sort property, desc orders the sourcedIds themselves.
	return append(keys, sortKey{"sourcedId", desc && len(keys) == 0})
}

func orderSQL(keys []sortKey) string { return orderSQLWith(keys, "") }

// orderSQLWith prefixes every sort expression (see Dialect.UnindexedOrder).
func orderSQLWith(keys []sortKey, prefix string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = prefix + "t." + SQLCol(k.col)
		if k.desc {
			parts[i] += " DESC"
		}
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

// keyCols selects the key columns, sourcedId first (where callers expect
// the id), then the others in order.
func keyCols(keys []sortKey) string {
	s := "t.sourced_id"
	for _, k := range keys[:len(keys)-1] {
		s += ", t." + SQLCol(k.col)
	}
	return s
}

// keyVals returns the key values of a row selected by keyCols, in the
// order of keys.
func keyVals(vals []string) []string {
	return append(append([]string(nil), vals[1:]...), vals[0])
}

// keyset reports whether bookmarks can serve this order: every key column
// is NOT NULL text (numbers may be NULL, which the engines order
// differently and a comparison would drop).
func (db *DB) keyset(table string, keys []sortKey) bool {
	for _, k := range keys {
		if db.numeric[table+"."+k.col] {
			return false
		}
	}
	return true
}

// afterSQL is the condition "the row sorts after the one whose key values
// are vals".
func afterSQL(keys []sortKey, vals []string) (string, []any) {
	uniform := true
	for _, k := range keys {
		uniform = uniform && k.desc == keys[0].desc
	}
	op := " > "
	if keys[0].desc {
		op = " < "
	}
	if uniform {
		// A row value: one range over an index on these columns.
		cols := make([]string, len(keys))
		for i, k := range keys {
			cols[i] = "t." + SQLCol(k.col)
		}
		if len(keys) == 1 {
			return cols[0] + op + "?", []any{vals[0]}
		}
		return "(" + strings.Join(cols, ", ") + ")" + op + "(" + placeholders(len(keys)) + ")", anys(vals)
	}
	// Mixed directions (a descending sort, then sourcedId ascending):
	// a > b on (k1, k2, …) is k1 > b1 OR (k1 = b1 AND (k2 > b2 OR …)).
	var cond string
	var args []any
	for i := len(keys) - 1; i >= 0; i-- {
		col := "t." + SQLCol(keys[i].col)
		op := " > "
		if keys[i].desc {
			op = " < "
		}
		if cond == "" {
			cond, args = col+op+"?", []any{vals[i]}
			continue
		}
		cond = "(" + col + op + "? OR (" + col + " = ? AND " + cond + "))"
		args = append([]any{vals[i], vals[i]}, args...)
	}
	return cond, args
}

// marks holds the bookmarks of one query at one data version: at[i] is an
// offset, vals[i] the key values of the row just before it.
type marks struct {
	mu   sync.Mutex
	at   []int
	vals [][]string
	// seed guards seeded: the kept bookmarks were added (keptmarks.go).
	seed   sync.Mutex
	seeded bool
}

// nearest returns the deepest bookmark at or before off (0, nil: none).
func (m *marks) nearest(off int) (int, []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := sort.SearchInts(m.at, off+1) - 1
	if i < 0 {
		return 0, nil
	}
	return m.at[i], m.vals[i]
}

func (m *marks) add(off int, vals []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := sort.SearchInts(m.at, off)
	if i < len(m.at) && m.at[i] == off || len(m.at) >= maxMarks {
		return
	}
	m.at = append(m.at, 0)
	copy(m.at[i+1:], m.at[i:])
	m.at[i] = off
	m.vals = append(m.vals, nil)
	copy(m.vals[i+1:], m.vals[i:])
	m.vals[i] = vals
}

// bookmarks returns the bookmarks of a query (its FROM, WHERE and ORDER
// BY text and arguments) at version v.
func (db *DB) bookmarks(v int64, q string, args []any) *marks {
	m, _ := db.marks.get(v, cacheKey("marks", q, args), func() (any, int, error) {
		return &marks{}, 64 << 10, nil // room for the bookmarks to come
	})
	return m.(*marks)
}

// seek finds where a page at offset off starts: the deepest usable
// bookmark (walking from it, and recording bookmarks, when it is more
// than a stride away). It returns the bookmark's offset and key values.
func (db *DB) seek(ctx context.Context, m *marks, from string, w *where, keys []sortKey, off int) (int, []string, error) {
	at, vals := m.nearest(off)
	order := orderSQL(keys)
	// Long strides to the target's neighbourhood, then short ones: pages
	// near a deep one (the previous page, a consumer's retry) then skip
	// fewer than markFine rows. On PostgreSQL a skipped row may cost a
	// heap visit (index-only scans need a vacuumed table), so the skip
	// matters there most.
	for stride := markStride; off-at >= markFine; {
		if off-at < stride {
			stride = markFine
		}
		ww := w
		if vals != nil {
			c, a := afterSQL(keys, vals)
			ww = w.and(c, a...)
		}
		q := db.rebind(`SELECT ` + keyCols(keys) + from + ww.sql() + order + ` LIMIT 1 OFFSET ?`)
		recs, err := db.query(ctx, q, append(ww.args, stride-1), len(keys))
		if err != nil {
			return 0, nil, fmt.Errorf("seek: %w", err)
		}
		if len(recs) == 0 {
			break // fewer rows than the count said: a write raced us
		}
		at, vals = at+stride, keyVals(recs[0].Vals)
		m.add(at, vals)
	}
	return at, vals, nil
}

// colIndex is the position of a CSV column in the records of table.
func (db *DB) colIndex(table, col string) int {
	for i, c := range db.cols[table] {
		if c == col {
			return i
		}
	}
	panic("sqlstore: no column " + table + "." + col)
}
