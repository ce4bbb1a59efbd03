package csvimport_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// FuzzValidate runs the whole validation (the import in dry-run mode) on
// arbitrary bytes as orgs.csv and classes.csv of the fixture district: it
// must never panic or fail as a program, only report problems.
func FuzzValidate(f *testing.F) {
	files := storetest.RosterFiles()
	f.Add([]byte(files["orgs.csv"]), []byte(files["classes.csv"]))
	f.Add([]byte("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\na,,,\"x\ny\",school,,a\n"), []byte(""))
	f.Add([]byte("\xef\xbb\xbfsourcedId\n\"unterminated"), []byte("sourcedId,status\r\n,,\r\n"))
	st, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	f.Fuzz(func(t *testing.T, orgs, classes []byte) {
		fs := storetest.RosterFiles()
		fs["orgs.csv"] = string(orgs)
		fs["classes.csv"] = string(classes)
		rep, err := csvimport.Import(context.Background(), st, storetest.WritePackage(t, fs, ""), csvimport.Options{DryRun: true})
		if err != nil {
			t.Fatalf("validation failed as a program: %v", err)
		}
		if rep.OK && (len(orgs) == 0 || len(classes) == 0) {
			t.Fatalf("an empty file was accepted")
		}
	})
}
