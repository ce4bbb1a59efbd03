// Package sqlstore is the SQL core behind both stores. SQLite and
// PostgreSQL run the same statements: they differ only in placeholders,
// a few functions (the Dialect) and their migration files. Every value
// reaches the database as a bind argument; identifiers come only from the
// catalogue, never from a request.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// Dialect holds what differs between the engines.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Numbered says placeholders are $1, $2… rather than ?.
	Numbered bool
	// Contains returns an SQL expression true when the text expression
	// haystack contains the text expression needle.
	Contains func(haystack, needle string) string
	// TempTable is the statement prefix creating a transaction-local table.
	TempTable string
	// LockMigrations, when set, runs first in the migration transaction so
	// that concurrent processes migrate one at a time.
	LockMigrations string
	// LockImports, when set, runs first in an import's transaction so
	// that imports run one at a time, each seeing what the one before
	// committed. SQLite needs none: an import holds its one writer.
	LockImports string
	// MaxParams bounds the bind arguments of one statement, and MaxRows
	// the rows (or ids) it carries: past a few thousand, a bigger
	// statement saves no round trip worth its parsing.
	MaxParams, MaxRows int
	// KeyedTable ends the definition of a table that is only ever read by
	// its primary key (SQLite: WITHOUT ROWID, one b-tree instead of a
	// table and its key index).
	KeyedTable string
	// Analyze, when set, refreshes the planner statistics of a table
	// (the table name is appended): a table filled inside the import's
	// transaction still has the statistics of an empty one, and PostgreSQL
	// then plans the cross-row checks as nested loops, quadratic in the
	// rows of the file.
	Analyze string
	// PairNotIn says the engine answers "(a, b) NOT IN (SELECT …)" by
	// building a temporary index of the subquery once (SQLite), where
	// NOT EXISTS would probe an index and read a row per candidate pair.
	// PostgreSQL plans NOT EXISTS as a hash anti-join instead, and a large
	// NOT IN there could fall back to a scan per row.
	PairNotIn bool
	// CopyIn, when set, appends rows to a table (SQL names) with the
	// engine's bulk load, on conn inside its open transaction. Values are
	// strings, int64 or nil (NULL); text values mean what they would as
	// bind arguments.
	CopyIn func(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error
	// LockWrites, when set, returns the statement that keeps other
	// transactions from writing to a table (SQL name) until the import
	// commits, readers unaffected. A first load reads the table itself for
	// duplicates, and under PostgreSQL's READ COMMITTED a REST write
	// committed meanwhile would turn up as a duplicate at no line, or fail
	// the import on the primary key. SQLite needs none: its one writer
	// already waits for the import.
	LockWrites func(table string) string
	// ShareImports, when set, runs first in a REST PUT or POST's
	// transaction: it waits while an import (LockImports) or a REST
	// DELETE runs, so the checks of the write see all of either or none
	// of it; PUTs and POSTs do not wait for each other. A DELETE takes
	// LockImports itself: it waits for the writes in flight, so none can
	// commit a reference to what it deletes (rows read FOR SHARE would do
	// it too, but every grade of a class names the same line item, and
	// shared row locks on one row turn into multixacts: BenchmarkPuts
	// +40%). SQLite needs neither: one writer at a time.
	ShareImports string
	// The engines bound how long a statement waits for a lock on the
	// connection (SQLite's busy_timeout, PostgreSQL's lock_timeout), so
	// that a REST write does not wait for a long import without end.
	// LongWait, when set, starts the transactions of imports and
	// migrations and lifts that bound for them: they wait for each other
	// (and a migration for readers) as long as they must. Busy reports an
	// error that means a statement waited the bound out: the client is
	// told to retry later rather than that the server failed.
	LongWait string
	Busy     func(error) bool
	// Unavailable, when set, reports an error that means the database
	// cannot be reached or is not taking work now (restarting, failing
	// over): the client is told to retry shortly, not that the server
	// failed.
	Unavailable func(error) bool
	// Arrays says a list of values binds as one array parameter
	// ("= ANY(?)", "unnest(?, ?)"): one short statement per batch, where
	// thousands of placeholders cost PostgreSQL more to bind and plan than
	// to run.
	Arrays bool
	// UnindexedOrder prefixes sort expressions to keep the planner from
	// reading a table in index order to satisfy ORDER BY (SQLite's unary
	// "+"), for lists whose conditions keep few rows; PostgreSQL plans
	// that from its statistics.
	UnindexedOrder string
}

