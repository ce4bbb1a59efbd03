package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver oneroster uses
)

// driverCeiling does the work of the sqlite3 shell's .import (the same
// CSV files into plain TEXT tables of a fresh database, one transaction)
// with modernc.org/sqlite, the pure-Go SQLite that oneroster uses, from
// this process. It separates what the driver costs from what oneroster
// adds: the shell is native C, the driver is C translated to Go.
func driverCeiling(ctx context.Context, pkg, path string) (time.Duration, error) {
	files, err := dataFiles(pkg)
	if err != nil {
		return 0, err
	}
	os.Remove(path)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, f := range files {
		if err := driverLoad(ctx, tx, f); err != nil {
			return 0, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// driverLoad inserts one CSV file with a prepared multi-row INSERT.
func driverLoad(ctx context.Context, tx *sql.Tx, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	h, err := r.Read()
	if err != nil {
		return err
	}
	table := quoteIdent(strings.TrimSuffix(filepath.Base(file), ".csv"))
	if _, err := tx.ExecContext(ctx, "CREATE TABLE "+table+" ("+textColumns(h)+")"); err != nil {
		return err
	}
	n := len(h)
	per := max(1, min(100, 30000/n)) // rows per statement, under the bind limit
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
	stmt := func(rows int) (*sql.Stmt, error) {
		return tx.PrepareContext(ctx, "INSERT INTO "+table+" VALUES "+strings.TrimSuffix(strings.Repeat(tuple+",", rows), ","))
	}
	full, err := stmt(per)
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, per*n)
	flush := func(st *sql.Stmt) error {
		_, err := st.ExecContext(ctx, args...)
		args = args[:0]
		return err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		for _, v := range rec {
			args = append(args, v)
		}
		if len(args) == per*n {
			if err := flush(full); err != nil {
				return err
			}
		}
	}
	if len(args) == 0 {
		return nil
	}
	rest, err := stmt(len(args) / n)
	if err != nil {
		return err
	}
	defer rest.Close()
	return flush(rest)
}
