package csvbind

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// The header rows of CSV binding 1.2.1, copied from the binding's tables
// rather than derived from Files, so that a slip in either shows up here.
var bindingHeaders = map[string]string{
	"academicSessions.csv":             "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
	"categories.csv":                   "sourcedId,status,dateLastModified,title,weight",
	"classes.csv":                      "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
	"classResources.csv":               "sourcedId,status,dateLastModified,title,classSourcedId,resourceSourcedId",
	"courseResources.csv":              "sourcedId,status,dateLastModified,title,courseSourcedId,resourceSourcedId",
	"courses.csv":                      "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes",
	"demographics.csv":                 "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus",
	"enrollments.csv":                  "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
	"lineItemLearningObjectiveIds.csv": "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId",
	"lineItems.csv":                    "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax,schoolSourcedId",
	"lineItemScoreScales.csv":          "sourcedId,status,dateLastModified,title,lineItemSourcedId,scoreScaleSourcedId",
	"orgs.csv":                         "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
	"resources.csv":                    "sourcedId,status,dateLastModified,vendorResourceId,title,roles,importance,vendorId,applicationId",
	"resultLearningObjectiveIds.csv":   "sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,textScore",
	"results.csv":                      "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment,textScore,classSourcedId,inProgress,incomplete,late,missing",
	"resultScoreScales.csv":            "sourcedId,status,dateLastModified,title,resultSourcedId,scoreScaleSourcedId",
	"roles.csv":                        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
	"scoreScales.csv":                  "sourcedId,status,dateLastModified,title,type,orgSourcedId,courseSourcedId,classSourcedId,scoreScaleValue",
	"userProfiles.csv":                 "sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password",
	"userResources.csv":                "sourcedId,status,dateLastModified,userSourcedId,orgSourcedId,classSourcedId,resourceSourcedId",
	"users.csv":                        usersHeader,
}

func TestFileHeaders(t *testing.T) {
	t.Parallel()
	got := map[string]string{}
	for _, f := range Files {
		got[f.Name] = strings.Join(f.Columns.Names(), ",")
	}
	if diff := cmp.Diff(bindingHeaders, got); diff != "" {
		t.Errorf("headers (-binding +Files):\n%s", diff)
	}
}

func TestFilesOrderAndShape(t *testing.T) {
	t.Parallel()
	if len(Files) != 21 {
		t.Fatalf("len(Files) = %d", len(Files))
	}
	seen := map[string]bool{}
	keys := map[string]bool{}
	for _, f := range Files {
		if seen[f.Name] || keys[f.ManifestKey] {
			t.Errorf("%s listed twice", f.Name)
		}
		if FileByName(f.Name) != f || fileByManifestKey(f.ManifestKey) != f {
			t.Errorf("lookup of %s fails", f.Name)
		}
		for i, c := range f.Columns {
			if f.Columns.Index(c.Name) != i {
				t.Errorf("%s.Index(%s) = %d, want %d", f.Name, c.Name, f.Columns.Index(c.Name), i)
			}
			isRef := c.Format == schema.GUIDRef || c.Format == schema.GUIDRefList
			if isRef != (c.Ref != "") {
				t.Errorf("%s.%s: format %v with Ref %q", f.Name, c.Name, c.Format, c.Ref)
			}
			if c.Ref != "" && c.Ref+".csv" != f.Name && !seen[c.Ref+".csv"] {
				t.Errorf("%s.%s references %s, which does not come earlier in Files", f.Name, c.Name, c.Ref)
			}
			if (c.Format == schema.Enum || c.Format == schema.EnumList) != (len(c.Values) > 0) {
				t.Errorf("%s.%s: format %v with values %v", f.Name, c.Name, c.Format, c.Values)
			}
			if c.Extensible && len(c.Values) == 0 {
				t.Errorf("%s.%s: extensible without values", f.Name, c.Name)
			}
		}
		seen[f.Name] = true
		keys[f.ManifestKey] = true
	}
	// Every file.* property of the manifest names a file, and vice versa.
	if len(ManifestOrder) != len(Files) {
		t.Errorf("%d manifest properties for %d files", len(ManifestOrder), len(Files))
	}
	for _, k := range ManifestOrder {
		if !keys[k] {
			t.Errorf("manifest property %s names no file", k)
		}
	}
	if FileByName("Users.csv") != nil || FileByName("manifest.csv") != nil {
		t.Error("FileByName must be exact and cover data files only")
	}
	if FileByName("orgs.csv").Columns.Index("nope") != -1 {
		t.Error("Index of an unknown column must be -1")
	}
}

// The extensible columns are exactly those the binding lists (§8).
func TestExtensibleColumns(t *testing.T) {
	t.Parallel()
	var got []string
	for _, f := range Files {
		for _, c := range f.Columns {
			if c.Extensible {
				got = append(got, f.Name+"."+c.Name)
			}
		}
	}
	want := []string{
		"orgs.csv.type", "academicSessions.csv.type", "classes.csv.classType", "roles.csv.role",
		"demographics.csv.sex", "enrollments.csv.role", "results.csv.scoreStatus",
		"lineItemLearningObjectiveIds.csv.source", "resultLearningObjectiveIds.csv.source", "resources.csv.roles",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extensible columns (-want +got):\n%s", diff)
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	upperSnake := regexp.MustCompile(`^[A-Z]+(_[A-Z]+)*$`)
	seen := map[string]bool{}
	for _, c := range Codes {
		if !upperSnake.MatchString(c.Code) || c.Meaning == "" || seen[c.Code] {
			t.Errorf("bad or duplicate code entry %+v", c)
		}
		seen[c.Code] = true
	}
	for _, c := range []string{
		CodePackageUnreadable, CodePackageUnsafe, CodePackageNested, CodeUnknownFile, CodeManifestMissing,
		CodeManifestInvalid, CodeFileMissing, CodeFileNotInManifest, CodeEncoding, CodeCSVSyntax, CodeLineBreak, CodeControlChar,
		CodeHeader, CodeColumnCount, CodeEmptyFile, CodeRequired, CodeSourcedID, CodeEnum, CodeBoolean, CodeDate,
		CodeDateTime, CodeYear, CodeNumber, CodeInteger, CodeList, CodeCaseID, CodeParallelLists, CodeStatusInBulk, CodeDeltaFields,
		CodeDuplicateID, CodeDanglingRef, CodeRefType, CodeCycle, CodeUnchecked,
		CodeCaseFolded, CodeManifestVersion, CodeTrailingCell, CodePackageClutter,
	} {
		if !seen[c] {
			t.Errorf("code %s is missing from Codes", c)
		}
	}
	if len(seen) != 38 {
		t.Errorf("Codes has %d entries; add new constants to the list above", len(seen))
	}
}

func TestProblemString(t *testing.T) {
	t.Parallel()
	p := Problem{File: "users.csv", Line: 3, Column: 0, Code: CodeColumnCount, Message: "m"}
	if got, want := p.String(), "users.csv:3:0: COLUMN_COUNT: m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if p.Error() != p.String() {
		t.Error("Error() and String() differ")
	}
}
