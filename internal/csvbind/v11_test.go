package csvbind_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// A small OneRoster 1.1 district, in the 1.1 layouts: a teacher at two
// schools, an administrator, a parent as a student's agent, and a
// gradebook (category without weight, line item with a grading period and
// no school, result with a required score).
const (
	users11Header      = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
	users12Header      = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	lineItems11Header  = "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax"
	results11Header    = "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment"
	demographicsHeader = "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
)

var files11 = map[string]string{
	"orgs.csv": `sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
dist-1,,,Springfield District,district,NCES-1,
sch-1,,,Springfield Elementary,school,NCES-2,dist-1
sch-2,,,Springfield High,school,NCES-3,dist-1
`,
	"academicSessions.csv": `sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
sy-2026,,,2025-2026,schoolYear,2025-08-01,2026-07-01,,2026
t-1,,,Fall,term,2025-08-01,2026-01-01,sy-2026,2026
gp-1,,,Q1,gradingPeriod,2025-08-01,2025-10-15,t-1,2026
`,
	"courses.csv": `sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-math,,,sy-2026,Math 3,M3,03,sch-1,Math,MA
`,
	"classes.csv": `sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
cl-1,,,Math 3 - A,03,c-math,M3A,scheduled,Room 1,sch-1,t-1,Math,MA,1
`,
	"users.csv": users11Header + `
u-s1,,,true,sch-1,student,bart,{SIS:1001},Bart,Simpson,Jo,1001,bart@example.org,,,u-g1,03,
u-t1,,,true,"sch-1,sch-2",teacher,edna,,Edna,Krabappel,,T1,,,555-0101,,,
u-a1,,,true,sch-2,administrator,skinner,,Seymour,Skinner,,A1,,,,,,
u-g1,,,true,sch-1,parent,marge,,Marge,Simpson,,G1,,,,u-s1,,
`,
	"demographics.csv": demographicsHeader + `
u-s1,,,2016-04-01,male,false,false,false,false,true,false,false,US,IL,Springfield,
`,
	"enrollments.csv": `sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,,,cl-1,sch-1,u-s1,student,false,,
e-2,,,cl-1,sch-1,u-t1,teacher,true,,
`,
	"categories.csv": `sourcedId,status,dateLastModified,title
cat-hw,,,Homework
`,
	"lineItems.csv": lineItems11Header + `
li-1,,,Fractions worksheet,Halves and quarters,2025-09-01,2025-09-08,cl-1,cat-hw,gp-1,0,100
`,
	"results.csv": results11Header + `
res-1,,,li-1,u-s1,fully graded,87.5,2025-09-09,Good work
`,
}

// manifest11Keys are the file properties of a 1.1 manifest, in the
// binding's order.
var manifest11Keys = []string{"academicSessions", "categories", "classes", "classResources", "courses",
	"courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users"}

// manifest11 declares the 1.1 files among files in mode, the others
// absent. Lines: header 1, manifest.version 2, oneroster.version 3, then
// file.academicSessions 4 … file.users 16.
func manifest11(files map[string]string, mode string) string {
	var b strings.Builder
	b.WriteString("propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n")
	for _, k := range manifest11Keys {
		v := "absent"
		if _, ok := files[k+".csv"]; ok {
			v = mode
		}
		b.WriteString("file." + k + "," + v + "\n")
	}
	b.WriteString("source.systemName,Legacy SIS\n")
	return b.String()
}

