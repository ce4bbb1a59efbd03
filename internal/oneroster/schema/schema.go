// Package schema is the one description of the store's tables: for each
// of the 21 CSV data files and the two Assessment Results Profile tables,
// its columns in order, with their format, requiredness, vocabulary and
// reference target. The CSV binding (1.2 and 1.1), the store's column
// lists, the JSON binding's value checks, discovery's enum values and the
// package generator read it, and a conformance test checks both migration
// sets against it, so a column is added in one place.
package schema

import (
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Format is a column's data type in the CSV binding's terms
// (csv-binding.md §4); it decides which value check applies and how the
// store keeps the value (Numeric).
type Format int

// The formats.
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
	JSON                              // JSON text (the assessment tables' learningObjectiveSet); no CSV column has it
)

var formatNames = [...]string{
	String: "String", GUID: "GUID", GUIDRef: "GUIDRef", GUIDRefList: "GUIDRefList",
	StringList: "StringList", Enum: "Enum", EnumList: "EnumList", Boolean: "Boolean",
	Integer: "Integer", Float: "Float", Date: "Date", DateTime: "DateTime", Year: "Year",
	UserIDList: "UserIDList", ScoreScaleValueList: "ScoreScaleValueList", ID: "ID", JSON: "JSON",
}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(?)"
}

// Numeric reports whether values of format f are stored as numbers.
func (f Format) Numeric() bool { return f == Integer || f == Float }

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

// Column describes one standard column of a table.
type Column struct {
	Name     string
	Required Req
	Format   Format
	// Values is the vocabulary of an Enum or EnumList column. It is a
	// shared slice: callers must not modify it.
	Values []string
	// Extensible columns also accept tokens of the form ext:[A-Za-z0-9._-]+.
	Extensible bool
	// Ref names the table whose records a GUIDRef or GUIDRefList column
	// points at, e.g. "orgs". It is empty for every other format,
	// including demographics.sourcedId, which by rule equals a user's
	// sourcedId.
	Ref string
}

// Columns is a table's (or a file layout's) columns in order.
type Columns []Column

// Index returns the position of the named column, or -1.
func (cs Columns) Index(name string) int {
	for i := range cs {
		if cs[i].Name == name {
			return i
		}
	}
	return -1
}

// Column returns the named column, or nil.
func (cs Columns) Column(name string) *Column {
	if i := cs.Index(name); i >= 0 {
		return &cs[i]
	}
	return nil
}

// Names returns the column names in order (a CSV file's header).
func (cs Columns) Names() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// Table describes one table: the rows of one CSV data file (or, NoCSV,
// of an entity that only the REST binding writes).
type Table struct {
	Name    string // e.g. "users" (the CSV file is users.csv)
	Service string // OneRoster service: Rostering, Gradebook or Resources
	Columns Columns
	// NoCSV tables have no CSV file: the Assessment Results Profile's.
	NoCSV bool
}

// Tables lists every table in an order where each comes after the tables
// it references (self-references aside), so an importer that follows it
// resolves references as it goes: the 21 CSV files in the layout of CSV
// binding 1.2.1 (users.csv has no resourceSourcedIds column), then the
// two tables without a CSV file.
var Tables = []*Table{
	orgsTable, academicSessionsTable, coursesTable, classesTable, usersTable,
	userProfilesTable, rolesTable, demographicsTable, enrollmentsTable,
	categoriesTable, scoreScalesTable, lineItemsTable, resultsTable,
	lineItemScoreScalesTable, resultScoreScalesTable,
	lineItemLearningObjectiveIdsTable, resultLearningObjectiveIdsTable,
	resourcesTable, classResourcesTable, courseResourcesTable, userResourcesTable,
	assessmentLineItemsTable, assessmentResultsTable,
}

var byName = func() map[string]*Table {
	m := make(map[string]*Table, len(Tables))
	for _, t := range Tables {
		m[t.Name] = t
	}
	return m
}()

// ByName returns the named table ("users"), or nil.
func ByName(name string) *Table { return byName[name] }

