// Package postgres opens the store on PostgreSQL through pgx/v5. It keeps
// no state outside the database (no caches, no in-process locks), so any
// number of serve processes can share one database; migrations take a
// transaction-scoped advisory lock so that concurrent starts apply each
// migration once.
package postgres

import (
	"context"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver

	"github.com/oneroster/oneroster/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's flavour of the shared SQL.
var Dialect = sqlstore.Dialect{
	Name:           "postgres",
	Numbered:       true,
	Contains:       func(h, n string) string { return "strpos(" + h + ", " + n + ") > 0" },
	TempTable:      "CREATE TEMP TABLE",
	LockMigrations: "SELECT pg_advisory_xact_lock(7310227105)",
	// Per schema: stores in different schemas of one database are
	// independent.
	LockImports:  "SELECT pg_advisory_xact_lock(731022, hashtext(current_schema()))",
	ShareImports: "SELECT pg_advisory_xact_lock_shared(731022, hashtext(current_schema()))",
	MaxParams:    65000,
	MaxRows:      5000,
	Analyze:      "ANALYZE ",
	CopyIn:       copyIn,
	Arrays:       true,
	// SHARE conflicts with the ROW EXCLUSIVE lock of INSERT, UPDATE and
	// DELETE, not with reads.
	LockWrites: func(table string) string { return "LOCK TABLE " + table + " IN SHARE MODE" },
	// The connections bound every lock wait (Open); imports and
	// migrations wait as long as they must.
	LongWait: "SET LOCAL lock_timeout = 0",
	Busy: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "55P03" // lock_not_available
	},
	Unavailable: unavailable,
}

// SchemaURL is the URL dsn with its search_path set to schema: a store
// opened on it lives in that schema, beside others in one database.
func SchemaURL(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("postgres URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// lockTimeout bounds how long a statement waits for a lock another
// transaction holds (an import's, mostly): as long as SQLite's
// busy_timeout. A REST write that waits it out answers server_busy.
const lockTimeout = "10s"

// Open connects to the database named by dsn (postgres://…) and migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	// Set on the connection, unless the URL sets it: as a statement of
	// every write it cost a round trip each (BenchmarkPuts +8%).
	if _, ok := cfg.RuntimeParams["lock_timeout"]; !ok {
		cfg.RuntimeParams["lock_timeout"] = lockTimeout
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s, err := sqlstore.New(ctx, db, db, Dialect, sub)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return s, nil
}

// unavailable says err means the server could not be reached or is not
// taking work now: a connection that failed or broke (a restart, a
// failover, a network fault), a server shutting down or starting up
// (57P01 to 57P03, admin_shutdown … cannot_connect_now), or one with no
// connection slot left (53300).
func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		pgconn.SafeToRetry(err)
}
