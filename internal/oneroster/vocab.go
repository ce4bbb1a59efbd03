package oneroster

// The vocabularies of the binding's enumerations (data-model.md §1.3),
// one list each, in the information model's order; the CSV binding, the
// JSON binding and the generator read them. They are shared slices:
// callers must not modify them. Extensible ones also take ext:<name>
// (see ValidExtName); which are is said where a column or property uses
// them.
var (
	StatusValues    = []string{"active", "tobedeleted"}
	OrgTypes        = []string{"department", "school", "district", "local", "state", "national"}
	SessionTypes    = []string{"gradingPeriod", "semester", "schoolYear", "term"}
	ClassTypes      = []string{"homeroom", "scheduled"}
	RoleTypes       = []string{"primary", "secondary"}
	Roles           = []string{"aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative", "siteAdministrator", "student", "systemAdministrator", "teacher"}
	EnrollmentRoles = []string{"administrator", "proctor", "student", "teacher"}
	Sexes           = []string{"male", "female", "unspecified", "other"}
	ScoreStatuses   = []string{"exempt", "fully graded", "not submitted", "partially graded", "submitted"}
	LOSources       = []string{"case", "unknown"}
	ResourceRoles   = []string{"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}
	Importances     = []string{"primary", "secondary"}
)
