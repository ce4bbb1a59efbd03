package csvimport_test

import (
	"archive/zip"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the corpus's expected.txt files from what the import says")

// TestCorpus imports each package of testdata/corpus, small packages in
// the shapes real producers write (each case's README says which), into
// an empty store on each engine, and compares the verdict, the problems
// and the warnings with the case's expected.txt (go test -update rewrites
// them; read the diff before committing it).
func TestCorpus(t *testing.T) {
	cases, err := filepath.Glob("testdata/corpus/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	engines := map[string]func(t *testing.T) store.Store{
		"sqlite":   openStore,
		"postgres": func(t *testing.T) store.Store { return pgtest.Open(t) },
	}
	for _, dir := range cases {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, "package")
			if _, err := os.Stat(filepath.Join(dir, "zip")); err == nil {
				path = zipDir(t, path, name+".zip")
			}
			var first string
			for _, eng := range []string{"sqlite", "postgres"} {
				t.Run(eng, func(t *testing.T) {
					rep, err := csvimport.Import(context.Background(), engines[eng](t), path,
						csvimport.Options{Now: func() time.Time { return storetest.T1 }})
					if err != nil {
						t.Fatal(err)
					}
					got := verdict(rep)
					if first == "" {
						first = got
					} else if got != first {
						t.Errorf("the engines disagree (-sqlite +postgres)\n%s", cmp.Diff(first, got))
					}
					golden := filepath.Join(dir, "expected.txt")
					if *update && eng == "sqlite" {
						if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (go test -run TestCorpus -update writes it)", err)
					}
					if diff := cmp.Diff(string(want), got); diff != "" {
						t.Errorf("%s (-want +got)\n%s", golden, diff)
					}
				})
			}
		})
	}
}

// verdict is what expected.txt holds: imported or rejected, then the
// problems and the warnings, one per line.
func verdict(rep *csvimport.Report) string {
	var b strings.Builder
	if rep.OK {
		b.WriteString("imported\n")
	} else {
		b.WriteString("rejected\n")
	}
	for _, p := range rep.Problems {
		b.WriteString(p.String() + "\n")
	}
	for _, p := range rep.Warnings {
		b.WriteString("warning: " + p.String() + "\n")
	}
	for _, f := range rep.Files {
		if rep.OK {
			b.WriteString(f.File + ": " + f.Mode + ", " + itoa(f.Rows) + " rows, " + itoa(f.Added) + " added, " + itoa(f.Deleted) + " deleted\n")
		}
	}
	return b.String()
}

// zipDir zips the files under dir, dot files and folders included, as
// an archiver would, into a file called name.
func zipDir(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}
