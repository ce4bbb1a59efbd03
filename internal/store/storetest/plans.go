package storetest

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// Statement is one read statement a store ran, for a test of its plan.
type Statement struct {
	// List names the list it served ("students, offset 120").
	List  string
	Query string
	Args  []any
	// Offset is the page's offset: a page read without a bookmark skips
	// that many keys (keyset.go sets bookmarks from markMin on).
	Offset int
}

// Tracer is a store that shows the statements it runs (sqlstore.DB).
type Tracer interface {
	Trace(fn func(q string, args []any))
}

// RolePageStatements imports a generated district into st (300 students,
// so that every guardian's sourcedId sorts before the first student's)
// and returns the statements of pages of 5 of the role-restricted lists
// (/students, /teachers, filter=roles.role='…'), the first and one in
// the middle, each read cold. Counts are left out: a total counts every match by nature;
// a page must cost in proportion to the page (issue 18). Each engine's
// tests look at the plans.
func RolePageStatements(t *testing.T, st store.Store, imp Importer) []Statement {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "district")
	if _, err := generate.Write(dir, generate.Options{Students: 300, Schools: 3, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	MustImport(t, imp, st, dir, t1)
	tr, ok := st.(Tracer)
	if !ok {
		t.Fatalf("%T does not trace its statements", st)
	}
	var mu sync.Mutex
	var out []Statement
	var list string
	var offset int
	tr.Trace(func(q string, args []any) {
		if strings.Contains(q, "COUNT(") {
			return
		}
		mu.Lock()
		out = append(out, Statement{List: list, Query: q, Args: args, Offset: offset})
		mu.Unlock()
	})
	defer tr.Trace(nil)
	for _, c := range []struct {
		name   string
		within []store.Subset
		filter string
	}{
		{"students", []store.Subset{{Name: store.UsersWithRole, Arg: "student"}}, ""},
		{"teachers", []store.Subset{{Name: store.UsersWithRole, Arg: "teacher"}}, ""},
		{"roles.role='student'", nil, "roles.role='student'"},
		{"roles.role='teacher'", nil, "roles.role='teacher'"},
	} {
		off := 0
		for range 2 {
			p := query.Params{Limit: 5, Offset: off}
			if c.filter != "" {
				x, err := query.ParseFilter(c.filter)
				if err != nil {
					t.Fatal(err)
				}
				p.Filter = x
			}
			mu.Lock()
			list, offset = c.name+", offset "+strconv.Itoa(off), off
			mu.Unlock()
			page, err := st.List(context.Background(), store.ListRequest{Entity: oneroster.User, Params: p, Within: c.within})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Records) != 5 {
				t.Fatalf("%s: %d records", list, len(page.Records))
			}
			off = page.Total / 2 // then a page in the middle
		}
	}
	return out
}
