package sqlstore

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// inTx runs fn in a write transaction.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.inTxOn(ctx, db.w, fn)
}

// inTxOn runs fn in a write transaction on pool w (the main writer or the
// auth writer, authPools).
func (db *DB) inTxOn(ctx context.Context, w *sql.DB, fn func(*sql.Tx) error) error {
	err := db.runTx(ctx, w, fn)
	if err != nil && db.d.Busy != nil && db.d.Busy(err) {
		return &oneroster.Error{Code: oneroster.CodeServerBusy, Status: http.StatusServiceUnavailable,
			Message: "the database is busy with another write (an import); retry later"}
	}
	return err
}

func (db *DB) runTx(ctx context.Context, w *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