// DB is a store on one database.
type DB struct {
	r, w *sql.DB // readers; the writer (the same pool on PostgreSQL)
	// ar and aw hold what the token endpoint writes, tokens and failed
	// attempts: the main pools, or on SQLite a file of its own
	// (UseAuthPools), so that a token can be issued while an import holds
	// the main file's one write lock for minutes.
	ar, aw *sql.DB
	d      Dialect
	cols   map[string][]string // table -> CSV column names, in stored order
	// numeric marks "table.column" pairs stored as numbers, where a blank
	// CSV value becomes NULL rather than ''.
	numeric map[string]bool

	// stmts caches prepared read statements by text: a page of users
	// runs the same four statements every time, and parsing them costs
	// as much as running them.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	// wstmts caches the statements of REST writes, prepared on the write
	// pool: a PUT runs a dozen short statements whose parsing cost as
	// much as the rest of the write (BenchmarkPuts, SQLite: 45% of its
	// time). It is never evicted, so a statement is not closed under a
	// transaction using it; past maxCached, statements are not cached.
	wstmts    map[string]*sql.Stmt
	preparing sync.WaitGroup // background prepares of wstmts
	closed    bool
	// cache keeps collection totals and the ids of pages under the data
	// version they were read at; marks keeps the bookmarks of deep pages
	// (keyset.go) and the counts that choose a plan (estimateAt), which
	// say where a page starts or how to read it, not what it holds.
	cache, marks *results
	// migrations are the versions of the migration files, which Ready
	// expects applied.
	migrations []int
	// trace, when set, sees each read statement the store runs (Trace).
	trace atomic.Pointer[func(q string, args []any)]
}

// Trace makes fn see every read statement the store runs from now on,
// with its arguments (a count or a page answered from the cache runs
// none); nil stops it. It is for tests of query plans and for diagnosis.
func (db *DB) Trace(fn func(q string, args []any)) {
	if fn == nil {
		db.trace.Store(nil)
		return
	}
	db.trace.Store(&fn)
}

func (db *DB) traced(q string, args []any) {
	if fn := db.trace.Load(); fn != nil {
		(*fn)(q, args)
	}
}

const maxCached = 512

// prepared returns a cached prepared statement for a read query.
func (db *DB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[q]; ok {
		return st, nil
	}
	st, err := db.r.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(db.stmts) >= maxCached {
		for k, old := range db.stmts {
			old.Close()
			delete(db.stmts, k)
		}
	}
	db.stmts[q] = st
	return st, nil
}

