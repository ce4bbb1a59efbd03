// Package pgtest opens PostgreSQL stores for tests of any package. It
// lives beside the PostgreSQL store, not in the conformance suite, so
// that the suite depends on no store of its own: the stores' tests run
// the suite, and the suite must stay below them.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"

	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres"
)

// URL returns ONEROSTER_TEST_POSTGRES_URL. When it is unset the test is
// skipped, except in CI (CI set), where PostgreSQL tests must run and so
// fail instead.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("ONEROSTER_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("CI is set but ONEROSTER_TEST_POSTGRES_URL is not: PostgreSQL tests must run in CI")
		}
		tb.Skip("PostgreSQL tests skipped: set ONEROSTER_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them")
	}
	return u
}

// Open opens a store on a new schema of the database named by
// ONEROSTER_TEST_POSTGRES_URL (see URL), dropped at cleanup: tests run
// in parallel and leave nothing. With the URL set, a server that cannot
// be reached fails the test.
func Open(tb testing.TB) store.Store {
	tb.Helper()
	st, _ := OpenSchema(tb)
	return st
}

// OpenSchema is Open, and also returns the schema's name, for tests that
// look at what the store left in the database.
func OpenSchema(tb testing.TB) (store.Store, string) {
	tb.Helper()
	dsn := URL(tb)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	st, err := postgres.Open(context.Background(), SchemaURL(tb, dsn, schema))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, schema
}

// SchemaURL is postgres.SchemaURL, failing the test on a bad URL.
func SchemaURL(tb testing.TB, dsn, schema string) string {
	tb.Helper()
	u, err := postgres.SchemaURL(dsn, schema)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
