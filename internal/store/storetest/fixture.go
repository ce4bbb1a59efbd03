package storetest

import (
	"time"

	"os"

	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"path/filepath"
	"strings"
	"testing"
)

// rosterFiles is a small, hand-checked district: ids with '/', '.' and
// '@', a forward reference (gp-3 before its parent t-2; u-s1's guardian
// later in users.csv), quoted lists, a comma inside a name, a teacher at
// two schools, a user profile and a role that points at it.
var rosterFiles = map[string]string{
	"orgs.csv": `sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
dist-1,,,Springfield District,district,NCES-1,
org/sch-1,,,Springfield Elementary,school,NCES-2,dist-1
sch.2@x,,,"Shelbyville High, East",school,,dist-1
dept-1,,,Science,department,D1,sch.2@x
`,
	"academicSessions.csv": `sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
sy-2026,,,2025-2026,schoolYear,2025-08-01,2026-07-01,,2026
t-1,,,Fall,term,2025-08-01,2026-01-01,sy-2026,2026
gp-1,,,Q1,gradingPeriod,2025-08-01,2025-10-15,t-1,2026
gp-2,,,Q2,gradingPeriod,2025-10-15,2026-01-01,t-1,2026
gp-3,,,Q3,gradingPeriod,2026-01-01,2026-04-01,t-2,2026
t-2,,,Spring,term,2026-01-01,2026-07-01,sy-2026,2026
`,
	"courses.csv": `sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-math,,,sy-2026,Math 3,M3,03,org/sch-1,Math,MA
c-bio,,,sy-2026,Biology,BIO,"09,10",sch.2@x,"Science,Biology","SCI,BIO"
`,
	"classes.csv": `sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
cl-1,,,Math 3 - A,03,c-math,M3A,scheduled,Room 1,org/sch-1,t-1,Math,MA,1
cl-2,,,Biology - B,"09,10",c-bio,BIOB,scheduled,Lab 2,sch.2@x,"t-1,t-2",,,"2,4"
cl-3,,,Homeroom,03,c-math,HR,homeroom,,org/sch-1,t-2,,,
`,
	"users.csv": `sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns
u-s1,,,true,bart,"{LDAP:bart},{SIS:1001}",Bart,Simpson,Jo,1001,bart@example.org,,,u-g1,03,,M-1,,,,org/sch-1,he/him
u-s2,,,true,lisa,{SIS:1002},Lisa,Simpson,,1002,,,,u-g1,03,,,Lis,,,org/sch-1,she/her
u-s3,,,false,nelson,,Nelson,Muntz,,1003,,,,,"09,10",,,,,,sch.2@x,
u-t1,,,true,edna,,Edna,Krabappel,,T1,edna@example.org,,555-0101,,,,,,,,org/sch-1,
u-t2,,,true,dewey,,Dewey,Largo,,T2,,,,,,,,,,,sch.2@x,
u-g1,,,true,marge,,Marge,Bouvier Simpson,,G1,,,,"u-s1,u-s2",,,,,,,org/sch-1,
`,
	"userProfiles.csv": `sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password
up-1,,,u-s1,app,vendor-x,app-1,Reading app,password,bart.s,
`,
	"roles.csv": `sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-1,,,u-s1,primary,student,,,org/sch-1,up-1
r-2,,,u-s2,primary,student,,,org/sch-1,
r-3,,,u-s3,primary,student,,,sch.2@x,
r-4,,,u-t1,primary,teacher,2025-08-01,,org/sch-1,
r-5,,,u-t2,primary,teacher,,,sch.2@x,
r-6,,,u-t2,primary,teacher,,,org/sch-1,
r-7,,,u-g1,primary,parent,,,org/sch-1,
`,
	"demographics.csv": `sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus
u-s1,,,2016-04-01,male,false,false,false,false,true,false,false,US,IL,Springfield,
`,
	"enrollments.csv": `sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,,,cl-1,org/sch-1,u-s1,student,false,,
e-2,,,cl-1,org/sch-1,u-s2,student,false,,
e-3,,,cl-1,org/sch-1,u-t1,teacher,true,,
e-4,,,cl-2,sch.2@x,u-s3,student,false,,
e-5,,,cl-2,sch.2@x,u-t2,teacher,true,,
e-6,,,cl-3,org/sch-1,u-s1,student,false,,
e-7,,,cl-3,org/sch-1,u-t2,teacher,true,,
`,
}

// Manifest is the manifest.csv that marks the data files of files mode
// ("bulk" or "delta") and the others absent.
func Manifest(files map[string]string, mode string) string {
	if mode == "" {
		mode = "bulk"
	}
	var m strings.Builder
	m.WriteString("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n")
	for _, k := range csvbind.ManifestOrder {
		v := "absent"
		if _, ok := files[strings.TrimPrefix(k, "file.")+".csv"]; ok {
			v = mode
		}
		m.WriteString(k + "," + v + "\n")
	}
	return m.String()
}

