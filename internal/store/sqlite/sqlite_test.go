package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func open(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) }, importtest.Import)
}

func BenchmarkPuts(b *testing.B) { storetest.BenchPuts(b, importtest.Import, open(b)) }

// TestOpenDuringImport: a process that opens the database while another
// imports (serve, a listing of imports) finds nothing to migrate without
// waiting for the import's write lock (it used to give up after
// busy_timeout).
func TestOpenDuringImport(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tx, err := st.BeginImport(context.Background(), "test", "")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open during an import: %v", err)
	}
	other.Close()
}

// TestBusyWriter waits out a busy_timeout of 200 ms once.
func TestBusyWriter(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "test.db")
	var sts []store.Store
	for range 2 {
		st, err := sqlite.OpenBusy(context.Background(), path, 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		sts = append(sts, st)
	}
	storetest.BusyWriter(t, importtest.Import, sts[0], sts[1])
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	st.Close()
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	page, err := st.List(ctx, store.ListRequest{Entity: storetest.Users, Params: storetest.Limit(10)})
	if err != nil || page.Total != 6 {
		t.Fatalf("after reopen: total %d, err %v", page.Total, err)
	}
}

// TestSchemaMatchesCatalogue: the SQLite migrations build the tables the
// catalogue describes.
func TestSchemaMatchesCatalogue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "schema.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckSchema(t, db, "sqlite")
}

// TestNotMigrated: Ready tells a database that lacks a migration.
func TestNotMigrated(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.NotMigrated(t, st, db)
}
