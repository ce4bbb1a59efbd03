package storetest

import (
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// testDeepPaging checks offset paging beyond the depth where the store
// starts pages from remembered sort keys (bookmarks) instead of walking
// the offset: every page, reached in order or by a jump, in every kind of
// order, equals the same slice of the whole collection read at once; and
// a write retires the bookmarks.
func testDeepPaging(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(dir, generate.Options{Students: 1500, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	MustImport(t, imp, st, dir, t1)

	list := func(e *oneroster.Entity, p query.Params, idsOnly bool, off, limit int, sc ...store.Subset) ([]string, int) {
		t.Helper()
		p.Offset, p.Limit = off, limit
		page, err := st.List(ctx, store.ListRequest{Entity: e, Params: p, Within: sc, IDsOnly: idsOnly})
		if err != nil {
			t.Fatalf("List %s offset %d: %v", e.Plural, off, err)
		}
		out := make([]string, len(page.Records))
		for i, r := range page.Records {
			out[i] = r.Vals[0]
		}
		return out, page.Total
	}
	student := filter(t, "givenName>='A'")
	cases := []struct {
		name   string
		e      *oneroster.Entity
		p      query.Params
		within []store.Subset
	}{
		{"default", oneroster.User, query.Params{}, nil},
		{"desc", oneroster.User, query.Params{Desc: true}, nil},
		{"sort", oneroster.User, query.Params{Sort: []string{"familyName"}}, nil},
		{"sort desc (mixed directions)", oneroster.User, query.Params{Sort: []string{"familyName", "givenName"}, Desc: true}, nil},
		{"filter and subset", oneroster.User, query.Params{Filter: student.Filter, Sort: []string{"givenName"}},
			[]store.Subset{{Name: store.UsersWithRole, Arg: "student"}}},
		{"results (bulk pages read in two halves)", oneroster.Result, query.Params{}, nil},
		{"numeric sort (no bookmarks)", oneroster.Result, query.Params{Sort: []string{"score"}}, nil},
		// A fifth of the table or less: sorted apart from the index.
		{"selective filter", oneroster.Result, query.Params{Filter: filter(t, "lineItem.sourcedId<'li-cls-001-B'").Filter}, nil},
	}
	for _, c := range cases {
		for _, idsOnly := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/idsOnly=%v", c.name, idsOnly), func(t *testing.T) {
				all, total := list(c.e, c.p, idsOnly, 0, 10000, c.within...)
				if total < 1200 || len(all) != min(total, 10000) {
					t.Fatalf("collection of %d (%d read): too small to test deep pages", total, len(all))
				}
				slice := func(off, limit int) []string { return all[min(off, len(all)):min(off+limit, len(all))] }
				// all holds the first 10000 at most: compare what it has.
				cut := func(got []string, want []string) []string {
					if len(all) < total && len(got) > len(want) {
						return got[:len(want)]
					}
					return got
				}
				// In order, as a consumer following Link next.
				for off := 0; off < len(all); off += 700 {
					got, _ := list(c.e, c.p, idsOnly, off, 700, c.within...)
					got = cut(got, slice(off, 700))
					if diff := cmp.Diff(slice(off, 700), got); diff != "" {
						t.Fatalf("page at %d (-want +got)\n%s", off, diff)
					}
				}
				// Jumps, deep first, then between and beside bookmarks.
				for _, off := range []int{len(all) - 100, 1000, 999, 2001, 1999, 1700, 2999, len(all) - 1} {
					got, _ := list(c.e, c.p, idsOnly, off, 100, c.within...)
					got = cut(got, slice(off, 100))
					if diff := cmp.Diff(slice(off, 100), got); diff != "" {
						t.Fatalf("jump to %d (-want +got)\n%s", off, diff)
					}
				}
			})
		}
	}

	// Role conditions are written two ways (IN from the roles of a rare
	// role, EXISTS per user for a common one): both must give the users
	// that the roles themselves name.
	for _, role := range []string{"teacher", "student"} {
		t.Run("role "+role, func(t *testing.T) {
			want := map[string]bool{}
			f, err := os.Open(filepath.Join(dir, "roles.csv"))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for _, r := range rows[1:] {
				if r[col["role"]] == role {
					want[r[col["userSourcedId"]]] = true
				}
			}
			wantIDs := make([]string, 0, len(want))
			for id := range want {
				wantIDs = append(wantIDs, id)
			}
			sort.Strings(wantIDs)
			byFilter, _ := list(oneroster.User, filter(t, "roles.role='"+role+"'"), true, 0, 10000)
			bySubset, _ := list(oneroster.User, query.Params{}, false, 0, 10000, store.Subset{Name: store.UsersWithRole, Arg: role})
			if diff := cmp.Diff(wantIDs, byFilter); diff != "" {
				t.Errorf("roles.role='%s' (-roles +users)\n%s", role, diff)
			}
			if diff := cmp.Diff(wantIDs, bySubset); diff != "" {
				t.Errorf("users with role %s (-roles +users)\n%s", role, diff)
			}
		})
	}

	// A write retires the bookmarks: deleting an early result shifts every
	// deep page by one.
	p := query.Params{}
	before, total := list(oneroster.Result, p, true, 2500, 100)
	first, _ := list(oneroster.Result, p, true, 0, 1)
	if err := st.Delete(ctx, oneroster.Result, first[0], march(1)); err != nil {
		t.Fatal(err)
	}
	after, total2 := list(oneroster.Result, p, true, 2499, 100)
	if total2 != total-1 {
		t.Errorf("total after a delete: %d, want %d", total2, total-1)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("deep page after a delete, one earlier (-want +got)\n%s", diff)
	}

	// A write that rewrites a result in place (a new score) moves no row
	// of /results: the next deep page starts from the bookmark its
	// neighbour left before the write, the total is not counted again,
	// and the page is the same. A write that creates a result early in
	// sourcedId order shifts it by one.
	deep, total := list(oneroster.Result, p, true, 3000, 100)
	rec, err := st.Get(ctx, oneroster.Result, deep[0])
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{}
	for i, c := range st.Columns(oneroster.Result) {
		if c != "metadata" && c != "status" && c != "dateLastModified" {
			vals[c] = rec.Vals[i]
		}
	}
	rewrite := func(id, score string, at time.Time) {
		t.Helper()
		v := maps.Clone(vals)
		v["sourcedId"], v["score"] = id, score
		if _, err := st.Put(ctx, oneroster.Result, []store.Object{{Vals: v}}, at); err != nil {
			t.Fatal(err)
		}
	}
	rewrite(deep[0], "71", march(4))
	var walked []string
	tr := st.(Tracer)
	tr.Trace(func(q string, _ []any) {
		if strings.Contains(q, "COUNT(") || strings.Contains(q, "LIMIT 1 OFFSET") {
			walked = append(walked, q)
		}
	})
	again, total2 := list(oneroster.Result, p, true, 3000, 100)
	tr.Trace(nil)
	if total2 != total || len(walked) > 0 {
		t.Errorf("after a score written in place: total %d (was %d); counted or walked again:\n%s", total2, total, strings.Join(walked, "\n"))
	}
	if diff := cmp.Diff(deep, again); diff != "" {
		t.Errorf("deep page after a score written in place (-before +after)\n%s", diff)
	}
	rewrite("!early", "5", march(5)) // sorts before every generated id
	shifted, total3 := list(oneroster.Result, p, true, 3001, 100)
	if total3 != total+1 {
		t.Errorf("total after a result created: %d, want %d", total3, total+1)
	}
	if diff := cmp.Diff(deep, shifted); diff != "" {
		t.Errorf("deep page after a result created, one later (-want +got)\n%s", diff)
	}

	// Kept bookmarks: after each write that moves rows (a creation early,
	// a line item deleted with its results), a deep page of the new shape
	// starts from the bucket kept in the database: no long stride of a
	// walk, and the rows a plain read gives.
	lineItems, _ := list(oneroster.LineItem, p, true, 0, 1)
	for _, write := range []struct {
		name string
		do   func()
	}{
		{"a result created early", func() { rewrite("!early2", "6", march(6)) }},
		{"a line item deleted with its results", func() {
			if err := st.Delete(ctx, oneroster.LineItem, lineItems[0], march(7)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		write.do()
		var pages [][]string
		offsets := []int{total - 200, 5000, 1000, 7777, total / 2}
		for _, off := range offsets {
			// walked is the rows the page's seek stepped over.
			walked := 0
			tr.Trace(func(q string, args []any) {
				if strings.Contains(q, "LIMIT 1 OFFSET") && len(args) > 0 {
					if n, ok := args[len(args)-1].(int); ok {
						walked += n + 1
					}
				}
			})
			got, _ := list(oneroster.Result, p, true, off, 100)
			tr.Trace(nil)
			pages = append(pages, got)
			// A bucket holds about markStride rows, more where writes
			// added to it.
			if walked > 2*markStride {
				t.Errorf("after %s: the page at %d walked %d rows", write.name, off, walked)
			}
		}
		all, _ := list(oneroster.Result, p, true, 0, total+10)
		for i, off := range offsets {
			if diff := cmp.Diff(all[min(off, len(all)):min(off+100, len(all))], pages[i]); diff != "" {
				t.Errorf("after %s: page at %d against a plain read (-want +got)\n%s", write.name, off, diff)
			}
		}
	}
}

// markStride is sqlstore's stride of a walk between bookmarks.
const markStride = 1000

// testVersions: a REST write of a gradebook object changes the version
// that gradebook reads depend on, not the one of rostering reads (whose
// caches stay valid); an import changes both.
func testVersions(t *testing.T, open Opener, imp Importer) {
	st := open(t)
	ctx := context.Background()
	MustImport(t, imp, st, WritePackage(t, DistrictFiles(), ""), t1)
	version := func(e *oneroster.Entity) int64 {
		t.Helper()
		v, err := st.Version(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	u0, r0 := version(oneroster.User), version(oneroster.Result)
	if _, err := st.Put(ctx, oneroster.Result, []store.Object{{Vals: map[string]string{"sourcedId": "res-v", "lineItemSourcedId": "li-1",
		"studentSourcedId": "u-s1", "scoreStatus": "submitted", "scoreDate": "2025-09-09"}}}, march(2)); err != nil {
		t.Fatal(err)
	}
	u1, r1 := version(oneroster.User), version(oneroster.Result)
	if u1 != u0 || r1 <= r0 {
		t.Errorf("after a result PUT: user version %d -> %d (want unchanged), result version %d -> %d (want higher)", u0, u1, r0, r1)
	}
	if err := st.Delete(ctx, oneroster.Result, "res-v", march(3)); err != nil {
		t.Fatal(err)
	}
	if u2, r2 := version(oneroster.User), version(oneroster.Result); u2 != u1 || r2 <= r1 {
		t.Errorf("after a result DELETE: user version %d -> %d, result version %d -> %d", u1, u2, r1, r2)
	}
	r2 := version(oneroster.Result)
	MustImport(t, imp, st, WritePackage(t, DistrictFiles(), ""), t2)
	if u3, r3 := version(oneroster.User), version(oneroster.Result); u3 <= u1 || r3 <= r2 {
		t.Errorf("after an import: user version %d -> %d, result version %d -> %d (want both higher)", u1, u3, r2, r3)
	}
}
