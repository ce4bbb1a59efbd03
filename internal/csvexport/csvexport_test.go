package csvexport_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

func open(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestRoundTrip: export, import into an empty store, export again: the
// same bytes, as a folder and as a zip.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	pkg := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(pkg, generate.Options{Students: 120, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	a := open(t)
	importtest.MustImport(t, a, pkg, storetest.T1)
	// Metadata columns survive too.
	meta := storetest.FullFiles()
	meta["orgs.csv"] = strings.Replace(meta["orgs.csv"], "parentSourcedId\n", "parentSourcedId,metadata.acme:houseName\n", 1)
	meta["orgs.csv"] = strings.ReplaceAll(meta["orgs.csv"], ",dist-1\n", ",dist-1,Blue\n")
	meta["orgs.csv"] = strings.Replace(meta["orgs.csv"], ",NCES-1,\n", ",NCES-1,,\n", 1)
	meta["orgs.csv"] = strings.Replace(meta["orgs.csv"], ",D1,sch.2@x\n", ",D1,sch.2@x,\n", 1)
	m := open(t)
	importtest.MustImport(t, m, storetest.WritePackage(t, meta, ""), storetest.T1)

	for name, st := range map[string]store.Store{"generated": a, "fixture": m} {
		dir1 := filepath.Join(t.TempDir(), "e1")
		if _, err := csvexport.Export(ctx, st, dir1, csvexport.Options{}); err != nil {
			t.Fatal(err)
		}
		b := open(t)
		importtest.MustImport(t, b, dir1, storetest.T1.Add(time.Hour))
		dir2 := filepath.Join(t.TempDir(), "e2")
		if _, err := csvexport.Export(ctx, b, dir2, csvexport.Options{}); err != nil {
			t.Fatal(err)
		}
		first, second := readDir(t, dir1), readDir(t, dir2)
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("%s: export → import → export differs (-first +second)\n%s", name, diff)
		}
		if name == "fixture" && !strings.Contains(first["orgs.csv"], "metadata.acme:houseName") {
			t.Errorf("metadata column lost:\n%s", first["orgs.csv"])
		}
		if name == "generated" && len(first) < 15 {
			t.Errorf("only %d files exported", len(first))
		}
		z1, z2 := filepath.Join(t.TempDir(), "a.zip"), filepath.Join(t.TempDir(), "b.zip")
		csvexport.Export(ctx, st, z1, csvexport.Options{})
		csvexport.Export(ctx, b, z2, csvexport.Options{})
		b1, _ := os.ReadFile(z1)
		b2, _ := os.ReadFile(z2)
		if len(b1) == 0 || !bytes.Equal(b1, b2) {
			t.Errorf("%s: zip exports differ (%d and %d bytes)", name, len(b1), len(b2))
		}
	}
}

// TestDeltaSince: a --since export holds exactly the rows changed after
// the time, deletions included, as a delta package that imports.
func TestDeltaSince(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.FullFiles(), ""), storetest.T1)
	t2 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := st.Put(ctx, oneroster.Result, []store.Object{{Vals: map[string]string{"sourcedId": "res-1", "lineItemSourcedId": "li-1",
		"studentSourcedId": "u-s1", "scoreStatus": "fully graded", "score": "10", "scoreDate": "2025-09-08", "classSourcedId": "cl-1"}}}, t2); err != nil {
		t.Fatal(err)
	}
	// A category that an active line item uses is not deleted; deleting
	// the line item takes its results and link rows with it.
	if err := st.Delete(ctx, oneroster.Category, "cat-test", t2); err == nil || !strings.Contains(err.Error(), "lineItem li-2 (category)") {
		t.Fatalf("deleting a category in use: %v", err)
	}
	for _, d := range []struct {
		e  *oneroster.Entity
		id string
	}{{oneroster.LineItem, "li-2"}, {oneroster.Category, "cat-test"}} {
		if err := st.Delete(ctx, d.e, d.id, t2); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "d")
	sum, err := csvexport.Export(ctx, st, dir, csvexport.Options{Since: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"results.csv": 2, "categories.csv": 1, "lineItems.csv": 1, "lineItemScoreScales.csv": 1,
		"lineItemLearningObjectiveIds.csv": 2, "resultScoreScales.csv": 1, "resultLearningObjectiveIds.csv": 1}, sum.Files); diff != "" {
		t.Errorf("delta files (-want +got)\n%s", diff)
	}
	files := readDir(t, dir)
	if !strings.Contains(files["categories.csv"], "cat-test,tobedeleted,2026-05-01T00:00:00.000Z,Tests,80") ||
		!strings.Contains(files["results.csv"], "res-1,active,2026-05-01T00:00:00.000Z,li-1,u-s1,fully graded,10,") ||
		!strings.Contains(files["manifest.csv"], "file.results,delta") || !strings.Contains(files["manifest.csv"], "file.users,absent") {
		t.Errorf("delta package:\n%v", files)
	}
	// The delta applies to a copy of the original district.
	other := open(t)
	importtest.MustImport(t, other, storetest.WritePackage(t, storetest.FullFiles(), ""), storetest.T1)
	importtest.MustImport(t, other, dir, storetest.T1.Add(time.Hour))
	for _, g := range []struct {
		e  *oneroster.Entity
		id string
	}{{oneroster.Category, "cat-test"}, {oneroster.LineItem, "li-2"}, {oneroster.Result, "res-3"}} {
		if _, err := other.Get(ctx, g.e, g.id); err == nil {
			t.Errorf("the deletion of %s %s did not travel", g.e.Name, g.id)
		}
	}
}

