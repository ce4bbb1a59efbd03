package main

// The schema floor answers why the import misses its target against the
// ceiling: the ceiling writes plain tables without an index, while any
// import into oneroster's schema pays for primary keys, secondary indexes,
// the WAL and more columns. Moving the rows already loaded by the ceiling
// into a fresh oneroster database with INSERT … SELECT, in one transaction,
// costs exactly that and nothing of oneroster's own (no CSV parsing, no
// validation, no hashing in Go): it is the fastest any import into this
// schema could be on this engine.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store/postgres"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// floorTime is one timed floor run.
type floorTime struct {
	Metric string
	Wall   time.Duration
}

// floorDLM stands in for dateLastModified, which bulk rows leave blank and
// the importer fills with the import's time.
const floorDLM = "'2026-11-27T00:00:00.000Z'"

// floorBases lists the package's data files in dependency order, the order
// the importer writes them in, with their CSV headers.
func floorBases(pkg string) (bases []string, headers [][]string, err error) {
	for _, f := range csvbind.Files {
		path := filepath.Join(pkg, f.Name)
		if _, err := os.Stat(path); err != nil {
			continue // an absent file: the ceiling has no table for it either
		}
		h, err := csvHeader(path)
		if err != nil {
			return nil, nil, err
		}
		for i := range h {
			h[i] = strings.TrimPrefix(h[i], "\ufeff")
		}
		bases = append(bases, strings.TrimSuffix(f.Name, ".csv"))
		headers = append(headers, h)
	}
	return bases, headers, nil
}

// floorStatements builds one INSERT … SELECT per data file of pkg, from
// the ceiling's table of the file (source prefixes its name) into
// oneroster's (target prefixes it). columns returns the declared type of
// each column of a oneroster table: a CSV column oneroster does not store
// as a column of its own is left out rather than guessed at. expr
// converts a source column to what the importer would bind, and hash
// stands in for the content hash.
func floorStatements(pkg, source, target string, columns func(table string) (map[string]string, error),
	expr func(src, typ string) string, hash string) ([]string, error) {
	bases, headers, err := floorBases(pkg)
	if err != nil {
		return nil, err
	}
	var stmts []string
	for i, base := range bases {
		table := oneroster.SnakeCase(base) // the catalogue's naming rule for tables and columns
		types, err := columns(table)
		if err != nil {
			return nil, err
		}
		if len(types) == 0 {
			return nil, fmt.Errorf("schema floor: oneroster has no table %s for %s.csv", table, base)
		}
		var cols, sels []string
		for _, h := range headers[i] {
			col := `"` + oneroster.SnakeCase(h) + `"`
			typ := types[strings.Trim(col, `"`)]
			if typ == "" {
				continue
			}
			cols = append(cols, col)
			switch h {
			case "status":
				sels = append(sels, "'active'")
			case "dateLastModified":
				sels = append(sels, floorDLM)
			default:
				sels = append(sels, expr(quoteIdent(h), typ))
			}
		}
		cols, sels = append(cols, "content_hash", "import_id"), append(sels, hash, "1")
		stmts = append(stmts, "INSERT INTO "+target+table+" ("+strings.Join(cols, ", ")+") SELECT "+
			strings.Join(sels, ", ")+" FROM "+source+quoteIdent(base))
	}
	return stmts, nil
}

// nameTypes collects (name, type) rows into a map.
func nameTypes(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, upper bool) (map[string]string, error) {
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		if upper {
			typ = strings.ToUpper(typ)
		}
		types[name] = typ
	}
	return types, rows.Err()
}

// newSQLiteStore creates a fresh database with oneroster's schema, through
// the same migrations a real store runs.
func newSQLiteStore(ctx context.Context, path string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	return db.Close()
}

