package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return pgtest.Open(t) }, importtest.Import)
}

// TestImportLeavesStatistics: an import refreshes the planner statistics
// of the columns that change polls, status filters and relationship lists
// select on (roles.role: without it, /students was a nested loop over
// every student, sorted). Without
// them PostgreSQL guesses that dateLastModified > T keeps a third of a
// table and reads a poll's page by walking the whole table.
func TestImportLeavesStatistics(t *testing.T) {
	st, schema := pgtest.OpenSchema(t)
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	db, err := sql.Open("pgx", pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cols := map[string][]string{"users": nil, "orgs": {"type", "parent_sourced_id"}, "classes": {"school_sourced_id"},
		"enrollments": {"role", "class_sourced_id", "user_sourced_id"}, "roles": {"role", "user_sourced_id", "org_sourced_id"}}
	for table, more := range cols {
		for _, col := range append([]string{"status", "date_last_modified"}, more...) {
			var n int
			err := db.QueryRow(`SELECT count(*) FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3`, schema, table, col).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%s.%s: no planner statistics after the import", table, col)
			}
		}
	}
}

// TestBusyWriter waits out a lock_timeout of 200 ms (set in the URL, as
// an operator may) once.
func TestBusyWriter(t *testing.T) {
	t.Parallel()
	importer, schema := pgtest.OpenSchema(t)
	writer, err := postgres.Open(context.Background(), pgtest.SchemaURL(t, pgtest.URL(t), schema)+"&lock_timeout=200ms")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { writer.Close() })
	storetest.BusyWriter(t, importtest.Import, importer, writer)
}

// TestImportWaitsUnbounded: the connections' lock_timeout bounds REST
// writes, not imports: a second import waits for the first however long
// it takes (here longer than a lock_timeout of 100 ms set in the URL).
func TestImportWaitsUnbounded(t *testing.T) {
	t.Parallel()
	_, schema := pgtest.OpenSchema(t)
	st, err := postgres.Open(context.Background(), pgtest.SchemaURL(t, pgtest.URL(t)+"&lock_timeout=100ms", schema))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	first, err := st.BeginImport(ctx, "first", "")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		second, err := st.BeginImport(ctx, "second", "")
		if err == nil {
			err = second.Rollback()
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if err := first.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("the second import: %v", err)
	}
}

func BenchmarkPuts(b *testing.B) { storetest.BenchPuts(b, importtest.Import, pgtest.Open(b)) }

// TestSchemaMatchesCatalogue: the PostgreSQL migrations build the tables
// the catalogue describes.
func TestSchemaMatchesCatalogue(t *testing.T) {
	t.Parallel()
	_, schema := pgtest.OpenSchema(t)
	db, err := sql.Open("pgx", pgtest.SchemaURL(t, pgtest.URL(t), schema))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckSchema(t, db, "postgres")
}

// TestNotMigrated: Ready tells a database that lacks a migration.
func TestNotMigrated(t *testing.T) {
	t.Parallel()
	st, schema := pgtest.OpenSchema(t)
	db, err := sql.Open("pgx", pgtest.SchemaURL(t, pgtest.URL(t), schema))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.NotMigrated(t, st, db)
}
