package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// TestValidateDelta: a delta names records only its store holds. On its
// own, validate counts those references instead of refusing them; with
// --db it checks them exactly as import would, and changes nothing.
func TestValidateDelta(t *testing.T) {
	dir := t.TempDir()
	district := storetest.WritePackage(t, storetest.DistrictFiles(), "")
	delta := storetest.WritePackage(t, map[string]string{"enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n" +
		"e-9,active,2026-02-01T10:00:00Z,cl-2,sch.2@x,u-s2,student,false,,\n"}, "delta")

	r := run(t, "validate", delta)
	if r.code != 0 || !strings.Contains(r.stdout, "3 references name records that are not in the package") || !strings.Contains(r.stdout, "is valid") {
		t.Errorf("validate a delta on its own: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A bulk file is the whole of its type: what it lacks is missing.
	bulk := storetest.WritePackage(t, map[string]string{"orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\no1,,,D,district,,o9\n"}, "")
	if r := run(t, "validate", bulk); r.code != cli.ExitRejected || !strings.Contains(r.stdout, `DANGLING_REF: parentSourcedId "o9"`) {
		t.Errorf("validate a bulk file naming a missing row of itself: %d\n%s", r.code, r.stdout)
	}

	db := filepath.Join(dir, "d.db")
	if r := run(t, "import", "--db", db, district); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	if r := run(t, "validate", "--db", db, delta); r.code != 0 || strings.Contains(r.stdout, "references name records") {
		t.Errorf("validate --db against the district: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// u-t9 is in neither the package nor the store.
	bad := storetest.WritePackage(t, map[string]string{"enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n" +
		"e-9,active,2026-02-01T10:00:00Z,cl-2,sch.2@x,u-t9,student,false,,\n"}, "delta")
	if r := run(t, "validate", "--db", db, bad); r.code != cli.ExitRejected || !strings.Contains(r.stdout, `enrollments.csv:2:6: DANGLING_REF: userSourcedId "u-t9"`) {
		t.Errorf("validate --db of a delta naming nothing: %d\n%s", r.code, r.stdout)
	}
	// Nothing was written: the delta still validates as new, and import
	// adds it.
	if r := run(t, "import", "--db", db, "--json", delta); r.code != 0 || !strings.Contains(r.stdout, `"added": 1`) {
		t.Errorf("import of the delta after validate --db: %d\n%s", r.code, r.stdout)
	}
	if r := run(t, "validate", "--db", filepath.Join(dir, "none.db"), delta); r.code != cli.ExitUsage {
		t.Errorf("validate --db of a missing file: %d", r.code)
	}
}

// TestImportsShow: a past import is shown whole: its files, problems
// and warnings.
func TestImportsShow(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	files := storetest.RosterFiles()
	files["orgs.csv"] = strings.Replace(files["orgs.csv"], ",district,", ",District,", 1)
	if r := run(t, "import", "--db", db, storetest.WritePackage(t, files, "")); r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	files["users.csv"] = strings.Replace(files["users.csv"], ",true,", ",yes,", 1)
	if r := run(t, "import", "--db", db, storetest.WritePackage(t, files, "")); r.code != cli.ExitRejected {
		t.Fatalf("import of a bad package: %d", r.code)
	}
	r := run(t, "imports", "show", "1", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "import #1  imported") || !strings.Contains(r.stdout, "warning: orgs.csv:2:5: CASE_FOLDED") ||
		!strings.Contains(r.stdout, "unchanged") {
		t.Errorf("imports show 1: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "imports", "show", "#2", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "import #2  rejected") || !strings.Contains(r.stdout, "users.csv:2:4: BOOLEAN") {
		t.Errorf("imports show 2: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "imports", "show", "2", "--json", "--db", db); r.code != 0 || !strings.Contains(r.stdout, `"code": "BOOLEAN"`) {
		t.Errorf("imports show --json: %d\n%s", r.code, r.stdout)
	}
	if r := run(t, "imports", "show", "9", "--db", db); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "no import #9") {
		t.Errorf("imports show of no import: %d %s", r.code, r.stderr)
	}
	if r := run(t, "imports", "show", "x", "--db", db); r.code != cli.ExitUsage {
		t.Errorf("imports show x: %d", r.code)
	}
}