// sqliteFloorStatements reads the target columns' declared types from a
// fresh oneroster database and builds the statements reading from the
// ceiling database attached as "ceiling".
func sqliteFloorStatements(ctx context.Context, pkg, store string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+store)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return floorStatements(pkg, "ceiling.", "", func(table string) (map[string]string, error) {
		rows, err := db.QueryContext(ctx, "SELECT name, type FROM pragma_table_info(?)", table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return nameTypes(rows, true)
	}, func(src, typ string) string {
		// sqlstore binds NULL for a blank number; the column's affinity
		// turns the remaining text into a number.
		if strings.Contains(typ, "INT") || strings.Contains(typ, "REAL") {
			return "NULLIF(" + src + ", '')"
		}
		return src
	}, "hex(randomblob(16))")
}

// sqliteFloor times the floor twice from the ceiling database: with the
// sqlite3 shell (native C, like the ceiling) and with modernc.org/sqlite in
// this process (the driver oneroster runs on), each into its own fresh
// oneroster database. The pragmas are those of oneroster's writer.
func sqliteFloor(ctx context.Context, pkg, ceilingDB, dir string) ([]floorTime, error) {
	shellDB, driverDB := filepath.Join(dir, "floor-shell.db"), filepath.Join(dir, "floor-driver.db")
	for _, p := range []string{shellDB, driverDB} {
		if err := newSQLiteStore(ctx, p); err != nil {
			return nil, err
		}
	}
	stmts, err := sqliteFloorStatements(ctx, pkg, shellDB)
	if err != nil {
		return nil, err
	}
	attach := "ATTACH DATABASE '" + strings.ReplaceAll(ceilingDB, "'", "''") + "' AS ceiling"

	var script strings.Builder
	script.WriteString(".bail on\npragma journal_mode=wal;\npragma synchronous=normal;\npragma cache_size=-16384;\n")
	script.WriteString(attach + ";\nBEGIN;\n")
	for _, s := range stmts {
		script.WriteString(s + ";\n")
	}
	script.WriteString("COMMIT;\n")
	shell, err := runMeasured(ctx, strings.NewReader(script.String()), "sqlite3", shellDB)
	if err != nil {
		return nil, fmt.Errorf("schema floor, sqlite3 shell: %w", err)
	}

	drv, err := driverFloor(ctx, driverDB, attach, stmts)
	if err != nil {
		return nil, fmt.Errorf("schema floor, modernc.org/sqlite: %w", err)
	}
	const what = "import: schema floor, %s moving the rows from the plain tables into oneroster's tables (indexes, WAL; no parsing, no validation)"
	return []floorTime{
		{fmt.Sprintf(what, "sqlite3 shell"), shell.Wall},
		{fmt.Sprintf(what, "modernc.org/sqlite"), drv},
	}, nil
}

// driverFloor runs the floor statements through modernc.org/sqlite. The
// clock starts before the connection opens, as the shell's does.
func driverFloor(ctx context.Context, path, attach string, stmts []string) (time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-16384)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	// ATTACH holds for one connection only.
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, attach); err != nil {
		return 0, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// floor migrates the floor schema with oneroster's own migrations, then
// times one transaction moving the COPY ceiling's rows into it.
func (p *pgSchemas) floor(ctx context.Context, pkg string) ([]floorTime, error) {
	dsn, err := postgres.SchemaURL(p.url, p.floored)
	if err != nil {
		return nil, err
	}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, p.url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	stmts, err := floorStatements(pkg, p.copied+".", p.floored+".", func(table string) (map[string]string, error) {
		rows, err := conn.Query(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2", p.floored, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return nameTypes(rows, false)
	}, func(src, typ string) string {
		// COPY reads an empty field as NULL; oneroster stores blank text
		// as '' and a blank number as NULL.
		if typ == "text" {
			return "coalesce(" + src + ", '')"
		}
		return "NULLIF(" + src + ", '')::" + typ
	}, `md5("sourcedId")`)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return nil, fmt.Errorf("schema floor: %s: %w", s, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return []floorTime{{"import: schema floor, PostgreSQL moving the rows from the COPY tables into oneroster's tables (indexes, WAL; no parsing, no validation)",
		time.Since(start)}}, nil
}
