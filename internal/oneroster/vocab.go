package oneroster

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// Vocabulary is the set of tokens an enumerated value takes: Values, and
// when Extensible also ext:<name> (ValidExtName).
type Vocabulary struct {
	Values     []string
	Extensible bool
}

// Has reports whether s is a token of v.
func (v Vocabulary) Has(s string) bool {
	if slices.Contains(v.Values, s) {
		return true
	}
	rest, ok := strings.CutPrefix(s, "ext:")
	return ok && v.Extensible && ValidExtName(rest)
}

// List writes v for a message: "a, b or c", with ext:<name> last when v
// is extensible.
func (v Vocabulary) List() string {
	items := v.Values
	if v.Extensible {
		items = append(slices.Clip(items), "ext:<name>")
	}
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// Suggest returns the token s most probably meant, or "": the values are
// case-sensitive, and a token in another case or with surrounding spaces
// is by far the most common mistake.
func (v Vocabulary) Suggest(s string) string {
	t := strings.TrimSpace(s)
	for _, w := range v.Values {
		if strings.EqualFold(t, w) {
			return w
		}
	}
	if v.Extensible && len(t) > 4 && strings.EqualFold(t[:4], "ext:") && ValidExtName(t[4:]) {
		return "ext:" + t[4:]
	}
	return ""
}

// QuoteLimit is how many bytes of a value a message repeats (Quote).
const QuoteLimit = 40

// Quote quotes a value for a message, shortened to QuoteLimit bytes (on a
// character boundary) so that a runaway value cannot flood a report.
func Quote(s string) string {
	if len(s) <= QuoteLimit {
		return strconv.Quote(s)
	}
	cut := QuoteLimit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
