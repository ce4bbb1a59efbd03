package csvpkg

import (
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Format is the CSV binding's data type of a column; it decides which row
// check applies and how the importer converts the text.
type Format int

// The formats of the CSV binding (csv-binding.md §4).
const (
	String              Format = iota // free text
	GUID                              // the record's own sourcedId
	GUIDRef                           // sourcedId of another record (see Column.Ref)
	GUIDRefList                       // comma list of GUIDRef
	StringList                        // comma list of strings
	Enum                              // one token of Column.Values
	EnumList                          // comma list of Enum tokens
	Boolean                           // true or false, lower case
	Integer                           // whole number
	Float                             // decimal number
	Date                              // YYYY-MM-DD
	DateTime                          // ISO 8601 UTC timestamp
	Year                              // YYYY
	UserIDList                        // users.userIds: {type:identifier},...
	ScoreScaleValueList               // scoreScales.scoreScaleValue: {LHS:RHS},...
	ID                                // identifier defined outside OneRoster (vendor ids); free text
)

var formatNames = [...]string{
	String: "String", GUID: "GUID", GUIDRef: "GUIDRef", GUIDRefList: "GUIDRefList",
	StringList: "StringList", Enum: "Enum", EnumList: "EnumList", Boolean: "Boolean",
	Integer: "Integer", Float: "Float", Date: "Date", DateTime: "DateTime", Year: "Year",
	UserIDList: "UserIDList", ScoreScaleValueList: "ScoreScaleValueList", ID: "ID",
}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(?)"
}

// Req says when a column must hold a value.
type Req int

// The binding's three requiredness levels.
const (
	ReqNo    Req = iota // optional
	ReqYes              // always required
	ReqDelta            // required in delta rows, must be blank in bulk rows (status, dateLastModified)
)

func (r Req) String() string {
	switch r {
	case ReqYes:
		return "Yes"
	case ReqDelta:
		return "Delta"
	}
	return "No"
}

// Column describes one standard column of a data file.
type Column struct {
	Name     string
	Required Req
	Format   Format
	// Values is the vocabulary of an Enum or EnumList column.
	Values []string
	// Extensible columns also accept tokens of the form ext:[A-Za-z0-9._-]+.
	Extensible bool
	// Ref names the file whose records a GUIDRef or GUIDRefList column points
	// at, e.g. "orgs.csv". It is empty for every other format, including
	// demographics.sourcedId, which by rule equals a user's sourcedId.
	Ref string
}

// RefTypeRule returns the org or academic-session type that the target of
// reference column col of file (a CSV name, "lineItems.csv") must have,
// or must not have; "" for no rule. The CSV import and the REST writes
// both apply it, so what one accepts the other does.
func RefTypeRule(file, col string) (typ, notTyp string) {
	switch {
	case col == "schoolSourcedId":
		return "school", ""
	case col == "schoolYearSourcedId":
		return "schoolYear", ""
	case file == "lineItems.csv" && col == "academicSessionSourcedId":
		// A line item belongs to a term or grading period, not a year.
		return "", "schoolYear"
	}
	return "", ""
}

// RefTypeOK reports whether a target of type got satisfies the type typ
// that RefTypeRule requires ("" for none). The org and session type
// vocabularies are extensible, and a producer's own type (ext:charter)
// may be a kind of school or year, as in the official 1.2.1 valid cases:
// an ext: type satisfies a required type. (The forbidden type is a plain
// comparison, reported with its own message.)
func RefTypeOK(typ, got string) bool {
	return typ == "" || got == typ || strings.HasPrefix(got, "ext:")
}

// FileSpec describes one of the 21 data files.
type FileSpec struct {
	Name        string // file name inside the package, e.g. "users.csv"
	ManifestKey string // property in manifest.csv, e.g. "file.users"
	Service     string // OneRoster service: Rostering, Gradebook or Resources
	Columns     []Column
}

// Index returns the position of the named standard column, or -1.
func (s *FileSpec) Index(col string) int {
	for i := range s.Columns {
		if s.Columns[i].Name == col {
			return i
		}
	}
	return -1
}