// write11 writes a 1.1 package folder: files with edits applied (a nil
// edit value removes a file), plus a manifest unless edits give one.
func write11(t *testing.T, mode string, edits map[string]*string) string {
	t.Helper()
	files := map[string]string{}
	for k, v := range files11 {
		files[k] = v
	}
	for k, v := range edits {
		if v == nil {
			delete(files, k)
		} else {
			files[k] = *v
		}
	}
	if _, ok := files["manifest.csv"]; !ok {
		files["manifest.csv"] = manifest11(files, mode)
	}
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func ptr(s string) *string { return &s }

// replace returns files11[file] with old replaced by new, failing when old
// is not there.
func replace(t *testing.T, file, old, new string) *string {
	t.Helper()
	if !strings.Contains(files11[file], old) {
		t.Fatalf("%s has no %q", file, old)
	}
	return ptr(strings.Replace(files11[file], old, new, 1))
}

// gotRow is what a test sees of one row: its line, values (joined by |),
// and the positions of some columns.
type gotRow struct {
	Line   int
	Values string
	Pos    map[string][2]int
}

// readAll drives a package the way csvimport does and returns the problems
// and, for the files in rowsOf, the rows with the positions of posCols.
func readAll(t *testing.T, dir string, rowsOf map[string][]string) (probs []string, rows map[string][]gotRow) {
	t.Helper()
	pkg, err := csvbind.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	man, mp := pkg.Manifest()
	for _, p := range mp {
		probs = append(probs, p.String())
	}
	rows = map[string][]gotRow{}
	for _, spec := range csvbind.Files {
		mode := man.Mode(spec.Name)
		if mode == csvbind.Absent {
			continue
		}
		r, err := pkg.OpenFile(spec, mode)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		posCols, keep := rowsOf[spec.Name]
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(row.Values) != len(spec.Columns) {
				t.Fatalf("%s: %d values, want %d", spec.Name, len(row.Values), len(spec.Columns))
			}
			for _, p := range row.Problems {
				probs = append(probs, p.String())
			}
			if keep {
				g := gotRow{Line: row.Line, Values: strings.Join(row.Values, "|"), Pos: map[string][2]int{}}
				for _, c := range posCols {
					l, _, col := r.Pos(spec.Columns.Index(c)) // the byte offset in the 1.1 file
					g.Pos[c] = [2]int{l, col}
				}
				rows[spec.Name] = append(rows[spec.Name], g)
			}
		}
		for _, p := range r.Problems() {
			probs = append(probs, p.String())
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return probs, rows
}

func TestRead11AsIf12(t *testing.T) {
	t.Parallel()
	delta := map[string]*string{
		"users.csv": ptr(users11Header + `
u-t1,active,2026-02-01T10:00:00.000Z,true,"sch-1,sch-2,sch-1",teacher,edna,,Edna,Krabappel,,T1,,,,,,
u-a1,tobedeleted,2026-02-01T11:00:00Z,true,sch-2,administrator,skinner,,Seymour,Skinner,,A1,,,,,,
`),
	}
	for _, name := range []string{"orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "demographics.csv", "enrollments.csv", "categories.csv", "lineItems.csv", "results.csv"} {
		delta[name] = nil
	}
	tests := []struct {
		name  string
		mode  string
		edits map[string]*string
		want  map[string][]gotRow
	}{
		{
			name: "bulk",
			mode: "bulk",
			want: map[string][]gotRow{
				"users.csv": {
					{2, "u-s1|||true|bart|{SIS:1001}|Bart|Simpson|Jo|1001|bart@example.org|||u-g1|03||||||sch-1|", map[string][2]int{"primaryOrgSourcedId": {2, 13}, "username": {2, 27}, "pronouns": {2, 0}}},
					{3, "u-t1|||true|edna||Edna|Krabappel||T1|||555-0101||||||||sch-1|", map[string][2]int{"primaryOrgSourcedId": {3, 13}, "username": {3, 35}, "pronouns": {3, 0}}},
					{4, "u-a1|||true|skinner||Seymour|Skinner||A1|||||||||||sch-2|", map[string][2]int{"primaryOrgSourcedId": {4, 13}, "username": {4, 33}, "pronouns": {4, 0}}},
					{5, "u-g1|||true|marge||Marge|Simpson||G1||||u-s1|||||||sch-1|", map[string][2]int{"primaryOrgSourcedId": {5, 13}, "username": {5, 26}, "pronouns": {5, 0}}},
				},
				"roles.csv": {
					{2, "u-s1/role/1|||u-s1|primary|student|||sch-1|", map[string][2]int{"sourcedId": {2, 1}, "role": {2, 19}, "orgSourcedId": {2, 13}, "beginDate": {2, 0}}},
					{3, "u-t1/role/1|||u-t1|primary|teacher|||sch-1|", map[string][2]int{"sourcedId": {3, 1}, "role": {3, 27}, "orgSourcedId": {3, 13}, "beginDate": {3, 0}}},
					{3, "u-t1/role/2|||u-t1|primary|teacher|||sch-2|", map[string][2]int{"sourcedId": {3, 1}, "role": {3, 27}, "orgSourcedId": {3, 13}, "beginDate": {3, 0}}},
					{4, "u-a1/role/1|||u-a1|primary|siteAdministrator|||sch-2|", map[string][2]int{"sourcedId": {4, 1}, "role": {4, 19}, "orgSourcedId": {4, 13}, "beginDate": {4, 0}}},
					{5, "u-g1/role/1|||u-g1|primary|parent|||sch-1|", map[string][2]int{"sourcedId": {5, 1}, "role": {5, 19}, "orgSourcedId": {5, 13}, "beginDate": {5, 0}}},
				},
				"lineItems.csv": {
					{2, "li-1|||Fractions worksheet|Halves and quarters|2025-09-01|2025-09-08|cl-1|cat-hw|gp-1|0|100|", map[string][2]int{"academicSessionSourcedId": {2, 82}, "resultValueMax": {2, 89}, "schoolSourcedId": {2, 0}}},
				},
				"categories.csv": {{2, "cat-hw|||Homework|", map[string][2]int{"weight": {2, 0}}}},
				"results.csv":    {{2, "res-1|||li-1|u-s1|fully graded|87.5|2025-09-09|Good work||||||", map[string][2]int{"comment": {2, 48}, "missing": {2, 0}}}},
			},
		},
		{
			// Delta roles carry their user's status and time; an org listed
			// twice gives one role, and the numbering follows the list.
			name:  "delta",
			mode:  "delta",
			edits: delta,
			want: map[string][]gotRow{
				"roles.csv": {
					{2, "u-t1/role/1|active|2026-02-01T10:00:00.000Z|u-t1|primary|teacher|||sch-1|", map[string][2]int{"status": {2, 6}, "dateLastModified": {2, 13}}},
					{2, "u-t1/role/2|active|2026-02-01T10:00:00.000Z|u-t1|primary|teacher|||sch-2|", map[string][2]int{"status": {2, 6}, "dateLastModified": {2, 13}}},
					{3, "u-a1/role/1|tobedeleted|2026-02-01T11:00:00Z|u-a1|primary|siteAdministrator|||sch-2|", map[string][2]int{"status": {3, 6}, "dateLastModified": {3, 18}}},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rowsOf := map[string][]string{}
			for file, rows := range tc.want {
				for c := range rows[0].Pos {
					rowsOf[file] = append(rowsOf[file], c)
				}
			}
			probs, got := readAll(t, write11(t, tc.mode, tc.edits), rowsOf)
			if len(probs) > 0 {
				t.Errorf("problems: %q", probs)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestManifest11(t *testing.T) {
	t.Parallel()
	pkg, err := csvbind.Open(write11(t, "bulk", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	man, probs := pkg.Manifest()
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	got := map[string]string{"version": man.Version}
	for _, spec := range csvbind.Files {
		got[spec.Name] = man.Mode(spec.Name).String()
	}
	want := map[string]string{
		"version":              "1.1",
		"academicSessions.csv": "bulk", "categories.csv": "bulk", "classes.csv": "bulk", "classResources.csv": "absent",
		"courses.csv": "bulk", "courseResources.csv": "absent", "demographics.csv": "bulk", "enrollments.csv": "bulk",
		"lineItemLearningObjectiveIds.csv": "absent", "lineItems.csv": "bulk", "lineItemScoreScales.csv": "absent",
		"orgs.csv": "bulk", "resources.csv": "absent", "resultLearningObjectiveIds.csv": "absent", "results.csv": "bulk",
		"resultScoreScales.csv": "absent", "roles.csv": "bulk", "scoreScales.csv": "absent", "userProfiles.csv": "absent",
		"userResources.csv": "absent", "users.csv": "bulk",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}

	// The layouts the rows follow, and the files they come from.
	li, err := pkg.OpenFile(csvbind.FileByName("lineItems.csv"), csvbind.Bulk)
	if err != nil {
		t.Fatal(err)
	}
	defer li.Close()
	school := li.Spec().Columns[li.Spec().Columns.Index("schoolSourcedId")]
	if school.Required != schema.ReqNo || csvbind.FileByName("lineItems.csv").Columns[12].Required != schema.ReqYes {
		t.Errorf("lineItems schoolSourcedId: Spec says %v; Files must still say Yes", school.Required)
	}
	if li.File() != "lineItems.csv" {
		t.Errorf("lineItems File() = %q", li.File())
	}
	roles, err := pkg.OpenFile(csvbind.FileByName("roles.csv"), csvbind.Bulk)
	if err != nil {
		t.Fatal(err)
	}
	defer roles.Close()
	if roles.File() != "users.csv" || roles.Spec() != csvbind.FileByName("roles.csv") {
		t.Errorf("roles: File() = %q, Spec() = %v", roles.File(), roles.Spec().Name)
	}
	if _, err := pkg.OpenFile(csvbind.FileByName("scoreScales.csv"), csvbind.Bulk); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenFile(scoreScales.csv) in a 1.1 package = %v, want fs.ErrNotExist", err)
	}
}

func TestProblems11(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 250)
	tests := []struct {
		name  string
		edits map[string]*string
		want  []string
	}{
		{
			name:  "a 1.2 file in a 1.1 package",
			edits: map[string]*string{"roles.csv": ptr("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\nr-1,,,u-s1,primary,student,,,sch-1,\n")},
			want:  []string{"roles.csv:0:0: UNKNOWN_FILE: roles.csv is a OneRoster 1.2 file, but manifest.csv (line 3) declares oneroster.version 1.1, whose packages do not have it; the file is not read"},
		},
		{
			name:  "a 1.2 property in a 1.1 manifest",
			edits: map[string]*string{"manifest.csv": ptr(manifest11(files11, "bulk") + "file.roles,bulk\nfile.userProfiles,absent\n")},
			want: []string{
				"manifest.csv:18:1: MANIFEST_INVALID: file.roles is a OneRoster 1.2 property; a manifest with oneroster.version 1.1 does not have it",
				"manifest.csv:19:1: MANIFEST_INVALID: file.userProfiles is a OneRoster 1.2 property; a manifest with oneroster.version 1.1 does not have it",
			},
		},
		{
			// One problem, from users.csv; the derived roles do not repeat it.
			name:  "padded 1.1 role",
			edits: map[string]*string{"users.csv": replace(t, "users.csv", "sch-1,student,bart", "sch-1, student,bart")},
			want:  []string{`users.csv:2:6: ENUM: " student" is not a valid role; did you mean "student"?`},
		},
		{
			name:  "a 1.2 role in a 1.1 users.csv",
			edits: map[string]*string{"users.csv": replace(t, "users.csv", "sch-2,administrator,", "sch-2,districtAdministrator,")},
			want: []string{`users.csv:4:6: ENUM: "districtAdministrator" is not a valid role; expected administrator, aide, guardian, parent, proctor, relative, student or teacher; ` +
				`"districtAdministrator" is a OneRoster 1.2 value, but manifest.csv declares oneroster.version 1.1`},
		},
		{
			name:  "1.1 vocabularies are closed",
			edits: map[string]*string{"demographics.csv": replace(t, "demographics.csv", "2016-04-01,male,", "2016-04-01,ext:x,")},
			want: []string{`demographics.csv:2:5: ENUM: "ext:x" is not a valid sex; this vocabulary is closed, so ext: values are not allowed (expected male or female); ` +
				`"ext:x" is a OneRoster 1.2 value, but manifest.csv declares oneroster.version 1.1`},
		},
		{
			name:  "1.1 sex has no other",
			edits: map[string]*string{"demographics.csv": replace(t, "demographics.csv", "2016-04-01,male,", "2016-04-01,other,")},
			want: []string{`demographics.csv:2:5: ENUM: "other" is not a valid sex; expected male or female; ` +
				`"other" is a OneRoster 1.2 value, but manifest.csv declares oneroster.version 1.1`},
		},
		{
			name:  "a missing org in the 1.1 list",
			edits: map[string]*string{"users.csv": replace(t, "users.csv", `"sch-1,sch-2"`, `"sch-1,,sch-2"`)},
			want:  []string{"users.csv:3:5: LIST: orgSourcedIds item 2 is empty; lists are written a,b,c with no empty items"},
		},
		{
			name:  "users without orgs or role",
			edits: map[string]*string{"users.csv": replace(t, "users.csv", "u-g1,,,true,sch-1,parent,", "u-g1,,,true,,,")},
			want: []string{
				"users.csv:5:5: REQUIRED: orgSourcedIds is required",
				"users.csv:5:6: REQUIRED: role is required",
			},
		},
		{
			name:  "a users.csv in the 1.2 layout",
			edits: map[string]*string{"users.csv": ptr(users12Header + "\nu-s1,,,true,bart,,Bart,Simpson,,,,,,,,,,,,,sch-1,\n")},
			want: []string{
				`users.csv:1:17: HEADER: unknown column "userMasterIdentifier"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:18: HEADER: unknown column "preferredGivenName"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:19: HEADER: unknown column "preferredMiddleName"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:20: HEADER: unknown column "preferredFamilyName"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:21: HEADER: unknown column "primaryOrgSourcedId"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:22: HEADER: unknown column "pronouns"; it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)`,
				`users.csv:1:0: HEADER: missing column "orgSourcedIds"`,
				`users.csv:1:0: HEADER: missing column "role"`,
			},
		},
		{
			name:  "a lineItems.csv in the 1.2 layout",
			edits: map[string]*string{"lineItems.csv": replace(t, "lineItems.csv", "gradingPeriodSourcedId", "academicSessionSourcedId")},
			want: []string{
				`lineItems.csv:1:10: HEADER: unknown column "academicSessionSourcedId"; OneRoster 1.1 calls it gradingPeriodSourcedId, and manifest.csv declares oneroster.version 1.1`,
				`lineItems.csv:1:0: HEADER: missing column "gradingPeriodSourcedId"`,
			},
		},
		{
			name: "1.1 requiredness",
			edits: map[string]*string{
				"lineItems.csv": replace(t, "lineItems.csv", ",gp-1,0,100", ",gp-1,0,"),
				"results.csv":   replace(t, "results.csv", ",87.5,", ",,"),
			},
			want: []string{
				"lineItems.csv:2:12: REQUIRED: resultValueMax is required",
				"results.csv:2:7: REQUIRED: score is required",
			},
		},
		{
			name:  "a derived role sourcedId over 255 characters",
			edits: map[string]*string{"users.csv": replace(t, "users.csv", "u-a1,,,", long+",,,")},
			want:  []string{`users.csv:4:1: SOURCEDID: the roles.csv sourcedId "` + strings.Repeat("x", 40) + `"… derived from this OneRoster 1.1 user (its sourcedId, /role/ and the position 1 of the org in orgSourcedIds) is 257 characters long; the limit is 255, so shorten the user's sourcedId`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, _ := readAll(t, write11(t, "bulk", tc.edits), nil)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestImport11 imports the 1.1 package with the real importer, unchanged:
// users get their roles from the 1.1 role and orgSourcedIds columns.
func TestImport11(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := csvimport.Import(ctx, st, write11(t, "bulk", nil), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("import refused: %v", rep.Problems)
	}
	var files []string
	for _, f := range rep.Files {
		files = append(files, f.File+" "+f.Mode)
	}
	wantFiles := []string{"orgs.csv bulk", "academicSessions.csv bulk", "courses.csv bulk", "classes.csv bulk", "users.csv bulk",
		"roles.csv bulk", "demographics.csv bulk", "enrollments.csv bulk", "categories.csv bulk", "lineItems.csv bulk", "results.csv bulk"}
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Errorf("files imported (-want +got):\n%s", diff)
	}

	cols := st.Columns(oneroster.User)
	col := func(name string) int {
		for i, c := range cols {
			if c == name {
				return i
			}
		}
		t.Fatalf("users have no column %s (%v)", name, cols)
		return -1
	}
	primary := col("primaryOrgSourcedId")
	got := map[string][]string{}
	for _, id := range []string{"u-s1", "u-t1", "u-a1", "u-g1"} {
		rec, err := st.Get(ctx, oneroster.User, id)
		if err != nil {
			t.Fatalf("user %s: %v", id, err)
		}
		out := []string{"primaryOrg=" + rec.Vals[primary]}
		for _, role := range rec.Sub["roles"] {
			out = append(out, strings.Join(role.Vals, "|"))
		}
		got[id] = out
	}
	// Check the embedded role values by content, whatever their column
	// order: each must hold the role and the org.
	want := map[string][][2]string{
		"u-s1": {{"student", "sch-1"}},
		"u-t1": {{"teacher", "sch-1"}, {"teacher", "sch-2"}},
		"u-a1": {{"siteAdministrator", "sch-2"}},
		"u-g1": {{"parent", "sch-1"}},
	}
	for id, roles := range want {
		g := got[id]
		if len(g) != len(roles)+1 || g[0] != "primaryOrg="+roles[0][1] {
			t.Errorf("user %s: %q, want primary org %s and %d roles", id, g, roles[0][1], len(roles))
			continue
		}
		for i, r := range roles {
			vals := "|" + g[i+1] + "|"
			if !strings.Contains(vals, "|"+r[0]+"|") || !strings.Contains(vals, "|"+r[1]+"|") || !strings.Contains(vals, "|primary|") {
				t.Errorf("user %s role %d = %s, want %s at %s, primary", id, i+1, g[i+1], r[0], r[1])
			}
		}
	}

	// The typed views see the roles: u-t1 is a teacher, u-s1 a student.
	for role, wantIDs := range map[string][]string{"teacher": {"u-t1"}, "student": {"u-s1"}} {
		page, err := st.List(ctx, store.ListRequest{Entity: oneroster.User, Params: query.Params{Limit: 100}, Within: []store.Subset{{Name: store.UsersWithRole, Arg: role}}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range page.Records {
			ids = append(ids, r.Vals[0])
		}
		if diff := cmp.Diff(wantIDs, ids); diff != "" {
			t.Errorf("users with role %s (-want +got):\n%s", role, diff)
		}
	}

	// The line item has its grading period as academic session, and the
	// school of its class (1.1 line items name none; the JSON needs one).
	li, err := st.Get(ctx, oneroster.LineItem, "li-1")
	if err != nil {
		t.Fatal(err)
	}
	liCols := st.Columns(oneroster.LineItem)
	gotLI := map[string]string{}
	for i, c := range liCols {
		if c == "academicSessionSourcedId" || c == "schoolSourcedId" {
			gotLI[c] = li.Vals[i]
		}
	}
	if diff := cmp.Diff(map[string]string{"academicSessionSourcedId": "gp-1", "schoolSourcedId": "sch-1"}, gotLI); diff != "" {
		t.Errorf("line item (-want +got):\n%s", diff)
	}

	// Importing the same package again changes nothing: the derived role
	// ids are stable.
	rep, err = csvimport.Import(ctx, st, write11(t, "bulk", nil), csvimport.Options{})
	if err != nil || !rep.OK {
		t.Fatalf("second import: %v %v", err, rep.Problems)
	}
	for _, f := range rep.Files {
		if f.Added+f.Updated+f.Deleted != 0 {
			t.Errorf("second import changed %s: %+v", f.File, f)
		}
	}
}