// WritePackage writes files (name -> content) into a new folder and
// returns it; unless files has its own manifest.csv, the manifest marks
// the files bulk (or mode, when given).
func WritePackage(t testing.TB, files map[string]string, mode string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["manifest.csv"]; !ok {
		if err := os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte(Manifest(files, mode)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// RosterFiles returns a copy of the fixture district, for tests to alter.
func RosterFiles() map[string]string {
	out := make(map[string]string, len(rosterFiles))
	for k, v := range rosterFiles {
		out[k] = v
	}
	return out
}

// Handy values for the store packages' own tests.
var (
	T1    = t1
	Users = oneroster.User
)

// Limit is a Params with only a limit.
func Limit(n int) query.Params { return query.Params{Limit: n} }

// gradebookFiles extends the fixture district with a gradebook: two
// categories, a score scale, three line items, four results (one exempt),
// score-scale links and learning objectives.
var gradebookFiles = map[string]string{
	"categories.csv": `sourcedId,status,dateLastModified,title,weight
cat-hw,,,Homework,20
cat-test,,,Tests,80
`,
	"scoreScales.csv": `sourcedId,status,dateLastModified,title,type,orgSourcedId,courseSourcedId,classSourcedId,scoreScaleValue
ss-1,,,Letter grades,letter,org/sch-1,c-math,cl-1,"{90-100:A},{80-89:B},{0-79:C}"
`,
	"lineItems.csv": `sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax,schoolSourcedId
li-1,,,Fractions quiz,Chapter 3,2025-09-01,2025-09-08,cl-1,cat-hw,gp-1,0,10,org/sch-1
li-2,,,Unit test,,2025-10-01,2025-10-10,cl-1,cat-test,gp-1,0,100,org/sch-1
li-3,,,Lab report,,2026-02-01,2026-02-15,cl-2,cat-hw,t-2,0,20,sch.2@x
`,
	"results.csv": `sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment,textScore,classSourcedId,inProgress,incomplete,late,missing
res-1,,,li-1,u-s1,fully graded,9,2025-09-08,Good,,cl-1,,,,
res-2,,,li-1,u-s2,exempt,,2025-09-08,,,cl-1,,,,
res-3,,,li-2,u-s1,fully graded,87.5,2025-10-10,,B,cl-1,false,false,true,false
res-4,,,li-3,u-s3,submitted,18,2026-02-15,,,cl-2,,,,
`,
	"lineItemScoreScales.csv": `sourcedId,status,dateLastModified,title,lineItemSourcedId,scoreScaleSourcedId
liss-1,,,,li-2,ss-1
`,
	"resultScoreScales.csv": `sourcedId,status,dateLastModified,title,resultSourcedId,scoreScaleSourcedId
rss-1,,,,res-3,ss-1
`,
	"lineItemLearningObjectiveIds.csv": `sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId
lilo-1,,,li-2,case,urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b
lilo-2,,,li-2,unknown,FRAC-3
`,
	"resultLearningObjectiveIds.csv": `sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,textScore
rlo-1,,,res-3,case,urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b,3,Proficient
`,
}

// DistrictFiles returns the fixture district with its gradebook.
func DistrictFiles() map[string]string {
	out := RosterFiles()
	for k, v := range gradebookFiles {
		out[k] = v
	}
	return out
}

// resourceFiles allocates three resources to a class, a course and users.
var resourceFiles = map[string]string{
	"resources.csv": `sourcedId,status,dateLastModified,vendorResourceId,title,roles,importance,vendorId,applicationId
rsc-reader,,,VR-1,Reading app,"student,teacher",primary,vendor-x,app-1
rsc-math,,,VR-2,Math practice,student,secondary,vendor-y,
rsc-guide,,,VR-3,Teacher guide,teacher,,vendor-y,
`,
	"classResources.csv": `sourcedId,status,dateLastModified,title,classSourcedId,resourceSourcedId
cr-1,,,,cl-1,rsc-math
cr-2,,,,cl-2,rsc-reader
`,
	"courseResources.csv": `sourcedId,status,dateLastModified,title,courseSourcedId,resourceSourcedId
kr-1,,,,c-math,rsc-guide
`,
	"userResources.csv": `sourcedId,status,dateLastModified,userSourcedId,orgSourcedId,classSourcedId,resourceSourcedId
ur-1,,,u-s1,org/sch-1,cl-1,rsc-reader
ur-2,,,u-t1,,,rsc-guide
ur-3,,,u-s1,,,rsc-math
`,
}

// FullFiles returns the fixture district with its gradebook and resources.
func FullFiles() map[string]string {
	out := DistrictFiles()
	for k, v := range resourceFiles {
		out[k] = v
	}
	return out
}

// march is a day of March 2026, the time the suite's REST writes happen.
func march(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
