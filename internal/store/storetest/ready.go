package storetest

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/oneroster/oneroster/internal/store"
)

// testReady: a migrated store is ready; a cancelled context and a closed
// store are not, and say so with an error rather than hanging.
func testReady(t *testing.T, open Opener) {
	st := open(t)
	if err := st.Ready(context.Background()); err != nil {
		t.Fatalf("Ready on a migrated store: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.Ready(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Ready with a cancelled context: %v, want context.Canceled", err)
	}
	st.Close()
	if err := st.Ready(context.Background()); err == nil || errors.Is(err, store.ErrNotMigrated) {
		t.Errorf("Ready on a closed store: %v, want the pool's error", err)
	}
}

// NotMigrated checks that st, whose database db also reaches, answers
// Ready with store.ErrNotMigrated once its latest migration is no longer
// recorded (as after a restore from an older backup).
func NotMigrated(t *testing.T, st store.Store, db *sql.DB) {
	t.Helper()
	if _, err := db.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(context.Background()); !errors.Is(err, store.ErrNotMigrated) {
		t.Errorf("Ready without the latest migration: %v, want store.ErrNotMigrated", err)
	}
}
