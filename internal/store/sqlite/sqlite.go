// Package sqlite opens the embedded default store: a SQLite file through
// modernc.org/sqlite (pure Go, no cgo), in WAL mode with one writer
// connection beside a pool of readers, so long imports never block reads.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver; its errors tell SQLITE_BUSY

	"github.com/oneroster/oneroster/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// authSchema creates the tables of the tokens' file; it is idempotent.
//
//go:embed auth.sql
var authSchema string

// AuthPath is the tokens' file of the database at path: oauth tokens and
// failed token requests, which the token endpoint writes, in a file of
// their own so that an import's write lock on the main file does not stop
// apps from getting tokens.
func AuthPath(path string) string { return path + "-auth" }

// authBusyTimeout bounds a token write's wait for another process's
// token write: those take milliseconds.
const authBusyTimeout = 5 * time.Second

// Dialect is SQLite's flavour of the shared SQL.
var Dialect = sqlstore.Dialect{
	Name:      "sqlite",
	Contains:  func(h, n string) string { return "instr(" + h + ", " + n + ") > 0" },
	TempTable: "CREATE TEMP TABLE",
	MaxParams: 32000,
	// A prepared multi-row INSERT holds a program and a value per bind
	// argument: 500 rows keep it small (2000 cost 25 MiB more at 50k
	// students, and no speed).
	MaxRows:    500,
	KeyedTable: " WITHOUT ROWID",
	PairNotIn:  true,
	// Unary + makes an ORDER BY term unusable for an index.
	UnindexedOrder: "+",
	// SQLITE_BUSY, with its extended codes: another process (an import)
	// held the write lock for all of busy_timeout.
	Busy: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && se.Code()&0xff == 5
	},
}

// BusyTimeout is how long a statement waits for the write lock another
// connection holds (an import's) before it gives up: SQLITE_BUSY, which a
// REST write answers as server_busy.
const BusyTimeout = 10 * time.Second

// Open opens (creating if needed) the SQLite database at path and migrates it.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	return OpenBusy(ctx, path, BusyTimeout)
}

// OpenBusy is Open with another busy timeout: tests of the busy answer
// need not wait 10 s.
func OpenBusy(ctx context.Context, path string, busy time.Duration) (*sqlstore.DB, error) {
	dsn := fileDSN(path, busy)
	// The writer's page cache is small: a bulk import writes far more
	// pages than any cache holds, the operating system's cache serves the
	// re-reads as fast, and the import's memory stays flat (a 64 MiB cache
	// cost 100 MiB of resident memory and no speed). Readers keep a large
	// one for the hot pages of the API's indexes.
	w, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-16384)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn+"&_pragma=cache_size(-65536)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	sub, _ := fs.Sub(migrations, "migrations")
	db, err := sqlstore.New(ctx, r, w, Dialect, sub)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	ar, aw, err := openAuth(ctx, AuthPath(path))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", AuthPath(path), err)
	}
	db.UseAuthPools(ar, aw)
	return db, nil
}

// fileDSN is the driver's name for the file at path, with the pragmas
// every connection runs.
func fileDSN(path string, busy time.Duration) string {
	// busy_timeout first, so that the other pragmas wait for a lock too.
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	return "file:" + path + "?" + q.Encode()
}

// openAuth opens the tokens' file (creating it and its tables if need
// be): a writer of one connection and a few readers, as for the main
// file, with small caches, for tables of a few thousand rows.
func openAuth(ctx context.Context, path string) (r, w *sql.DB, err error) {
	dsn := fileDSN(path, authBusyTimeout) + "&_pragma=cache_size(-2048)"
	if w, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	if _, err = w.ExecContext(ctx, authSchema); err != nil {
		w.Close()
		return nil, nil, err
	}
	if r, err = sql.Open("sqlite", dsn); err != nil {
		w.Close()
		return nil, nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return r, w, nil
}
