package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestBackupWhileWriting backs up a store while a goroutine writes to it
// and another reads it: each copy opens, passes integrity_check, holds
// the imported district and a prefix of the writes (the database as of
// one commit), and the store is unchanged by it.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.DistrictFiles(), ""), storetest.T1)

	var wrote atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer halt() // also when a check fails the test midway
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := store.Client{ID: fmt.Sprintf("c-%06d", i), Name: "writer", SecretHash: "h", Scopes: "s", CreatedAt: time.Now()}
			if err := st.CreateClient(ctx, c); err != nil {
				t.Errorf("write during backup: %v", err)
				return
			}
			wrote.Add(1)
		}
	})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.Get(ctx, oneroster.Org, "dist-1"); err != nil {
				t.Errorf("read during backup: %v", err)
				return
			}
		}
	})
	for i := range 3 {
		for wrote.Load() < int64(20*(i+1)) { // let writes land between copies
			time.Sleep(time.Millisecond)
		}
		out := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		if err := sqlite.Backup(ctx, path, out); err != nil {
			t.Fatalf("Backup: %v", err)
		}
		before := wrote.Load()
		checkCopy(t, out, before)
	}
	halt()
	if _, err := st.Get(ctx, oneroster.Org, "dist-1"); err != nil {
		t.Errorf("the store after backups: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".tmp" {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

// checkCopy opens a backup and checks it is whole and consistent.
func checkCopy(t *testing.T, path string, atMost int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check of %s: %q %v", path, res, err)
	}
	// The writer names its clients in order: a consistent copy holds the
	// first n of them, with no gap.
	var n int
	var last sql.NullString
	if err := db.QueryRow("SELECT count(*), max(client_id) FROM oauth_clients").Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if int64(n) > atMost || n > 0 && last.String != fmt.Sprintf("c-%06d", n-1) {
		t.Errorf("%s: %d clients, the last %q; want a gapless prefix of at most %d", path, n, last.String, atMost)
	}
	// And it is a store: it opens and answers.
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Get(context.Background(), oneroster.Org, "dist-1"); err != nil {
		t.Errorf("%s: Get(dist-1): %v", path, err)
	}
}

// TestBackupClosedDatabase: a database no process has open backs up
// too; a path with no database fails, creates none and leaves no copy.
func TestBackupClosedDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "closed.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.DistrictFiles(), ""), storetest.T1)
	st.Close()
	out := filepath.Join(dir, "copy.db")
	if err := sqlite.Backup(ctx, path, out); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	checkCopy(t, out, 0)
	if err := sqlite.Backup(ctx, filepath.Join(dir, "none.db"), filepath.Join(dir, "none-copy.db")); err == nil {
		t.Error("a backup of no database succeeded")
	}
	for _, name := range []string{"none.db", "none-copy.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a failed backup left %s", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".tmp" {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}
