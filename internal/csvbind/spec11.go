package csvbind

import (
	"fmt"
	"slices"

	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// Files11 lists the 13 data files of a OneRoster 1.1 package with their 1.1
// layouts and vocabularies, in the dependency order of Files. OpenFile checks
// the files of a 1.1 package against them, then hands out rows in the 1.2.1
// layout the caller asked for (see Package.OpenFile).
//
// They follow the binding digest's list of changes from 1.1 (csv-binding.md
// §12): users.csv has orgSourcedIds and role and none of the six columns 1.2
// added; categories.csv has no weight; lineItems.csv has
// gradingPeriodSourcedId where 1.2 has academicSessionSourcedId, no
// schoolSourcedId, and requires resultValueMin and resultValueMax;
// results.csv has none of the six columns 1.2 added and requires score;
// demographics.sex is male or female. Every other file has the 1.2 layout.
// The 1.1 vocabularies are taken as closed: no ext: values anywhere.
var Files11 = []*FileSpec{
	orgs11, academicSessions11, courses11, classes11, users11,
	demographics11, enrollments11, categories11, lineItems11, results11,
	resources11, classResources11, courseResources11,
}

// userRoles11 is the vocabulary of the 1.1 users.role column.
var userRoles11 = []string{"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}

// closed11 copies a 1.2 spec whose layout 1.1 shares, closing its
// extensible vocabularies.
func closed11(name string) *FileSpec {
	spec := FileByName(name)
	out := *spec
	out.Columns = slices.Clone(spec.Columns)
	for i := range out.Columns {
		out.Columns[i].Extensible = false
	}
	return &out
}

// layout11 builds a 1.1 layout of file name from its 1.2 spec: the three
// base columns, then cols, each a 1.2 column (by name, with its 1.2 rules,
// vocabularies closed) or a column 1.1 alone has. required names the 1.2
// columns that 1.1 requires although 1.2 does not.
func layout11(name string, cols []any, required ...string) *FileSpec {
	full := closed11(name)
	out := closed11(name)
	out.Columns = out.Columns[:3:3]
	for _, c := range cols {
		switch c := c.(type) {
		case string:
			col := full.Columns[full.Columns.Index(c)]
			if slices.Contains(required, c) {
				col.Required = schema.ReqYes
			}
			out.Columns = append(out.Columns, col)
		case schema.Column:
			out.Columns = append(out.Columns, c)
		}
	}
	return out
}

var (
	orgs11             = closed11("orgs.csv")
	academicSessions11 = closed11("academicSessions.csv")
	courses11          = closed11("courses.csv")
	classes11          = closed11("classes.csv")
	enrollments11      = closed11("enrollments.csv")
	resources11        = closed11("resources.csv")
	classResources11   = closed11("classResources.csv")
	courseResources11  = closed11("courseResources.csv")
	demographics11     = func() *FileSpec {
		f := closed11("demographics.csv")
		f.Columns[f.Columns.Index("sex")].Values = []string{"male", "female"}
		return f
	}()
	users11 = layout11("users.csv", []any{
		"enabledUser",
		schema.Column{Name: "orgSourcedIds", Required: schema.ReqYes, Format: schema.GUIDRefList, Ref: "orgs"},
		schema.Column{Name: "role", Required: schema.ReqYes, Format: schema.Enum, Values: userRoles11},
		"username", "userIds", "givenName", "familyName", "middleName", "identifier",
		"email", "sms", "phone", "agentSourcedIds", "grades", "password",
	})
	categories11 = layout11("categories.csv", []any{"title"})
	lineItems11  = layout11("lineItems.csv", []any{
		"title", "description", "assignDate", "dueDate", "classSourcedId", "categorySourcedId",
		schema.Column{Name: "gradingPeriodSourcedId", Required: schema.ReqYes, Format: schema.GUIDRef, Ref: "academicSessions"},
		"resultValueMin", "resultValueMax",
	}, "resultValueMin", "resultValueMax")
	results11 = layout11("results.csv", []any{
		"lineItemSourcedId", "studentSourcedId", "scoreStatus", "score", "scoreDate", "comment",
	}, "score")
)

// file11ByName returns the 1.1 spec of the named file, or nil for a file
// OneRoster 1.1 does not have.
func file11ByName(name string) *FileSpec {
	for _, f := range Files11 {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// is11 reports whether spec is one of Files11.
func is11(spec *FileSpec) bool { return slices.Contains(Files11, spec) }

// renames11 names, per file, the 1.1 column that feeds a 1.2 column of
// another name. A 1.2 column fed by a 1.1 list column gets the list's first
// item (primaryOrgSourcedId is the first of the 1.1 orgSourcedIds).
var renames11 = map[string]map[string]string{
	"users.csv":     {"primaryOrgSourcedId": "orgSourcedIds"},
	"lineItems.csv": {"academicSessionSourcedId": "gradingPeriodSourcedId"},
}

// roleFrom11 maps a 1.1 users.role to a 1.2 roles.role. 1.2 has no plain
// administrator; which administrator a 1.1 one was depends on the org, and
// a row-at-a-time reader cannot look the org's type up, so every 1.1
// administrator becomes a siteAdministrator (the common case: school
// staff). The other 1.1 roles exist in 1.2 under the same name.
func roleFrom11(role string) string {
	if role == "administrator" {
		return "siteAdministrator"
	}
	return role
}

// hint11 explains a header cell of a 1.1 file that is not a 1.1 column,
// when it is a column of the 1.2 file of the same name; else "".
func hint11(spec *FileSpec, n string) string {
	if spec.Name == "lineItems.csv" && n == "academicSessionSourcedId" {
		return "OneRoster 1.1 calls it gradingPeriodSourcedId, and manifest.csv declares oneroster.version 1.1"
	}
	if f := FileByName(spec.Name); f != nil && f.Columns.Index(n) >= 0 {
		return "it is a OneRoster 1.2 column, but manifest.csv declares oneroster.version 1.1 (if the package is 1.2, say so in manifest.csv)"
	}
	return ""
}

// enumHint11 adds to an ENUM message about a 1.1 file when the value is
// valid in OneRoster 1.2, the usual sign of a 1.2 file in a package that
// declares 1.1.
func enumHint11(spec *FileSpec, col *schema.Column, v string) string {
	f, name := FileByName(spec.Name), col.Name
	if spec.Name == "users.csv" && col.Name == "role" {
		f = rolesFile // 1.2 keeps a user's roles in roles.csv
	}
	if f == nil || f.Columns.Index(name) < 0 {
		return ""
	}
	c12 := &f.Columns[f.Columns.Index(name)]
	if (c12.Format != schema.Enum && c12.Format != schema.EnumList) || enumProblem(c12, v) != "" {
		return ""
	}
	return fmt.Sprintf("; %q is a OneRoster 1.2 value, but manifest.csv declares oneroster.version 1.1", v)
}
