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

// MemberPageStatements imports a generated district into st (300
// students, so that every guardian's sourcedId sorts before the first
// student's) and returns the statements of pages of 5 of the lists read
// from the import's member lists (/students, /teachers,
// filter=roles.role='…', a school's students and teachers, a term's
// classes), the first and one in the middle, each read cold. Counts are
// left out: their totals are kept (MemberLists checks that none runs); a
// page must cost in proportion to the page (issue 18). Each engine's
// tests look at the plans.
func MemberPageStatements(t *testing.T, st store.Store, imp Importer) []Statement {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "district")
	if _, err := generate.Write(dir, generate.Options{Students: 300, Schools: 3, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	MustImport(t, imp, st, dir, t1)
	first := func(e *oneroster.Entity, s store.Subset) string {
		page, err := st.List(context.Background(), store.ListRequest{Entity: e, Params: query.Params{Limit: 1}, Within: []store.Subset{s}, IDsOnly: true})
		if err != nil || len(page.Records) == 0 {
			t.Fatalf("no %s of %s: %v", e.Plural, s.Arg, err)
		}
		return page.Records[0].Vals[0]
	}
	school := first(oneroster.Org, store.Subset{Name: store.OrgsOfType, Arg: "school"})
	term := first(oneroster.AcademicSession, store.Subset{Name: store.SessionsOfType, Arg: "term"})
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
		e      *oneroster.Entity
		within []store.Subset
		filter string
	}{
		{"students", oneroster.User, []store.Subset{{Name: store.UsersWithRole, Arg: "student"}}, ""},
		{"teachers", oneroster.User, []store.Subset{{Name: store.UsersWithRole, Arg: "teacher"}}, ""},
		{"roles.role='student'", oneroster.User, nil, "roles.role='student'"},
		{"roles.role='teacher'", oneroster.User, nil, "roles.role='teacher'"},
		{"students of " + school, oneroster.User, []store.Subset{{Name: store.StudentsOfSchool, Arg: school}}, ""},
		{"teachers of " + school, oneroster.User, []store.Subset{{Name: store.TeachersOfSchool, Arg: school}}, ""},
		{"classes of " + term, oneroster.Class, []store.Subset{{Name: store.ClassesOfTerm, Arg: term}}, ""},
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
			page, err := st.List(context.Background(), store.ListRequest{Entity: c.e, Params: p, Within: c.within})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total < 10 || len(page.Records) != 5 {
				t.Fatalf("%s: %d records of %d (want a list of at least 10)", list, len(page.Records), page.Total)
			}
			off = page.Total / 2 // then a page in the middle
		}
	}
	return out
}
