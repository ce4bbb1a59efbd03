package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// results caches the answers of read queries (collection totals, the ids
// of a page) under the data version they were computed at. Every write
// transaction of any process bumps the version in the database, so an
// entry is valid exactly while its version is the current one. Entries
// must not be modified by their readers. The cache is bounded in bytes
// and emptied when full: simple, and a full cache means a workload that
// does not repeat itself anyway.
type results struct {
	mu    sync.Mutex
	m     map[string]resultEntry
	bytes int
	max   int
	// group makes concurrent misses of one key share one query: without
	// it, a burst of identical requests after a write would all run it.
	group singleflight.Group
}

type resultEntry struct {
	version int64
	val     any
	size    int
}

func newResults(maxBytes int) *results {
	return &results{m: map[string]resultEntry{}, max: maxBytes}
}

// get returns the value cached for key at version v, or runs load, which
// returns the value and its approximate size in bytes.
func (c *results) get(v int64, key string, load func() (any, int, error)) (any, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && e.version == v {
		return e.val, nil
	}
	val, err, _ := c.group.Do(strconv.FormatInt(v, 10)+"\x00"+key, func() (any, error) {
		val, size, err := load()
		if err != nil {
			return nil, err
		}
		size += len(key) + 64
		c.mu.Lock()
		defer c.mu.Unlock()
		if old, ok := c.m[key]; ok {
			c.bytes -= old.size
			delete(c.m, key)
		}
		if size > c.max/16 {
			return val, nil // too large to be worth its room
		}
		if c.bytes+size > c.max {
			clear(c.m)
			c.bytes = 0
		}
		c.m[key] = resultEntry{v, val, size}
		c.bytes += size
		return val, nil
	})
	return val, err
}

// cacheKey identifies a query by its text and bind arguments.
func cacheKey(kind, q string, args []any) string {
	var b strings.Builder
	b.Grow(len(kind) + len(q) + 16*len(args))
	b.WriteString(kind)
	b.WriteByte(0)
	b.WriteString(q)
	for _, a := range args {
		b.WriteByte(0)
		switch x := a.(type) {
		case string:
			b.WriteString(x)
		case int:
			b.WriteString(strconv.Itoa(x))
		case int64:
			b.WriteString(strconv.FormatInt(x, 10))
		default:
			fmt.Fprint(&b, x)
		}
	}
	return b.String()
}

// Version reads the data version that reads of e depend on: the sum of
// the slots that the writes e depends on bump (see bumpVersion).
func (db *DB) Version(ctx context.Context, e *oneroster.Entity) (int64, error) {
	q := `SELECT CAST(SUM(version) AS BIGINT) FROM data_version WHERE id <= ` + strconv.Itoa(versionSlots)
	if e.Service == "gradebook" {
		q = `SELECT CAST(SUM(version) AS BIGINT) FROM data_version`
	}
	return db.sumVersion(ctx, q)
}

// shapeVersion is the version under which the total and the bookmarks of
// a gradebook list that only an object's creation, deletion or change of
// status can alter are kept (steady): every write of the first group, and
// the gradebook writes that moved rows (bumpShape), not those that
// rewrote objects in place. It is never equal to a Version of the same
// moment by accident of meaning: the caches key them apart.
func (db *DB) shapeVersion(ctx context.Context) (int64, error) {
	return db.sumVersion(ctx, `SELECT CAST(SUM(version) AS BIGINT) FROM data_version WHERE id <= `+strconv.Itoa(versionSlots)+
		` OR id > `+strconv.Itoa(2*versionSlots))
}

func (db *DB) sumVersion(ctx context.Context, q string) (int64, error) {
	st, err := db.prepared(ctx, q)
	if err != nil {
		return 0, err
	}
	var v int64
	err = st.QueryRowContext(ctx).Scan(&v)
	return v, err
}
