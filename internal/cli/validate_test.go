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
