package oneroster

import "strings"

// Kind says how a JSON property is stored and rendered.
type Kind int

// The kinds of JSON property. Scalar kinds can be sorted on; every kind
// except Metadata can be filtered on (lists and embedded arrays with "any
// element matches" semantics).
const (
	String           Kind = iota // JSON string; omitted when blank unless Required
	Enum                         // JSON string from a vocabulary
	Date                         // YYYY-MM-DD
	DateTime                     // YYYY-MM-DDTHH:MM:SS.sssZ
	DateAsTime                   // stored as a CSV Date, rendered as a date-time (lineItem assign/due dates)
	Number                       // JSON number
	Bool                         // the strings "true"/"false" (never JSON booleans)
	ProfileID                    // a userProfile sourcedId, rendered as a URI (see ProfileURI)
	Ref                          // GUIDRef; Col holds the target's sourcedId
	RefList                      // array of GUIDRef; Col holds a comma list of sourcedIds
	StringList                   // array of strings; Col holds a comma list
	UserIDs                      // array of {type, identifier}; Col holds "{type:id},..."
	Metadata                     // open JSON object; Col holds JSON text
	Embedded                     // array of objects loaded from another table (roles, userProfiles)
	Children                     // array of GUIDRef to rows of the same table whose parent is this row
	LinkRef                      // GUIDRef held by a link table (lineItemScoreScales.csv …); see Field.Link
	Objectives                   // learningObjectiveSet built from a link table, grouped by source; see Field.Link
	ObjectivesJSON               // learningObjectiveSet stored as JSON text (assessment tables)
	ScoreScaleValues             // array of {itemValueLHS, itemValueRHS}; Col holds "{LHS:RHS},..."
	LinkRefs                     // array of GUIDRef held by a link table (classResources.csv …); see Field.Link
)

// Scalar reports whether properties of kind k can be sorted on.
func (k Kind) Scalar() bool { return k <= ProfileID }

// Field is one JSON property of an entity, in schema order.
type Field struct {
	Name     string // JSON property name
	Kind     Kind
	Col      string // CSV column that holds the value ("" for Embedded/Children)
	RefType  string // GUIDRef type for Ref, RefList, Children and LinkRef
	Required bool   // always emitted, even when blank
	Link     *Link  // for LinkRef and Objectives
	Scores   bool   // for Objectives and ObjectivesJSON: per-objective scores (results)
	// Owner marks a Ref to the object this one belongs to (a result's line
	// item): deleting that object deletes this one too. Other references
	// keep their target from being deleted while they are active.
	Owner bool
}

// Link describes a CSV link file that carries a property of another
// entity: rows of Table whose Owner column names the object.
type Link struct {
	Table  string // CSV base name, e.g. "lineItemScoreScales"
	Owner  string // column naming the owning object, e.g. "lineItemSourcedId"
	Target string // for LinkRef: the column holding the referenced sourcedId
}

// Entity describes one OneRoster object type as the REST binding shows it
// and where it lives: the table that mirrors its CSV file.
type Entity struct {
	Name    string // singular wrapper key and GUIDRef type, e.g. "user"
	Plural  string // collection wrapper key, e.g. "users"
	Table   string // CSV file base name, e.g. "users" for users.csv
	Service string // "rostering", "gradebook" or "resources"
	Fields  []Field
	byName  map[string]*Field
	// NoCSV entities have no CSV file (the Assessment Results Profile);
	// their table's columns are their fields' Cols.
	NoCSV bool
	// Tombstones: a deleted (tobedeleted) object answers 404 and is left
	// out of collections, unless a filter asks about status or
	// dateLastModified, so delta consumers still learn of deletions.
	Tombstones bool
}

// Field returns the property called name, or nil.
func (e *Entity) Field(name string) *Field { return e.byName[name] }

// Services' base paths (rest-endpoints.md §1).
const (
	RosteringBase = "/ims/oneroster/rostering/v1p2"
	GradebookBase = "/ims/oneroster/gradebook/v1p2"
	ResourcesBase = "/ims/oneroster/resources/v1p2"
)