// Files lists the 21 data files in an order where every file comes after the
// files it references (self-references aside), so an importer that follows
// it can resolve references as it goes. The layout is CSV binding 1.2.1:
// users.csv has no resourceSourcedIds column.
var Files = []*FileSpec{
	orgsFile, academicSessionsFile, coursesFile, classesFile, usersFile,
	userProfilesFile, rolesFile, demographicsFile, enrollmentsFile,
	categoriesFile, scoreScalesFile, lineItemsFile, resultsFile,
	lineItemScoreScalesFile, resultScoreScalesFile,
	lineItemLearningObjectiveIdsFile, resultLearningObjectiveIdsFile,
	resourcesFile, classResourcesFile, courseResourcesFile, userResourcesFile,
}

// FileByName returns the spec of the named data file ("users.csv"), or nil.
// Names are case-sensitive, as in the binding.
func FileByName(name string) *FileSpec {
	for _, f := range Files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// fileByManifestKey returns the spec whose manifest property is key, or nil.
func fileByManifestKey(key string) *FileSpec {
	for _, f := range Files {
		if f.ManifestKey == key {
			return f
		}
	}
	return nil
}

// Shared vocabularies. They are shared slices, so callers must not modify
// Column.Values.
var (
	statusValues = oneroster.StatusValues
	enrollRoles  = oneroster.EnrollmentRoles
	roleValues   = oneroster.Roles
	resRoles     = oneroster.ResourceRoles
	loSources    = oneroster.LOSources
	importance   = oneroster.Importances
)

// newFile builds a spec whose columns start with the three columns every
// data file shares.
func newFile(name, service string, cols ...Column) *FileSpec {
	base := name[:len(name)-len(".csv")]
	all := append([]Column{
		{Name: "sourcedId", Required: ReqYes, Format: GUID},
		{Name: "status", Required: ReqDelta, Format: Enum, Values: statusValues},
		{Name: "dateLastModified", Required: ReqDelta, Format: DateTime},
	}, cols...)
	return &FileSpec{Name: name, ManifestKey: "file." + base, Service: service, Columns: all}
}

func str(name string, req Req) Column { return Column{Name: name, Required: req, Format: String} }
func strList(name string, req Req) Column {
	return Column{Name: name, Required: req, Format: StringList}
}
func ref(name string, req Req, file string) Column {
	return Column{Name: name, Required: req, Format: GUIDRef, Ref: file}
}
func refList(name string, req Req, file string) Column {
	return Column{Name: name, Required: req, Format: GUIDRefList, Ref: file}
}
func enum(name string, req Req, values []string) Column {
	return Column{Name: name, Required: req, Format: Enum, Values: values}
}
func extEnum(name string, req Req, values []string) Column {
	return Column{Name: name, Required: req, Format: Enum, Values: values, Extensible: true}
}
func boolean(name string, req Req) Column { return Column{Name: name, Required: req, Format: Boolean} }
func typed(name string, req Req, f Format) Column {
	return Column{Name: name, Required: req, Format: f}
}

var (
	orgsFile = newFile("orgs.csv", "Rostering",
		str("name", ReqYes),
		extEnum("type", ReqYes, oneroster.OrgTypes),
		str("identifier", ReqNo),
		ref("parentSourcedId", ReqNo, "orgs.csv"),
	)
	academicSessionsFile = newFile("academicSessions.csv", "Rostering",
		str("title", ReqYes),
		extEnum("type", ReqYes, oneroster.SessionTypes),
		typed("startDate", ReqYes, Date),
		typed("endDate", ReqYes, Date),
		ref("parentSourcedId", ReqNo, "academicSessions.csv"),
		typed("schoolYear", ReqYes, Year),
	)
	coursesFile = newFile("courses.csv", "Rostering",
		ref("schoolYearSourcedId", ReqNo, "academicSessions.csv"),
		str("title", ReqYes),
		str("courseCode", ReqNo),
		strList("grades", ReqNo),
		ref("orgSourcedId", ReqYes, "orgs.csv"),
		strList("subjects", ReqNo),
		strList("subjectCodes", ReqNo),
	)
	classesFile = newFile("classes.csv", "Rostering",
		str("title", ReqYes),
		strList("grades", ReqNo),
		ref("courseSourcedId", ReqYes, "courses.csv"),
		str("classCode", ReqNo),
		extEnum("classType", ReqYes, oneroster.ClassTypes),
		str("location", ReqNo),
		ref("schoolSourcedId", ReqYes, "orgs.csv"),
		refList("termSourcedIds", ReqYes, "academicSessions.csv"),
		strList("subjects", ReqNo),
		strList("subjectCodes", ReqNo),
		strList("periods", ReqNo),
	)
	usersFile = newFile("users.csv", "Rostering",
		boolean("enabledUser", ReqYes),
		str("username", ReqYes),
		typed("userIds", ReqNo, UserIDList),
		str("givenName", ReqYes),
		str("familyName", ReqYes),
		str("middleName", ReqNo),
		str("identifier", ReqNo),
		str("email", ReqNo),
		str("sms", ReqNo),
		str("phone", ReqNo),
		refList("agentSourcedIds", ReqNo, "users.csv"),
		strList("grades", ReqNo),
		str("password", ReqNo),
		str("userMasterIdentifier", ReqNo),
		str("preferredGivenName", ReqNo),
		str("preferredMiddleName", ReqNo),
		str("preferredFamilyName", ReqNo),
		ref("primaryOrgSourcedId", ReqNo, "orgs.csv"),
		str("pronouns", ReqNo),
	)
	userProfilesFile = newFile("userProfiles.csv", "Rostering",
		ref("userSourcedId", ReqYes, "users.csv"),
		str("profileType", ReqYes),
		str("vendorId", ReqYes),
		str("applicationId", ReqNo),
		str("description", ReqNo),
		str("credentialType", ReqYes),
		str("username", ReqYes),
		str("password", ReqNo),
	)
	rolesFile = newFile("roles.csv", "Rostering",
		ref("userSourcedId", ReqYes, "users.csv"),
		enum("roleType", ReqYes, oneroster.RoleTypes),
		extEnum("role", ReqYes, roleValues),
		typed("beginDate", ReqNo, Date),
		typed("endDate", ReqNo, Date),
		ref("orgSourcedId", ReqYes, "orgs.csv"),
		ref("userProfileSourcedId", ReqNo, "userProfiles.csv"),
	)
	demographicsFile = newFile("demographics.csv", "Rostering",
		typed("birthDate", ReqNo, Date),
		extEnum("sex", ReqNo, oneroster.Sexes),
		boolean("americanIndianOrAlaskaNative", ReqNo),
		boolean("asian", ReqNo),
		boolean("blackOrAfricanAmerican", ReqNo),
		boolean("nativeHawaiianOrOtherPacificIslander", ReqNo),
		boolean("white", ReqNo),
		boolean("demographicRaceTwoOrMoreRaces", ReqNo),
		boolean("hispanicOrLatinoEthnicity", ReqNo),
		str("countryOfBirthCode", ReqNo),
		str("stateOfBirthAbbreviation", ReqNo),
		str("cityOfBirth", ReqNo),
		str("publicSchoolResidenceStatus", ReqNo),
	)
	enrollmentsFile = newFile("enrollments.csv", "Rostering",
		ref("classSourcedId", ReqYes, "classes.csv"),
		ref("schoolSourcedId", ReqYes, "orgs.csv"),
		ref("userSourcedId", ReqYes, "users.csv"),
		extEnum("role", ReqYes, enrollRoles),
		boolean("primary", ReqNo),
		typed("beginDate", ReqNo, Date),
		typed("endDate", ReqNo, Date),
	)
	categoriesFile = newFile("categories.csv", "Gradebook",
		str("title", ReqYes),
		// The binding types weight Integer, the information model (and
		// JSON) Float: a REST weight of 12.5 must survive an export and an
		// import, so the reader takes any decimal number (README).
		typed("weight", ReqNo, Float),
	)
	scoreScalesFile = newFile("scoreScales.csv", "Gradebook",
		str("title", ReqYes),
		str("type", ReqYes),
		ref("orgSourcedId", ReqYes, "orgs.csv"),
		ref("courseSourcedId", ReqYes, "courses.csv"),
		ref("classSourcedId", ReqYes, "classes.csv"),
		typed("scoreScaleValue", ReqYes, ScoreScaleValueList),
	)
	lineItemsFile = newFile("lineItems.csv", "Gradebook",
		str("title", ReqYes),
		str("description", ReqNo),
		typed("assignDate", ReqYes, Date),
		typed("dueDate", ReqYes, Date),
		ref("classSourcedId", ReqYes, "classes.csv"),
		ref("categorySourcedId", ReqYes, "categories.csv"),
		ref("academicSessionSourcedId", ReqYes, "academicSessions.csv"),
		typed("resultValueMin", ReqNo, Float),
		typed("resultValueMax", ReqNo, Float),
		ref("schoolSourcedId", ReqYes, "orgs.csv"),
	)
	resultsFile = newFile("results.csv", "Gradebook",
		ref("lineItemSourcedId", ReqYes, "lineItems.csv"),
		ref("studentSourcedId", ReqYes, "users.csv"),
		extEnum("scoreStatus", ReqYes, oneroster.ScoreStatuses),
		typed("score", ReqNo, Float),
		typed("scoreDate", ReqYes, Date),
		str("comment", ReqNo),
		str("textScore", ReqNo),
		ref("classSourcedId", ReqNo, "classes.csv"),
		boolean("inProgress", ReqNo),
		boolean("incomplete", ReqNo),
		boolean("late", ReqNo),
		boolean("missing", ReqNo),
	)
	lineItemScoreScalesFile = newFile("lineItemScoreScales.csv", "Gradebook",
		str("title", ReqNo),
		ref("lineItemSourcedId", ReqYes, "lineItems.csv"),
		ref("scoreScaleSourcedId", ReqYes, "scoreScales.csv"),
	)
	resultScoreScalesFile = newFile("resultScoreScales.csv", "Gradebook",
		str("title", ReqNo),
		ref("resultSourcedId", ReqYes, "results.csv"),
		ref("scoreScaleSourcedId", ReqYes, "scoreScales.csv"),
	)
	lineItemLearningObjectiveIdsFile = newFile("lineItemLearningObjectiveIds.csv", "Gradebook",
		ref("lineItemSourcedId", ReqYes, "lineItems.csv"),
		extEnum("source", ReqYes, loSources),
		str("learningObjectiveId", ReqYes),
	)
	resultLearningObjectiveIdsFile = newFile("resultLearningObjectiveIds.csv", "Gradebook",
		ref("resultSourcedId", ReqYes, "results.csv"),
		extEnum("source", ReqYes, loSources),
		str("learningObjectiveId", ReqYes),
		typed("score", ReqNo, Float),
		str("textScore", ReqNo),
	)
	resourcesFile = newFile("resources.csv", "Resources",
		typed("vendorResourceId", ReqYes, ID),
		str("title", ReqNo),
		Column{Name: "roles", Required: ReqNo, Format: EnumList, Values: resRoles, Extensible: true},
		enum("importance", ReqNo, importance),
		typed("vendorId", ReqNo, ID),
		typed("applicationId", ReqNo, ID),
	)
	classResourcesFile = newFile("classResources.csv", "Resources",
		str("title", ReqNo),
		ref("classSourcedId", ReqYes, "classes.csv"),
		ref("resourceSourcedId", ReqYes, "resources.csv"),
	)
	courseResourcesFile = newFile("courseResources.csv", "Resources",
		str("title", ReqNo),
		ref("courseSourcedId", ReqYes, "courses.csv"),
		ref("resourceSourcedId", ReqYes, "resources.csv"),
	)
	userResourcesFile = newFile("userResources.csv", "Resources",
		ref("userSourcedId", ReqYes, "users.csv"),
		ref("orgSourcedId", ReqNo, "orgs.csv"),
		ref("classSourcedId", ReqNo, "classes.csv"),
		ref("resourceSourcedId", ReqYes, "resources.csv"),
	)
)

// legacyHints explains header names that older layouts used, so a user who
// sends a 1.1 or 2022-era 1.2 file learns what changed instead of only
// seeing "unknown column".
var legacyHints = map[string]map[string]string{
	"users.csv": {
		"resourceSourcedIds": "the 1.2.1 binding removed it from users.csv; send user resources in userResources.csv",
		"orgSourcedIds":      "OneRoster 1.2 moved it to roles.csv",
		"role":               "OneRoster 1.2 moved it to roles.csv",
	},
	"lineItems.csv": {
		"gradingPeriodSourcedId": "OneRoster 1.2 renamed it academicSessionSourcedId",
	},
}