// TestClientExport (issue 16 item 5): the package a client with sharing
// rules may see is, byte for byte, the bulk export of a store holding
// only what its rule allows (storetest.VisiblePackage, built from the CSV
// rows without SQL), with the same hidden columns blank and files left
// out. Both engines.
func TestClientExport(t *testing.T) {
	ctx := context.Background()
	pkg := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(pkg, generate.Options{Students: 300, Schools: 3, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	orgs := []string{"org/sch-002"}
	blank, skip := csvexport.Hidden(map[string]bool{"user.phone": true, "user.metadata": true, "demographics": true, "lineItem.learningObjectiveSet": true})
	if !blank["users.phone"] || !skip["demographics"] || !skip["lineItemLearningObjectiveIds"] {
		t.Fatalf("Hidden: blank %v, skip %v", blank, skip)
	}
	for _, eng := range []struct {
		name string
		open func(t *testing.T) store.Store
	}{{"sqlite", open}, {"postgres", func(t *testing.T) store.Store { return pgtest.Open(t) }}} {
		t.Run(eng.name, func(t *testing.T) {
			main, oracle := eng.open(t), eng.open(t)
			importtest.MustImport(t, main, pkg, storetest.T1)
			importtest.MustImport(t, oracle, storetest.VisiblePackage(t, pkg, orgs), storetest.T1)
			got, want := filepath.Join(t.TempDir(), "got"), filepath.Join(t.TempDir(), "want")
			if _, err := csvexport.Export(ctx, main, got, csvexport.Options{Blank: blank, Skip: skip,
				Visible: []store.Subset{{Name: store.Visible, Arg: strings.Join(orgs, " ")}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := csvexport.Export(ctx, oracle, want, csvexport.Options{Blank: blank, Skip: skip}); err != nil {
				t.Fatal(err)
			}
			g, w := readDir(t, got), readDir(t, want)
			users, err := csv.NewReader(strings.NewReader(g["users.csv"])).ReadAll()
			if err != nil || len(users) < 100 {
				t.Fatalf("users.csv: %d rows, %v", len(users), err)
			}
			phone := slices.Index(users[0], "phone")
			phones := 0
			for _, u := range users[1:] {
				if u[phone] != "" {
					phones++
				}
			}
			if len(g) < 15 || g["demographics.csv"] != "" || phones != 0 || strings.Contains(g["users.csv"], "metadata.") {
				t.Errorf("the client's package: %d files, demographics %d bytes, %d phone numbers, metadata columns %v",
					len(g), len(g["demographics.csv"]), phones, strings.Contains(g["users.csv"], "metadata."))
			}
			for name := range w {
				if g[name] != w[name] {
					t.Errorf("%s differs from the oracle's (%d and %d bytes)\n%.2000s", name, len(g[name]), len(w[name]), cmp.Diff(w[name], g[name]))
				}
			}
			for name := range g {
				if _, ok := w[name]; !ok {
					t.Errorf("%s is in the client's package, not in the oracle's", name)
				}
			}
		})
	}
}