// RefPath is the path (without host) of the single-object endpoint that a
// GUIDRef of the given type points at; the sourcedId is appended escaped.
func RefPath(refType string) string {
	switch refType {
	case "org":
		return RosteringBase + "/orgs/"
	case "academicSession":
		return RosteringBase + "/academicSessions/"
	case "course":
		return RosteringBase + "/courses/"
	case "class":
		return RosteringBase + "/classes/"
	case "user":
		return RosteringBase + "/users/"
	case "resource":
		return ResourcesBase + "/resources/"
	case "category":
		return GradebookBase + "/categories/"
	case "lineItem":
		return GradebookBase + "/lineItems/"
	case "scoreScale":
		return GradebookBase + "/scoreScales/"
	case "assessmentLineItem":
		return GradebookBase + "/assessmentLineItems/"
	}
	panic("oneroster: unknown GUIDRef type " + refType)
}

func base() []Field {
	return []Field{
		{Name: "sourcedId", Kind: String, Col: "sourcedId", Required: true},
		{Name: "status", Kind: Enum, Col: "status", Required: true},
		{Name: "dateLastModified", Kind: DateTime, Col: "dateLastModified", Required: true},
		{Name: "metadata", Kind: Metadata, Col: "metadata"},
	}
}

func entity(name, plural, table, service string, fields ...Field) *Entity {
	e := &Entity{Name: name, Plural: plural, Table: table, Service: service, Fields: append(base(), fields...)}
	e.byName = make(map[string]*Field, len(e.Fields))
	for i := range e.Fields {
		e.byName[e.Fields[i].Name] = &e.Fields[i]
	}
	return e
}

