package generate

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// readDir returns every file of a written package by name.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func mustWrite(t testing.TB, o Options) (string, Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := Write(dir, o)
	if err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	return dir, sum
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	o := Options{Students: 3000, Seed: 42}
	dirA, sumA := mustWrite(t, o)
	dirB, sumB := mustWrite(t, o)
	a, b := readDir(t, dirA), readDir(t, dirB)
	if diff := cmp.Diff(sumA, sumB); diff != "" {
		t.Errorf("summaries differ (-first +second):\n%s", diff)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Fatalf("file sets differ: %v vs %v", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}

	dirC, _ := mustWrite(t, Options{Students: 3000, Seed: 43})
	c := readDir(t, dirC)
	for _, name := range []string{"users.csv", "enrollments.csv", "demographics.csv", "orgs.csv", "lineItems.csv", "results.csv", "lineItemLearningObjectiveIds.csv",
		"courseResources.csv", "classResources.csv", "userResources.csv"} {
		if bytes.Equal(a[name], c[name]) {
			t.Errorf("%s is identical for seeds 42 and 43", name)
		}
	}
}

func TestWriteZip(t *testing.T) {
	t.Parallel()
	o := Options{Students: 1500, Seed: 7}
	var z1, z2 bytes.Buffer
	sum, err := WriteZip(&z1, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteZip(&z2, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(z1.Bytes(), z2.Bytes()) {
		t.Error("two zips with the same options differ")
	}

	dir, dirSum := mustWrite(t, o)
	if diff := cmp.Diff(dirSum, sum); diff != "" {
		t.Errorf("Write and WriteZip summaries differ (-dir +zip):\n%s", diff)
	}
	want := readDir(t, dir)
	zr, err := zip.NewReader(bytes.NewReader(z1.Bytes()), int64(z1.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "/") {
			t.Errorf("zip entry %q is not at the root", f.Name)
		}
		if f.Method != zip.Deflate {
			t.Errorf("zip entry %q method %d, want deflate", f.Name, f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got[f.Name] = b
	}
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("zip holds %v, folder holds %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	for name := range want {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("zip entry %s differs from the folder's file", name)
		}
	}
}

// Headers transcribed from the OneRoster 1.2.1 CSV binding (csv-binding.md §6).
var bindingHeaders = map[string]string{
	"academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
	"classes.csv":          "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
	"courses.csv":          "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
	"demographics.csv":     "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
	"enrollments.csv":      "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
	"orgs.csv":             "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
	"roles.csv":            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
	"userProfiles.csv":     "sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password",
	"users.csv":            "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
	"manifest.csv":         "propertyName,value",

	"categories.csv":                   "sourcedId,status,dateLastModified,title,weight",
	"lineItemLearningObjectiveIds.csv": "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId",
	"lineItems.csv":                    "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax,schoolSourcedId",
	"lineItemScoreScales.csv":          "sourcedId,status,dateLastModified,title,lineItemSourcedId,scoreScaleSourcedId",
	"resultLearningObjectiveIds.csv":   "sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,textScore",
	"results.csv":                      "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment,textScore,classSourcedId,inProgress,incomplete,late,missing",
	"resultScoreScales.csv":            "sourcedId,status,dateLastModified,title,resultSourcedId,scoreScaleSourcedId",
	"scoreScales.csv":                  "sourcedId,status,dateLastModified,title,type,orgSourcedId,courseSourcedId,classSourcedId,scoreScaleValue",

	"resources.csv":       "sourcedId,status,dateLastModified,vendorResourceId,title,roles,importance,vendorId,applicationId",
	"classResources.csv":  "sourcedId,status,dateLastModified,title,classSourcedId,resourceSourcedId",
	"courseResources.csv": "sourcedId,status,dateLastModified,title,courseSourcedId,resourceSourcedId",
	"userResources.csv":   "sourcedId,status,dateLastModified,userSourcedId,orgSourcedId,classSourcedId,resourceSourcedId",
}

const wantManifest = "propertyName,value\r\n" +
	"manifest.version,1.0\r\n" +
	"oneroster.version,1.2\r\n" +
	"file.academicSessions,bulk\r\n" +
	"file.categories,bulk\r\n" +
	"file.classes,bulk\r\n" +
	"file.classResources,bulk\r\n" +
	"file.courses,bulk\r\n" +
	"file.courseResources,bulk\r\n" +
	"file.demographics,bulk\r\n" +
	"file.enrollments,bulk\r\n" +
	"file.lineItemLearningObjectiveIds,bulk\r\n" +
	"file.lineItems,bulk\r\n" +
	"file.lineItemScoreScales,bulk\r\n" +
	"file.orgs,bulk\r\n" +
	"file.resources,bulk\r\n" +
	"file.resultLearningObjectiveIds,bulk\r\n" +
	"file.results,bulk\r\n" +
	"file.resultScoreScales,bulk\r\n" +
	"file.roles,bulk\r\n" +
	"file.scoreScales,bulk\r\n" +
	"file.userProfiles,bulk\r\n" +
	"file.userResources,bulk\r\n" +
	"file.users,bulk\r\n" +
	"source.systemName,oneroster synthetic district generator\r\n" +
	"source.systemCode,oneroster-generate\r\n"

const wantManifestNoGradebook = "propertyName,value\r\n" +
	"manifest.version,1.0\r\n" +
	"oneroster.version,1.2\r\n" +
	"file.academicSessions,bulk\r\n" +
	"file.categories,absent\r\n" +
	"file.classes,bulk\r\n" +
	"file.classResources,bulk\r\n" +
	"file.courses,bulk\r\n" +
	"file.courseResources,bulk\r\n" +
	"file.demographics,bulk\r\n" +
	"file.enrollments,bulk\r\n" +
	"file.lineItemLearningObjectiveIds,absent\r\n" +
	"file.lineItems,absent\r\n" +
	"file.lineItemScoreScales,absent\r\n" +
	"file.orgs,bulk\r\n" +
	"file.resources,bulk\r\n" +
	"file.resultLearningObjectiveIds,absent\r\n" +
	"file.results,absent\r\n" +
	"file.resultScoreScales,absent\r\n" +
	"file.roles,bulk\r\n" +
	"file.scoreScales,absent\r\n" +
	"file.userProfiles,bulk\r\n" +
	"file.userResources,bulk\r\n" +
	"file.users,bulk\r\n" +
	"source.systemName,oneroster synthetic district generator\r\n" +
	"source.systemCode,oneroster-generate\r\n"

func TestFileFormat(t *testing.T) {
	t.Parallel()
	dir, sum := mustWrite(t, Options{Students: 1200})
	files := readDir(t, dir)
	if got := string(files["manifest.csv"]); got != wantManifest {
		t.Errorf("manifest.csv:\n%s", cmp.Diff(wantManifest, got))
	}
	if !slices.Equal(slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(bindingHeaders))) {
		t.Errorf("files written %v, want %v", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(bindingHeaders)))
	}
	checkManifestFiles(t, files)
	for _, f := range slices.Concat(rosteringFiles, gradebookFiles, resourceFiles) {
		if got := strings.Join(f.header, ","); got != bindingHeaders[f.name] {
			t.Errorf("%s header in the code:\n got %s\nwant %s", f.name, got, bindingHeaders[f.name])
		}
	}
	for name, b := range files {
		want, ok := bindingHeaders[name]
		if !ok {
			continue
		}
		if got, _, _ := strings.Cut(string(b), "\r\n"); got != want {
			t.Errorf("%s header:\n got %s\nwant %s", name, got, want)
		}
		if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s starts with a BOM", name)
		}
		if !utf8.Valid(b) {
			t.Errorf("%s is not valid UTF-8", name)
		}
		if n := bytes.Count(b, []byte("\n")); n != bytes.Count(b, []byte("\r\n")) || !bytes.HasSuffix(b, []byte("\r\n")) {
			t.Errorf("%s: not every line ends in CRLF", name)
		}
		r := csv.NewReader(bytes.NewReader(b))
		recs, err := r.ReadAll() // also checks that every row has the header's width
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(recs) < 2 {
			t.Errorf("%s has no data rows", name)
		}
		if got := sum.Files[name]; got != len(recs)-1 {
			t.Errorf("Summary.Files[%s] = %d, file has %d rows", name, got, len(recs)-1)
		}
	}
}

func TestWriteReplacesStaleFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, "resources.csv")
	other := filepath.Join(dir, "notes.txt")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), bytes.Repeat([]byte("y"), 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(t.TempDir(), "new", "pkg") // a folder that does not exist yet
	if _, err := Write(sub, Options{Students: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, Options{Students: 100, NoResources: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("resources.csv, marked absent in the manifest, is still there (err %v)", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("unrelated file removed: %v", err)
	}
	a, b := readDir(t, sub), readDir(t, dir)
	if !bytes.Equal(a["users.csv"], b["users.csv"]) {
		t.Error("users.csv was not overwritten")
	}

	// Turning a service off removes its files of a former run.
	if _, err := Write(dir, Options{Students: 100}); err != nil {
		t.Fatal(err)
	}
	checkManifest(t, dir)
	for _, c := range []struct {
		o     Options
		files []file
	}{
		{Options{Students: 100, NoGradebook: true}, gradebookFiles},
		{Options{Students: 100, NoResources: true}, resourceFiles},
	} {
		if _, err := Write(dir, c.o); err != nil {
			t.Fatal(err)
		}
		for _, f := range c.files {
			if _, err := os.Stat(filepath.Join(dir, f.name)); !os.IsNotExist(err) {
				t.Errorf("%s is still there after a run with %+v (err %v)", f.name, c.o, err)
			}
		}
		checkManifest(t, dir)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	if _, err := Write(t.TempDir(), Options{Students: -1}); err == nil {
		t.Error("negative Students accepted")
	}
	if _, err := Write(t.TempDir(), Options{SchoolYear: 99}); err == nil {
		t.Error("school year 99 accepted")
	}

	dir, sum := mustWrite(t, Options{})
	if sum.Students != 1000 || sum.Schools != 2 {
		t.Errorf("defaults: %d students in %d schools, want 1000 in 2", sum.Students, sum.Schools)
	}
	dirOne, _ := mustWrite(t, Options{Students: 1000, Seed: 1, SchoolYear: 2026})
	if a, b := readDir(t, dir), readDir(t, dirOne); !bytes.Equal(a["users.csv"], b["users.csv"]) {
		t.Error("zero Options differ from the documented defaults")
	}

	dir31, _ := mustWrite(t, Options{Students: 50, SchoolYear: 2031})
	sessions := string(readDir(t, dir31)["academicSessions.csv"])
	for _, want := range []string{"as-2031,,,2030-2031 School Year,schoolYear,2030-07-01,2031-07-01,,2031\r\n", ",term,2030-08-26,"} {
		if !strings.Contains(sessions, want) {
			t.Errorf("academicSessions.csv for 2031 lacks %q:\n%s", want, sessions)
		}
	}
}

func TestScale(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 400, 1000, 4000, 12000} {
		_, sum := mustWrite(t, Options{Students: n})
		if sum.Students != n || sum.Files["demographics.csv"] != n {
			t.Errorf("n=%d: Students %d, demographics rows %d", n, sum.Students, sum.Files["demographics.csv"])
		}
		if want := max(2, (n+250)/500); sum.Schools != want {
			t.Errorf("n=%d: %d schools, want %d", n, sum.Schools, want)
		}
		if n < 1000 {
			continue
		}
		perStudent := func(x int) float64 { return float64(x) / float64(n) }
		if r := perStudent(sum.Teachers); r < 1.0/17 || r > 1.0/13 {
			t.Errorf("n=%d: %d teachers, want about one per 15 students", n, sum.Teachers)
		}
		if r := perStudent(sum.Enrollments); r < 7.5 || r > 10 {
			t.Errorf("n=%d: %.2f enrollments per student, want 7.5-10", n, r)
		}
		if r := perStudent(sum.Files["users.csv"]); r < 1.6 || r > 2.2 {
			t.Errorf("n=%d: %.2f users per student, want 1.6-2.2 (students, guardians, staff)", n, r)
		}
		if r := perStudent(sum.Classes); r < 0.25 || r > 0.45 {
			t.Errorf("n=%d: %.2f classes per student", n, r)
		}
	}
}

func TestLoginFoldsEveryName(t *testing.T) {
	t.Parallel()
	lists := [][]string{femaleNames, maleNames, neutralNames, familyNames}
	for _, l := range lists {
		for _, name := range l {
			for _, c := range name {
				ascii := c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune(" '-.", c))
				if _, ok := asciiFold[c]; !ascii && !ok {
					t.Errorf("%q: no ASCII spelling for %q", name, c)
				}
			}
			got := login(name, 30)
			if got == "" || strings.Trim(got, "abcdefghijklmnopqrstuvwxyz") != "" {
				t.Errorf("login(%q) = %q", name, got)
			}
		}
	}
	if got := login("Nguyễn-O'Brien, Jr.", 30); got != "nguyenobrienjr" {
		t.Errorf("login = %q", got)
	}
	if got := login("Weiß", 3); got != "wei" {
		t.Errorf("login(Weiß, 3) = %q", got)
	}
}