// RefTypeRule returns the org or academic-session type that the target of
// reference column col of table must have, or must not have; "" for no
// rule. The CSV import and the REST writes both apply it, so what one
// accepts the other does.
func RefTypeRule(table, col string) (typ, notTyp string) {
	switch {
	case col == "schoolSourcedId":
		return "school", ""
	case col == "schoolYearSourcedId":
		return "schoolYear", ""
	case table == "lineItems" && col == "academicSessionSourcedId":
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

// table builds a table whose columns start with the three columns every
// table shares.
func table(name, service string, cols ...Column) *Table {
	all := append([]Column{
		{Name: "sourcedId", Required: ReqYes, Format: GUID},
		{Name: "status", Required: ReqDelta, Format: Enum, Values: oneroster.StatusValues},
		{Name: "dateLastModified", Required: ReqDelta, Format: DateTime},
	}, cols...)
	return &Table{Name: name, Service: service, Columns: all}
}

func noCSV(t *Table) *Table { t.NoCSV = true; return t }

func str(name string, req Req) Column { return Column{Name: name, Required: req, Format: String} }
func strList(name string, req Req) Column {
	return Column{Name: name, Required: req, Format: StringList}
}
func ref(name string, req Req, table string) Column {
	return Column{Name: name, Required: req, Format: GUIDRef, Ref: table}
}
func refList(name string, req Req, table string) Column {
	return Column{Name: name, Required: req, Format: GUIDRefList, Ref: table}
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

// The 21 tables of the CSV binding.
var (
	orgsTable = table("orgs", "Rostering",
		str("name", ReqYes),
		extEnum("type", ReqYes, oneroster.OrgTypes),
		str("identifier", ReqNo),
		ref("parentSourcedId", ReqNo, "orgs"),
	)
	academicSessionsTable = table("academicSessions", "Rostering",
		str("title", ReqYes),
		extEnum("type", ReqYes, oneroster.SessionTypes),
		typed("startDate", ReqYes, Date),
		typed("endDate", ReqYes, Date),
		ref("parentSourcedId", ReqNo, "academicSessions"),
		typed("schoolYear", ReqYes, Year),
	)
	coursesTable = table("courses", "Rostering",
		ref("schoolYearSourcedId", ReqNo, "academicSessions"),
		str("title", ReqYes),
		str("courseCode", ReqNo),
		strList("grades", ReqNo),
		ref("orgSourcedId", ReqYes, "orgs"),
		strList("subjects", ReqNo),
		strList("subjectCodes", ReqNo),
	)
	classesTable = table("classes", "Rostering",
		str("title", ReqYes),
		strList("grades", ReqNo),
		ref("courseSourcedId", ReqYes, "courses"),
		str("classCode", ReqNo),
		extEnum("classType", ReqYes, oneroster.ClassTypes),
		str("location", ReqNo),
		ref("schoolSourcedId", ReqYes, "orgs"),
		refList("termSourcedIds", ReqYes, "academicSessions"),
		strList("subjects", ReqNo),
		strList("subjectCodes", ReqNo),
		strList("periods", ReqNo),
	)
	usersTable = table("users", "Rostering",
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
		refList("agentSourcedIds", ReqNo, "users"),
		strList("grades", ReqNo),
		str("password", ReqNo),
		str("userMasterIdentifier", ReqNo),
		str("preferredGivenName", ReqNo),
		str("preferredMiddleName", ReqNo),
		str("preferredFamilyName", ReqNo),
		ref("primaryOrgSourcedId", ReqNo, "orgs"),
		str("pronouns", ReqNo),
	)
	userProfilesTable = table("userProfiles", "Rostering",
		ref("userSourcedId", ReqYes, "users"),
		str("profileType", ReqYes),
		str("vendorId", ReqYes),
		str("applicationId", ReqNo),
		str("description", ReqNo),
		str("credentialType", ReqYes),
		str("username", ReqYes),
		str("password", ReqNo),
	)
	rolesTable = table("roles", "Rostering",
		ref("userSourcedId", ReqYes, "users"),
		enum("roleType", ReqYes, oneroster.RoleTypes),
		extEnum("role", ReqYes, oneroster.Roles),
		typed("beginDate", ReqNo, Date),
		typed("endDate", ReqNo, Date),
		ref("orgSourcedId", ReqYes, "orgs"),
		ref("userProfileSourcedId", ReqNo, "userProfiles"),
	)
	demographicsTable = table("demographics", "Rostering",
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
	enrollmentsTable = table("enrollments", "Rostering",
		ref("classSourcedId", ReqYes, "classes"),
		ref("schoolSourcedId", ReqYes, "orgs"),
		ref("userSourcedId", ReqYes, "users"),
		extEnum("role", ReqYes, oneroster.EnrollmentRoles),
		boolean("primary", ReqNo),
		typed("beginDate", ReqNo, Date),
		typed("endDate", ReqNo, Date),
	)
	categoriesTable = table("categories", "Gradebook",
		str("title", ReqYes),
		// The binding types weight Integer, the information model (and
		// JSON) Float: a REST weight of 12.5 must survive an export and an
		// import, so the reader takes any decimal number (README).
		typed("weight", ReqNo, Float),
	)
	scoreScalesTable = table("scoreScales", "Gradebook",
		str("title", ReqYes),
		str("type", ReqYes),
		ref("orgSourcedId", ReqYes, "orgs"),
		ref("courseSourcedId", ReqYes, "courses"),
		ref("classSourcedId", ReqYes, "classes"),
		typed("scoreScaleValue", ReqYes, ScoreScaleValueList),
	)
	lineItemsTable = table("lineItems", "Gradebook",
		str("title", ReqYes),
		str("description", ReqNo),
		typed("assignDate", ReqYes, Date),
		typed("dueDate", ReqYes, Date),
		ref("classSourcedId", ReqYes, "classes"),
		ref("categorySourcedId", ReqYes, "categories"),
		ref("academicSessionSourcedId", ReqYes, "academicSessions"),
		typed("resultValueMin", ReqNo, Float),
		typed("resultValueMax", ReqNo, Float),
		ref("schoolSourcedId", ReqYes, "orgs"),
	)
	resultsTable = table("results", "Gradebook",
		ref("lineItemSourcedId", ReqYes, "lineItems"),
		ref("studentSourcedId", ReqYes, "users"),
		extEnum("scoreStatus", ReqYes, oneroster.ScoreStatuses),
		typed("score", ReqNo, Float),
		typed("scoreDate", ReqYes, Date),
		str("comment", ReqNo),
		str("textScore", ReqNo),
		ref("classSourcedId", ReqNo, "classes"),
		boolean("inProgress", ReqNo),
		boolean("incomplete", ReqNo),
		boolean("late", ReqNo),
		boolean("missing", ReqNo),
	)
	lineItemScoreScalesTable = table("lineItemScoreScales", "Gradebook",
		str("title", ReqNo),
		ref("lineItemSourcedId", ReqYes, "lineItems"),
		ref("scoreScaleSourcedId", ReqYes, "scoreScales"),
	)
	resultScoreScalesTable = table("resultScoreScales", "Gradebook",
		str("title", ReqNo),
		ref("resultSourcedId", ReqYes, "results"),
		ref("scoreScaleSourcedId", ReqYes, "scoreScales"),
	)
	lineItemLearningObjectiveIdsTable = table("lineItemLearningObjectiveIds", "Gradebook",
		ref("lineItemSourcedId", ReqYes, "lineItems"),
		extEnum("source", ReqYes, oneroster.LOSources),
		str("learningObjectiveId", ReqYes),
	)
	resultLearningObjectiveIdsTable = table("resultLearningObjectiveIds", "Gradebook",
		ref("resultSourcedId", ReqYes, "results"),
		extEnum("source", ReqYes, oneroster.LOSources),
		str("learningObjectiveId", ReqYes),
		typed("score", ReqNo, Float),
		str("textScore", ReqNo),
	)
	resourcesTable = table("resources", "Resources",
		typed("vendorResourceId", ReqYes, ID),
		str("title", ReqNo),
		Column{Name: "roles", Required: ReqNo, Format: EnumList, Values: oneroster.ResourceRoles, Extensible: true},
		enum("importance", ReqNo, oneroster.Importances),
		typed("vendorId", ReqNo, ID),
		typed("applicationId", ReqNo, ID),
	)
	classResourcesTable = table("classResources", "Resources",
		str("title", ReqNo),
		ref("classSourcedId", ReqYes, "classes"),
		ref("resourceSourcedId", ReqYes, "resources"),
	)
	courseResourcesTable = table("courseResources", "Resources",
		str("title", ReqNo),
		ref("courseSourcedId", ReqYes, "courses"),
		ref("resourceSourcedId", ReqYes, "resources"),
	)
	userResourcesTable = table("userResources", "Resources",
		ref("userSourcedId", ReqYes, "users"),
		ref("orgSourcedId", ReqNo, "orgs"),
		ref("classSourcedId", ReqNo, "classes"),
		ref("resourceSourcedId", ReqYes, "resources"),
	)
)

// The Assessment Results Profile's tables, which only the REST binding
// writes; requiredness is the JSON binding's.
var (
	assessmentLineItemsTable = noCSV(table("assessmentLineItems", "Gradebook",
		str("title", ReqYes),
		str("description", ReqNo),
		ref("classSourcedId", ReqNo, "classes"),
		ref("parentAssessmentLineItemSourcedId", ReqNo, "assessmentLineItems"),
		ref("scoreScaleSourcedId", ReqNo, "scoreScales"),
		typed("resultValueMin", ReqNo, Float),
		typed("resultValueMax", ReqNo, Float),
		typed("learningObjectiveSet", ReqNo, JSON),
	))
	assessmentResultsTable = noCSV(table("assessmentResults", "Gradebook",
		ref("assessmentLineItemSourcedId", ReqYes, "assessmentLineItems"),
		ref("studentSourcedId", ReqYes, "users"),
		typed("score", ReqNo, Float),
		str("textScore", ReqNo),
		typed("scoreDate", ReqYes, Date),
		ref("scoreScaleSourcedId", ReqNo, "scoreScales"),
		typed("scorePercentile", ReqNo, Float),
		extEnum("scoreStatus", ReqYes, oneroster.ScoreStatuses),
		str("comment", ReqNo),
		typed("learningObjectiveSet", ReqNo, JSON),
		boolean("inProgress", ReqNo),
		boolean("incomplete", ReqNo),
		boolean("late", ReqNo),
		boolean("missing", ReqNo),
	))
)