// The rostering entities, with their fields in the order of the official
// OpenAPI schemas (data-model.md §2).
var (
	Org = entity("org", "orgs", "orgs", "rostering",
		Field{Name: "name", Kind: String, Col: "name", Required: true},
		Field{Name: "type", Kind: Enum, Col: "type", Required: true},
		Field{Name: "identifier", Kind: String, Col: "identifier", Required: true},
		Field{Name: "parent", Kind: Ref, Col: "parentSourcedId", RefType: "org"},
		Field{Name: "children", Kind: Children, RefType: "org"},
	)
	AcademicSession = entity("academicSession", "academicSessions", "academicSessions", "rostering",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "startDate", Kind: Date, Col: "startDate", Required: true},
		Field{Name: "endDate", Kind: Date, Col: "endDate", Required: true},
		Field{Name: "type", Kind: Enum, Col: "type", Required: true},
		Field{Name: "parent", Kind: Ref, Col: "parentSourcedId", RefType: "academicSession"},
		Field{Name: "children", Kind: Children, RefType: "academicSession"},
		Field{Name: "schoolYear", Kind: String, Col: "schoolYear", Required: true},
	)
	Course = entity("course", "courses", "courses", "rostering",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "schoolYear", Kind: Ref, Col: "schoolYearSourcedId", RefType: "academicSession"},
		Field{Name: "courseCode", Kind: String, Col: "courseCode", Required: true},
		Field{Name: "grades", Kind: StringList, Col: "grades"},
		Field{Name: "subjects", Kind: StringList, Col: "subjects"},
		Field{Name: "org", Kind: Ref, Col: "orgSourcedId", RefType: "org"},
		Field{Name: "subjectCodes", Kind: StringList, Col: "subjectCodes"},
		Field{Name: "resources", Kind: LinkRefs, RefType: "resource",
			Link: &Link{Table: "courseResources", Owner: "courseSourcedId", Target: "resourceSourcedId"}},
	)
	Class = entity("class", "classes", "classes", "rostering",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "classCode", Kind: String, Col: "classCode"},
		Field{Name: "classType", Kind: Enum, Col: "classType"},
		Field{Name: "location", Kind: String, Col: "location"},
		Field{Name: "grades", Kind: StringList, Col: "grades"},
		Field{Name: "subjects", Kind: StringList, Col: "subjects"},
		Field{Name: "course", Kind: Ref, Col: "courseSourcedId", RefType: "course", Required: true},
		Field{Name: "school", Kind: Ref, Col: "schoolSourcedId", RefType: "org", Required: true},
		Field{Name: "terms", Kind: RefList, Col: "termSourcedIds", RefType: "academicSession", Required: true},
		Field{Name: "subjectCodes", Kind: StringList, Col: "subjectCodes"},
		Field{Name: "periods", Kind: StringList, Col: "periods"},
		Field{Name: "resources", Kind: LinkRefs, RefType: "resource",
			Link: &Link{Table: "classResources", Owner: "classSourcedId", Target: "resourceSourcedId"}},
	)
	User = entity("user", "users", "users", "rostering",
		Field{Name: "userMasterIdentifier", Kind: String, Col: "userMasterIdentifier"},
		Field{Name: "username", Kind: String, Col: "username"},
		Field{Name: "userIds", Kind: UserIDs, Col: "userIds"},
		Field{Name: "enabledUser", Kind: Bool, Col: "enabledUser", Required: true},
		Field{Name: "givenName", Kind: String, Col: "givenName", Required: true},
		Field{Name: "familyName", Kind: String, Col: "familyName", Required: true},
		Field{Name: "middleName", Kind: String, Col: "middleName"},
		Field{Name: "preferredFirstName", Kind: String, Col: "preferredGivenName"},
		Field{Name: "preferredMiddleName", Kind: String, Col: "preferredMiddleName"},
		Field{Name: "preferredLastName", Kind: String, Col: "preferredFamilyName"},
		Field{Name: "pronouns", Kind: String, Col: "pronouns"},
		Field{Name: "roles", Kind: Embedded, Required: true},
		Field{Name: "userProfiles", Kind: Embedded},
		Field{Name: "primaryOrg", Kind: Ref, Col: "primaryOrgSourcedId", RefType: "org"},
		Field{Name: "identifier", Kind: String, Col: "identifier"},
		Field{Name: "email", Kind: String, Col: "email"},
		Field{Name: "sms", Kind: String, Col: "sms"},
		Field{Name: "phone", Kind: String, Col: "phone"},
		Field{Name: "agents", Kind: RefList, Col: "agentSourcedIds", RefType: "user"},
		Field{Name: "grades", Kind: StringList, Col: "grades"},
		Field{Name: "password", Kind: String, Col: "password"},
		Field{Name: "resources", Kind: LinkRefs, RefType: "resource",
			Link: &Link{Table: "userResources", Owner: "userSourcedId", Target: "resourceSourcedId"}},
	)
	Demographics = entity("demographics", "demographics", "demographics", "rostering",
		Field{Name: "birthDate", Kind: Date, Col: "birthDate"},
		Field{Name: "sex", Kind: Enum, Col: "sex"},
		Field{Name: "americanIndianOrAlaskaNative", Kind: Bool, Col: "americanIndianOrAlaskaNative"},
		Field{Name: "asian", Kind: Bool, Col: "asian"},
		Field{Name: "blackOrAfricanAmerican", Kind: Bool, Col: "blackOrAfricanAmerican"},
		Field{Name: "nativeHawaiianOrOtherPacificIslander", Kind: Bool, Col: "nativeHawaiianOrOtherPacificIslander"},
		Field{Name: "white", Kind: Bool, Col: "white"},
		Field{Name: "demographicRaceTwoOrMoreRaces", Kind: Bool, Col: "demographicRaceTwoOrMoreRaces"},
		Field{Name: "hispanicOrLatinoEthnicity", Kind: Bool, Col: "hispanicOrLatinoEthnicity"},
		Field{Name: "countryOfBirthCode", Kind: String, Col: "countryOfBirthCode"},
		Field{Name: "stateOfBirthAbbreviation", Kind: String, Col: "stateOfBirthAbbreviation"},
		Field{Name: "cityOfBirth", Kind: String, Col: "cityOfBirth"},
		Field{Name: "publicSchoolResidenceStatus", Kind: String, Col: "publicSchoolResidenceStatus"},
	)
	Enrollment = entity("enrollment", "enrollments", "enrollments", "rostering",
		Field{Name: "user", Kind: Ref, Col: "userSourcedId", RefType: "user", Required: true},
		Field{Name: "class", Kind: Ref, Col: "classSourcedId", RefType: "class", Required: true},
		Field{Name: "school", Kind: Ref, Col: "schoolSourcedId", RefType: "org", Required: true},
		Field{Name: "role", Kind: Enum, Col: "role", Required: true},
		Field{Name: "primary", Kind: Bool, Col: "primary"},
		Field{Name: "beginDate", Kind: Date, Col: "beginDate"},
		Field{Name: "endDate", Kind: Date, Col: "endDate"},
	)
)

