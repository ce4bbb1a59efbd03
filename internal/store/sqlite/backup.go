package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the SQLite database at path to out,
// while other processes (serve, an import) go on reading and writing it.
//
// VACUUM INTO copies inside one read transaction, so the copy is the
// database as of one commit, whatever commits while it runs (WAL mode
// lets writers go on beside a reader); it is also compacted. The copy is
// written beside out under a temporary name, checked, synced and renamed
// over out, so out is never a half-written file, even if the machine
// stops midway. The source is opened read-only and never migrated: a
// backup takes the database as it is.
func Backup(ctx context.Context, path, out string) error {
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	tmp.Close()
	// VACUUM INTO refuses a target that exists, even empty; CreateTemp
	// only reserved a name nobody else will take.
	if err := os.Remove(name); err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.Remove(name)
		}
	}()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", name); err != nil {
		return fmt.Errorf("back up %s: %w", path, err)
	}
	if err := check(ctx, name); err != nil {
		return err
	}
	// VACUUM INTO does not sync what it writes: sync the copy, then the
	// folder that names it, so that a backup reported done survives a
	// power cut.
	if err := syncFile(name); err != nil {
		return err
	}
	if err := os.Rename(name, out); err != nil {
		return err
	}
	done = true
	return syncFile(filepath.Dir(out))
}

// check runs SQLite's quick_check on the copy: a backup that cannot be
// read back is worse than none, since it is trusted.
func check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("check the copy: %w", err)
	}
	if res != "ok" {
		return errors.New("the copy fails SQLite's quick_check: " + res)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
