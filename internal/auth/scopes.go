// Package auth secures the REST binding with OAuth 2.0 client credentials
// (RFC 6749 §4.4) and bearer tokens (RFC 6750), as OneRoster 1.2 requires.
//
// Clients are stored with argon2id secret hashes; tokens are opaque random
// strings stored only as SHA-256 hashes, in the database, so any number of
// serve processes share them and a revoked client is locked out everywhere.
// Which scopes open which operation is one table, OperationScopes, that a
// test checks against the official OpenAPI files.
package auth

import (
	"fmt"
	"sort"
	"strings"
)

// ScopePrefix starts every OneRoster 1.2 scope URI.
const ScopePrefix = "https://purl.imsglobal.org/spec/or/v1p2/scope/"

// The 13 scopes of OneRoster 1.2 (auth.md §3).
const (
	RosterCore         = ScopePrefix + "roster-core.readonly"
	Roster             = ScopePrefix + "roster.readonly"
	RosterDemographics = ScopePrefix + "roster-demographics.readonly"
	GradebookCore      = ScopePrefix + "gradebook-core.readonly"
	Gradebook          = ScopePrefix + "gradebook.readonly"
	GradebookPut       = ScopePrefix + "gradebook.createput"
	GradebookPost      = ScopePrefix + "gradebook.createpost"
	GradebookDelete    = ScopePrefix + "gradebook.delete"
	Assessment         = ScopePrefix + "assessment.readonly"
	AssessmentPut      = ScopePrefix + "assessment.createput"
	AssessmentDelete   = ScopePrefix + "assessment.delete"
	ResourceCore       = ScopePrefix + "resource-core.readonly"
	Resource           = ScopePrefix + "resource.readonly"
)

// AllScopes lists every scope, in a stable order.
var AllScopes = []string{RosterCore, Roster, RosterDemographics, GradebookCore, Gradebook, GradebookPut,
	GradebookPost, GradebookDelete, Assessment, AssessmentPut, AssessmentDelete, ResourceCore, Resource}

// ParseScopes reads a space-separated list of scopes, each either a full
// URI or its short name ("roster.readonly"), and returns the full URIs,
// sorted and without repeats.
func ParseScopes(s string) ([]string, error) {
	known := map[string]bool{}
	for _, sc := range AllScopes {
		known[sc] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.Fields(s) {
		full := f
		if !strings.Contains(f, "/") {
			full = ScopePrefix + f
		}
		if !known[full] {
			return nil, fmt.Errorf("unknown scope %q (known: %s)", f, strings.Join(ShortNames(AllScopes), ", "))
		}
		if !seen[full] {
			seen[full] = true
			out = append(out, full)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ShortNames strips the common prefix, for people.
func ShortNames(scopes []string) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = strings.TrimPrefix(s, ScopePrefix)
	}
	return out
}

// OperationScopes is the one table of which scopes open which operation
// (any one of them suffices), for all 81 operations of the three services.
// Routes take their scopes from here; a route whose operation is missing
// cannot be built.
var OperationScopes = func() map[string][]string {
	m := map[string][]string{}
	add := func(scopes []string, ops ...string) {
		for _, op := range ops {
			m[op] = scopes
		}
	}
	add([]string{Roster, RosterCore},
		"getAllAcademicSessions", "getAcademicSession", "getAllClasses", "getClass", "getAllCourses", "getCourse",
		"getAllEnrollments", "getEnrollment", "getAllGradingPeriods", "getGradingPeriod", "getAllOrgs", "getOrg",
		"getAllSchools", "getSchool", "getAllStudents", "getStudent", "getAllTeachers", "getTeacher",
		"getAllTerms", "getTerm", "getAllUsers", "getUser")
	add([]string{Roster},
		"getStudentsForClass", "getTeachersForClass", "getClassesForCourse", "getClassesForSchool",
		"getEnrollmentsForClassInSchool", "getStudentsForClassInSchool", "getTeachersForClassInSchool",
		"getCoursesForSchool", "getEnrollmentsForSchool", "getStudentsForSchool", "getTeachersForSchool",
		"getTermsForSchool", "getClassesForStudent", "getClassesForTeacher", "getClassesForTerm",
		"getGradingPeriodsForTerm", "getClassesForUser")
	add([]string{RosterDemographics}, "getAllDemographics", "getDemographics")
	add([]string{Gradebook, GradebookCore},
		"getAllCategories", "getCategory", "getAllLineItems", "getLineItem", "getAllResults", "getResult",
		"getAllScoreScales", "getScoreScale")
	add([]string{Gradebook},
		"getCategoriesForClass", "getLineItemsForClass", "getResultsForLineItemForClass", "getResultsForClass",
		"getScoreScalesForClass", "getResultsForStudentForClass", "getScoreScalesForSchool")
	add([]string{GradebookPut}, "putCategory", "putLineItem", "putResult", "putScoreScale")
	add([]string{GradebookPost}, "postLineItemsForClass", "postLineItemsForSchool", "postResultsForLineItem",
		"postResultsForAcademicSessionForClass")
	add([]string{GradebookDelete}, "deleteCategory", "deleteLineItem", "deleteResult", "deleteScoreScale")
	add([]string{Assessment}, "getAllAssessmentLineItems", "getAssessmentLineItem", "getAllAssessmentResults",
		"getAssessmentResult")
	add([]string{AssessmentPut}, "putAssessmentLineItem", "putAssessmentResult")
	add([]string{AssessmentDelete}, "deleteAssessmentLineItem", "deleteAssessmentResult")
	add([]string{Resource, ResourceCore}, "getAllResources", "getResource")
	add([]string{Resource}, "getResourcesForClass", "getResourcesForCourse", "getResourcesForUser")
	return m
}()

// ScopesOf returns the scopes of an operation; it panics for an unknown
// operation, so that no route can be registered without its scopes.
func ScopesOf(operationID string) []string {
	s, ok := OperationScopes[operationID]
	if !ok {
		panic("auth: no scopes for operation " + operationID)
	}
	return s
}