// The gradebook entities, including the Assessment Results Profile.
var (
	Category = tomb(entity("category", "categories", "categories", "gradebook",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "weight", Kind: Number, Col: "weight"},
	))
	LineItem = tomb(entity("lineItem", "lineItems", "lineItems", "gradebook",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "description", Kind: String, Col: "description"},
		Field{Name: "assignDate", Kind: DateAsTime, Col: "assignDate", Required: true},
		Field{Name: "dueDate", Kind: DateAsTime, Col: "dueDate", Required: true},
		Field{Name: "class", Kind: Ref, Col: "classSourcedId", RefType: "class", Required: true},
		Field{Name: "school", Kind: Ref, Col: "schoolSourcedId", RefType: "org", Required: true},
		Field{Name: "category", Kind: Ref, Col: "categorySourcedId", RefType: "category", Required: true},
		Field{Name: "academicSession", Kind: Ref, Col: "academicSessionSourcedId", RefType: "academicSession"},
		Field{Name: "scoreScale", Kind: LinkRef, RefType: "scoreScale",
			Link: &Link{Table: "lineItemScoreScales", Owner: "lineItemSourcedId", Target: "scoreScaleSourcedId"}},
		Field{Name: "resultValueMin", Kind: Number, Col: "resultValueMin"},
		Field{Name: "resultValueMax", Kind: Number, Col: "resultValueMax"},
		Field{Name: "learningObjectiveSet", Kind: Objectives,
			Link: &Link{Table: "lineItemLearningObjectiveIds", Owner: "lineItemSourcedId"}},
	))
	Result = tomb(entity("result", "results", "results", "gradebook",
		Field{Name: "lineItem", Kind: Ref, Col: "lineItemSourcedId", RefType: "lineItem", Required: true, Owner: true},
		Field{Name: "student", Kind: Ref, Col: "studentSourcedId", RefType: "user", Required: true},
		Field{Name: "class", Kind: Ref, Col: "classSourcedId", RefType: "class"},
		Field{Name: "scoreScale", Kind: LinkRef, RefType: "scoreScale",
			Link: &Link{Table: "resultScoreScales", Owner: "resultSourcedId", Target: "scoreScaleSourcedId"}},
		Field{Name: "scoreStatus", Kind: Enum, Col: "scoreStatus", Required: true},
		Field{Name: "score", Kind: Number, Col: "score"},
		Field{Name: "textScore", Kind: String, Col: "textScore"},
		Field{Name: "scoreDate", Kind: Date, Col: "scoreDate", Required: true},
		Field{Name: "comment", Kind: String, Col: "comment"},
		Field{Name: "learningObjectiveSet", Kind: Objectives, Scores: true,
			Link: &Link{Table: "resultLearningObjectiveIds", Owner: "resultSourcedId"}},
		Field{Name: "inProgress", Kind: Bool, Col: "inProgress"},
		Field{Name: "incomplete", Kind: Bool, Col: "incomplete"},
		Field{Name: "late", Kind: Bool, Col: "late"},
		Field{Name: "missing", Kind: Bool, Col: "missing"},
	))
	ScoreScale = tomb(entity("scoreScale", "scoreScales", "scoreScales", "gradebook",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "type", Kind: String, Col: "type", Required: true},
		Field{Name: "course", Kind: Ref, Col: "courseSourcedId", RefType: "course"},
		Field{Name: "class", Kind: Ref, Col: "classSourcedId", RefType: "class", Required: true},
		Field{Name: "scoreScaleValue", Kind: ScoreScaleValues, Col: "scoreScaleValue", Required: true},
	))
	AssessmentLineItem = noCSV(tomb(entity("assessmentLineItem", "assessmentLineItems", "assessmentLineItems", "gradebook",
		Field{Name: "title", Kind: String, Col: "title", Required: true},
		Field{Name: "description", Kind: String, Col: "description"},
		Field{Name: "class", Kind: Ref, Col: "classSourcedId", RefType: "class"},
		Field{Name: "parentAssessmentLineItem", Kind: Ref, Col: "parentAssessmentLineItemSourcedId", RefType: "assessmentLineItem", Owner: true},
		Field{Name: "scoreScale", Kind: Ref, Col: "scoreScaleSourcedId", RefType: "scoreScale"},
		Field{Name: "resultValueMin", Kind: Number, Col: "resultValueMin"},
		Field{Name: "resultValueMax", Kind: Number, Col: "resultValueMax"},
		Field{Name: "learningObjectiveSet", Kind: ObjectivesJSON, Col: "learningObjectiveSet"},
	)))
	AssessmentResult = noCSV(tomb(entity("assessmentResult", "assessmentResults", "assessmentResults", "gradebook",
		Field{Name: "assessmentLineItem", Kind: Ref, Col: "assessmentLineItemSourcedId", RefType: "assessmentLineItem", Required: true, Owner: true},
		Field{Name: "student", Kind: Ref, Col: "studentSourcedId", RefType: "user", Required: true},
		Field{Name: "score", Kind: Number, Col: "score"},
		Field{Name: "textScore", Kind: String, Col: "textScore"},
		Field{Name: "scoreDate", Kind: Date, Col: "scoreDate", Required: true},
		Field{Name: "scoreScale", Kind: Ref, Col: "scoreScaleSourcedId", RefType: "scoreScale"},
		Field{Name: "scorePercentile", Kind: Number, Col: "scorePercentile"},
		Field{Name: "scoreStatus", Kind: Enum, Col: "scoreStatus", Required: true},
		Field{Name: "comment", Kind: String, Col: "comment"},
		Field{Name: "learningObjectiveSet", Kind: ObjectivesJSON, Col: "learningObjectiveSet", Scores: true},
		Field{Name: "inProgress", Kind: Bool, Col: "inProgress"},
		Field{Name: "incomplete", Kind: Bool, Col: "incomplete"},
		Field{Name: "late", Kind: Bool, Col: "late"},
		Field{Name: "missing", Kind: Bool, Col: "missing"},
	)))
)

