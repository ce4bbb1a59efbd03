package storetest

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// testKeptCounts: the total of every unfiltered list, which the store
// keeps rather than counts (list_counts), equals a count of the rows the
// list shows, after an import, after REST writes that create, rewrite in
// place, delete with a cascade, revive and end objects, and after another
// import. The count it is checked against is the general path's: the
// same list with a filter true of every object.
func testKeptCounts(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	if c, ok := st.(interface{ CacheResults(bool) }); ok {
		c.CacheResults(false) // every total read afresh
	}
	dir := filepath.Join(t.TempDir(), "district")
	if _, err := generate.Write(dir, generate.Options{Students: 120, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	MustImport(t, imp, st, dir, t1)
	everything, err := query.ParseFilter("sourcedId!='~'")
	if err != nil {
		t.Fatal(err)
	}
	total := func(e *oneroster.Entity, f query.Expr) int {
		t.Helper()
		page, err := st.List(ctx, store.ListRequest{Entity: e, Params: query.Params{Limit: 1, Filter: f}, IDsOnly: true})
		if err != nil {
			t.Fatalf("%s: %v", e.Plural, err)
		}
		return page.Total
	}
	tr, _ := st.(Tracer)
	check := func(when string) {
		t.Helper()
		for _, e := range oneroster.Entities {
			var counts []string
			if tr != nil {
				tr.Trace(func(q string, _ []any) {
					if strings.Contains(q, "COUNT(*) FROM") {
						counts = append(counts, q)
					}
				})
			}
			kept := total(e, nil)
			if tr != nil {
				tr.Trace(nil)
			}
			if counted := total(e, everything); kept != counted {
				t.Errorf("%s: %s total %d, counted %d", when, e.Plural, kept, counted)
			}
			if len(counts) > 0 {
				t.Errorf("%s: the unfiltered list of %s counted its rows: %s", when, e.Plural, counts[0])
			}
		}
	}
	check("after the import")
	first := func(e *oneroster.Entity) map[string]string {
		t.Helper()
		page, err := st.List(ctx, store.ListRequest{Entity: e, Params: query.Params{Limit: 1}})
		if err != nil || len(page.Records) == 0 {
			t.Fatalf("%s: %v", e.Plural, err)
		}
		vals := map[string]string{}
		for i, c := range st.Columns(e) {
			if c != "metadata" && c != "dateLastModified" {
				vals[c] = page.Records[0].Vals[i]
			}
		}
		return vals
	}
	put := func(e *oneroster.Entity, vals map[string]string, set map[string]string, at time.Time) {
		t.Helper()
		v := maps.Clone(vals)
		maps.Copy(v, set)
		if _, err := st.Put(ctx, e, []store.Object{{Vals: v}}, at); err != nil {
			t.Fatalf("PUT %s %s: %v", e.Name, v["sourcedId"], err)
		}
	}
	res := first(oneroster.Result)
	put(oneroster.Result, res, map[string]string{"sourcedId": "kept-new", "status": "active"}, march(1))
	check("after a result created")
	put(oneroster.Result, res, map[string]string{"sourcedId": "kept-new", "status": "active", "score": "12"}, march(2))
	check("after a result rewritten in place")
	put(oneroster.Result, res, map[string]string{"sourcedId": "kept-new", "status": "tobedeleted"}, march(3))
	check("after a result ended by a PUT")
	li := first(oneroster.LineItem)
	if err := st.Delete(ctx, oneroster.LineItem, li["sourcedId"], march(4)); err != nil {
		t.Fatal(err)
	}
	check("after a line item deleted with its results")
	put(oneroster.LineItem, li, map[string]string{"status": "active"}, march(5))
	check("after the line item revived")
	MustImport(t, imp, st, dir, t2)
	check("after the import again")
}
