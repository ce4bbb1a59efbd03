package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"testing"

	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres"
)

// OpenPostgres opens a store on a new schema of the database named by
// ONEROSTER_TEST_POSTGRES_URL (skipping, or failing in CI, without it),
// dropped at cleanup: tests run in parallel and leave nothing.
func OpenPostgres(tb testing.TB) store.Store {
	tb.Helper()
	st, _ := OpenPostgresSchema(tb)
	return st
}

// OpenPostgresSchema is OpenPostgres, and also returns the schema's name,
// for tests that look at what the store left in the database.
func OpenPostgresSchema(tb testing.TB) (store.Store, string) {
	tb.Helper()
	dsn := PostgresURL(tb)
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