// txExec, txQuery and txQueryRow run q (already rebound) in tx, from a statement
// prepared once on the write pool (see wstmts).
func (db *DB) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := db.writeStmt(ctx, q); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (db *DB) txQuery(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if st := db.writeStmt(ctx, q); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

func (db *DB) txQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := db.writeStmt(ctx, q); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// writeStmt returns the cached write statement for q, or nil while there
// is none: the caller then runs q as is. The statement is prepared in the
// background, on the write pool once a connection is free: the caller's
// transaction holds one (SQLite's only one), so preparing it here could
// wait for ever.
func (db *DB) writeStmt(ctx context.Context, q string) *sql.Stmt {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.wstmts[q]; ok || len(db.wstmts) >= maxCached {
		return st // nil while it is being prepared
	}
	db.wstmts[q] = nil
	db.preparing.Add(1)
	go func() {
		defer db.preparing.Done()
		st, err := db.w.PrepareContext(context.WithoutCancel(ctx), q)
		db.stmtMu.Lock()
		defer db.stmtMu.Unlock()
		switch {
		case err != nil:
			// Left as nil: the query runs unprepared, and says its error.
		case db.closed:
			st.Close()
		default:
			db.wstmts[q] = st
		}
	}()
	return nil
}

// The data version is the sum of counters (slots) that write transactions
// increment: one slot chosen at random, so that concurrent writers seldom
// queue on one row lock. Slots 1–16 count writes to everything (imports);
// slots 17–32 count writes to gradebook tables alone (the REST writes).
// Rostering and resources reads depend on the first group only, so a grade
// written through the API leaves their caches valid; gradebook reads
// depend on both (migrations 0006 and 0007).
const versionSlots = 16

// bumpVersion records a write that may touch any table. Writers call it
// last, just before the commit, to hold the slot's lock briefly.
func bumpVersion(ctx context.Context, tx *sql.Tx) error { return bumpSlot(ctx, tx, 1) }

// bumpSlot increments a random slot of the group whose first id is first.
func bumpSlot(ctx context.Context, tx *sql.Tx, first int) error {
	_, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = `+strconv.Itoa(first+rand.IntN(versionSlots)))
	return err
}

// bumpVersionOf records a write of objects of e (and their link rows).
func bumpVersionOf(ctx context.Context, tx *sql.Tx, e *oneroster.Entity) error {
	if e.Service != "gradebook" {
		return bumpVersion(ctx, tx)
	}
	return bumpSlot(ctx, tx, 1+versionSlots)
}

// bumpShape records a gradebook write that moves rows within lists (an
// object created, revived, deleted or of another status): the third group
// of slots (migration 0013), which shapeVersion sums. A write of another
// service bumps the first group, which shapeVersion sums too.
func bumpShape(ctx context.Context, tx *sql.Tx, e *oneroster.Entity) error {
	if e.Service != "gradebook" {
		return nil
	}
	return bumpSlot(ctx, tx, 1+2*versionSlots)
}

var _ store.Store = (*DB)(nil)

// New wraps open pools and applies the migrations in fsys (files named
// NNNN_name.sql, applied in order, each in its own transaction).
func New(ctx context.Context, reader, writer *sql.DB, d Dialect, fsys fs.FS) (*DB, error) {
	db := &DB{r: reader, w: writer, ar: reader, aw: writer, d: d, cols: map[string][]string{}, numeric: map[string]bool{},
		stmts: map[string]*sql.Stmt{}, wstmts: map[string]*sql.Stmt{}, cache: newResults(32 << 20), marks: newResults(8 << 20)}
	for _, t := range schema.Tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, c.Name)
			if c.Format.Numeric() {
				db.numeric[t.Name+"."+c.Name] = true
			}
		}
		// Every table also keeps the object's metadata: a CSV row's
		// metadata.* cells or a REST body's metadata object, as JSON text.
		db.cols[t.Name] = append(cols, "metadata")
	}
	if err := db.migrate(ctx, fsys); err != nil {
		return nil, err
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	db.closed = true
	db.stmtMu.Unlock()
	db.preparing.Wait()
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	for _, st := range db.wstmts {
		if st != nil {
			st.Close()
		}
	}
	db.stmts, db.wstmts = map[string]*sql.Stmt{}, map[string]*sql.Stmt{}
	db.stmtMu.Unlock()
	var err error
	closed := map[*sql.DB]bool{}
	for _, p := range []*sql.DB{db.r, db.w, db.ar, db.aw} {
		if !closed[p] {
			closed[p] = true
			if cerr := p.Close(); err == nil {
				err = cerr
			}
		}
	}
	return err
}

// CacheResults turns the cache of collection totals and page ids off
// (false) or back on, before the store is used: serve --cache-mb 0 runs
// with no cached answer at all, to measure or to rule out the caches.
// Deep-page bookmarks and the counts that choose plans stay: they make
// no answer, only say where a page starts or how to read it.
func (db *DB) CacheResults(on bool) {
	if on {
		db.cache = newResults(32 << 20)
	} else {
		db.cache = newResults(0)
	}
}

// Unavailable implements store.Store.
func (db *DB) Unavailable(err error) bool {
	return err != nil && db.d.Unavailable != nil && db.d.Unavailable(err)
}

// UseAuthPools makes r and w the pools of the tables the token endpoint
// writes, oauth_tokens and auth_failures, which the caller has created
// there. The store closes them with its own.
func (db *DB) UseAuthPools(r, w *sql.DB) { db.ar, db.aw = r, w }

// Columns returns the CSV columns of e's table in the order Record.Vals
// holds them: the CSV file's columns, then metadata.
func (db *DB) Columns(e *oneroster.Entity) []string { return db.cols[e.Table] }

// SQLTable maps a CSV file base name to its table (userProfiles -> user_profiles).
func SQLTable(name string) string { return oneroster.SnakeCase(name) }

// SQLCol maps a CSV column name to its quoted SQL column.
func SQLCol(name string) string { return `"` + oneroster.SnakeCase(name) + `"` }

// rebind turns ? placeholders into $n for engines that number them. Our
// statements never contain a literal '?', so a plain scan is enough.
func (db *DB) rebind(q string) string {
	if !db.d.Numbered {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	applied := db.appliedMigrations(ctx)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: file %s is not named NNNN_name.sql", name)
		}
		db.migrations = append(db.migrations, v)
		if applied[v] {
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if err := db.applyMigration(ctx, v, name, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// Ready implements store.Store: one read of schema_migrations on the
// reader pool, which both proves the database answers and says what is
// applied.
func (db *DB) Ready(ctx context.Context) error {
	rows, err := db.r.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("store: ready: %w", context.Cause(ctx))
		}
		return fmt.Errorf("store: ready: %w", err)
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("store: ready: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: ready: %w", err)
	}
	if db.ar != db.r {
		if err := db.ar.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ready: the tokens' database: %w", err)
		}
	}
	var missing []string
	for _, v := range db.migrations {
		if !applied[v] {
			missing = append(missing, fmt.Sprintf("%04d", v))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s of %d pending", store.ErrNotMigrated, strings.Join(missing, ", "), len(db.migrations))
	}
	return nil
}

// appliedMigrations reads the versions already applied, without a write
// transaction: a process starting while another one imports (serve, a
// listing of imports, a second import) would otherwise wait for the
// import's write lock on SQLite, and give up after busy_timeout, to learn
// that there is nothing to migrate. Any error (a new database has no
// schema_migrations yet) leaves every migration to applyMigration, which
// checks again under the lock.
func (db *DB) appliedMigrations(ctx context.Context) map[int]bool {
	applied := map[int]bool{}
	rows, err := db.r.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return applied
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if rows.Scan(&v) == nil {
			applied[v] = true
		}
	}
	return applied
}

func (db *DB) applyMigration(ctx context.Context, version int, name, body string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := execSet(ctx, tx, db.d.LongWait, db.d.LockMigrations); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		version, name, Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// execSet runs the dialect statements that are set (not empty) at the
// start of a transaction: the lock waits and locks of imports and
// migrations.
func execSet(ctx context.Context, tx *sql.Tx, stmts ...string) error {
	for _, q := range stmts {
		if q == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Now is the current time in the stored date-time form.
func Now() string { return oneroster.FormatTime(time.Now()) }
