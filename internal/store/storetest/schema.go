package storetest

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// CheckSchema compares the tables a migrated database holds (db, of the
// engine named "sqlite" or "postgres") with the catalogue: every table of
// internal/oneroster/schema, with its columns in order (the catalogue's,
// then metadata, content_hash and import_id) and numbers stored as
// numbers. The two migration sets are written by hand; this is what keeps
// them from drifting from the catalogue and from each other.
func CheckSchema(t *testing.T, db *sql.DB, engine string) {
	t.Helper()
	type column struct{ name, kind string }
	want := map[string][]column{}
	kind := func(numeric bool) string {
		if numeric {
			return "number"
		}
		return "text"
	}
	for _, tb := range schema.Tables {
		var cols []column
		for _, c := range tb.Columns {
			cols = append(cols, column{oneroster.SnakeCase(c.Name), kind(c.Format.Numeric())})
		}
		want[oneroster.SnakeCase(tb.Name)] = cols
	}
	for table, cols := range want {
		want[table] = append(cols, column{"metadata", "text"}, column{"content_hash", "text"}, column{"import_id", "integer"})
	}
	q := `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`
	if engine == "postgres" {
		q = `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	for _, table := range slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
	}) {
		rows, err := db.Query(q, table)
		if err != nil {
			t.Fatalf("columns of %s: %v", table, err)
		}
		var got []column
		for rows.Next() {
			var name, typ string
			if err := rows.Scan(&name, &typ); err != nil {
				t.Fatal(err)
			}
			switch typ = strings.ToLower(typ); {
			case typ == "real" || typ == "double precision":
				typ = "number"
			case typ == "integer" || typ == "bigint":
				typ = "integer"
			case typ == "text":
			}
			got = append(got, column{name, typ})
		}
		rows.Close()
		if len(got) == 0 {
			t.Errorf("%s: no table %s", engine, table)
			continue
		}
		if !slices.Equal(got, want[table]) {
			t.Errorf("%s: table %s has columns\n%v\nthe catalogue wants\n%v", engine, table, got, want[table])
		}
	}
}