// Resource is the resources service's one entity.
var Resource = entity("resource", "resources", "resources", "resources",
	Field{Name: "title", Kind: String, Col: "title"},
	Field{Name: "roles", Kind: StringList, Col: "roles"},
	Field{Name: "importance", Kind: Enum, Col: "importance"},
	Field{Name: "vendorResourceId", Kind: String, Col: "vendorResourceId", Required: true},
	Field{Name: "vendorId", Kind: String, Col: "vendorId"},
	Field{Name: "applicationId", Kind: String, Col: "applicationId"},
)

func tomb(e *Entity) *Entity  { e.Tombstones = true; return e }
func noCSV(e *Entity) *Entity { e.NoCSV = true; return e }

// Entities lists every top-level entity of the three services.
var Entities = []*Entity{Org, AcademicSession, Course, Class, User, Demographics, Enrollment,
	Category, LineItem, Result, ScoreScale, AssessmentLineItem, AssessmentResult, Resource}

// Role and UserProfile are the embedded objects of User. Their fields are
// listed the same way so that one renderer and one filter compiler serve
// them; they have no base fields of their own in JSON.
var (
	Role = &Entity{Name: "role", Table: "roles", Fields: []Field{
		{Name: "roleType", Kind: Enum, Col: "roleType", Required: true},
		{Name: "role", Kind: Enum, Col: "role", Required: true},
		{Name: "org", Kind: Ref, Col: "orgSourcedId", RefType: "org", Required: true},
		{Name: "userProfile", Kind: ProfileID, Col: "userProfileSourcedId"},
		{Name: "beginDate", Kind: Date, Col: "beginDate"},
		{Name: "endDate", Kind: Date, Col: "endDate"},
	}}
	UserProfile = &Entity{Name: "userProfile", Table: "userProfiles", Fields: []Field{
		{Name: "profileId", Kind: ProfileID, Col: "sourcedId", Required: true},
		{Name: "profileType", Kind: String, Col: "profileType", Required: true},
		{Name: "vendorId", Kind: String, Col: "vendorId", Required: true},
		{Name: "applicationId", Kind: String, Col: "applicationId"},
		{Name: "description", Kind: String, Col: "description"},
	}}
)

func init() {
	for _, e := range []*Entity{Role, UserProfile} {
		e.byName = make(map[string]*Field, len(e.Fields))
		for i := range e.Fields {
			e.byName[e.Fields[i].Name] = &e.Fields[i]
		}
	}
}

// ProfileURIPrefix turns a userProfiles.csv sourcedId into the URI that
// the JSON binding requires for UserProfile.profileId and Role.userProfile
// (format uri: a bare "up-1" is only a relative reference). A sourcedId
// that already has a scheme is used as it is.
const ProfileURIPrefix = "urn:oneroster:userProfiles:"

// ProfileURI renders a userProfile sourcedId as a URI.
func ProfileURI(id string) string {
	if strings.Contains(id, ":") {
		return id
	}
	return ProfileURIPrefix + id
}

// SnakeCase maps a CSV column name to its SQL column name
// (termSourcedIds -> term_sourced_ids). Tables use the same rule.
func SnakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r + 'a' - 'A')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// entityByName indexes Entities by Name.
var entityByName = func() map[string]*Entity {
	m := map[string]*Entity{}
	for _, e := range Entities {
		m[e.Name] = e
	}
	return m
}()

// EntityNamed returns the entity called name (also a GUIDRef's type, such
// as "org"), or nil.
func EntityNamed(name string) *Entity { return entityByName[name] }
