package httpapi

import (
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// gradebookRoutes is the gradebook service with the Assessment Results
// Profile: 35 operations (rest-endpoints.md §4).
func gradebookRoutes() []Route {
	base := oneroster.GradebookBase
	all := func(path, op string, e *oneroster.Entity) Route {
		return Route{Method: "GET", Base: base, Path: path, OperationID: op, Entity: e, Collection: true}
	}
	one := func(path, op string, e *oneroster.Entity) Route {
		return Route{Method: "GET", Base: base, Path: path, OperationID: op, Entity: e}
	}
	rel := func(path, op string, e *oneroster.Entity, within func(func(string) string) []store.Subset, parents ...parent) Route {
		return Route{Method: "GET", Base: base, Path: path, OperationID: op, Entity: e, Collection: true, within: within, parents: parents}
	}
	put := func(path, op string, e *oneroster.Entity) Route {
		return Route{Method: "PUT", Base: base, Path: path, OperationID: op, Entity: e, write: (*Server).put}
	}
	del := func(path, op string, e *oneroster.Entity) Route {
		return Route{Method: "DELETE", Base: base, Path: path, OperationID: op, Entity: e, write: (*Server).delete}
	}
	post := func(path, op string, e *oneroster.Entity, fixed map[string]string, parents ...parent) Route {
		return Route{Method: "POST", Base: base, Path: path, OperationID: op, Entity: e, parents: parents, fixedRefs: fixed, write: (*Server).post}
	}
	lineItemInClass := parent{"lineItemSourcedId", oneroster.LineItem, byParam(store.LineItemsOfClass, "classSourcedId")}
	sessionParent := parent{"academicSessionSourcedId", oneroster.AcademicSession, nil}
	lineItemParent := parent{"lineItemSourcedId", oneroster.LineItem, nil}
	both := func(a, b store.SubsetName, pa, pb string) func(func(string) string) []store.Subset {
		return func(p func(string) string) []store.Subset {
			return []store.Subset{{Name: a, Arg: p(pa)}, {Name: b, Arg: p(pb)}}
		}
	}
	routes := []Route{
		all("/assessmentLineItems", "getAllAssessmentLineItems", oneroster.AssessmentLineItem),
		one("/assessmentLineItems/{sourcedId}", "getAssessmentLineItem", oneroster.AssessmentLineItem),
		del("/assessmentLineItems/{sourcedId}", "deleteAssessmentLineItem", oneroster.AssessmentLineItem),
		put("/assessmentLineItems/{sourcedId}", "putAssessmentLineItem", oneroster.AssessmentLineItem),
		all("/assessmentResults", "getAllAssessmentResults", oneroster.AssessmentResult),
		one("/assessmentResults/{sourcedId}", "getAssessmentResult", oneroster.AssessmentResult),
		del("/assessmentResults/{sourcedId}", "deleteAssessmentResult", oneroster.AssessmentResult),
		put("/assessmentResults/{sourcedId}", "putAssessmentResult", oneroster.AssessmentResult),
		all("/categories", "getAllCategories", oneroster.Category),
		one("/categories/{sourcedId}", "getCategory", oneroster.Category),
		del("/categories/{sourcedId}", "deleteCategory", oneroster.Category),
		put("/categories/{sourcedId}", "putCategory", oneroster.Category),
		post("/classes/{classSourcedId}/academicSessions/{academicSessionSourcedId}/results", "postResultsForAcademicSessionForClass",
			oneroster.Result, map[string]string{"class": "classSourcedId"}, classParent, sessionParent),
		rel("/classes/{classSourcedId}/categories", "getCategoriesForClass", oneroster.Category, byParam(store.CategoriesOfClass, "classSourcedId"), classParent),
		rel("/classes/{classSourcedId}/lineItems", "getLineItemsForClass", oneroster.LineItem, byParam(store.LineItemsOfClass, "classSourcedId"), classParent),
		post("/classes/{classSourcedId}/lineItems", "postLineItemsForClass", oneroster.LineItem, map[string]string{"class": "classSourcedId"}, classParent),
		rel("/classes/{classSourcedId}/lineItems/{lineItemSourcedId}/results", "getResultsForLineItemForClass", oneroster.Result,
			byParam(store.ResultsOfLineItem, "lineItemSourcedId"), classParent, lineItemInClass),
		rel("/classes/{classSourcedId}/results", "getResultsForClass", oneroster.Result, byParam(store.ResultsOfClass, "classSourcedId"), classParent),
		rel("/classes/{classSourcedId}/scoreScales", "getScoreScalesForClass", oneroster.ScoreScale, byParam(store.ScoreScalesOfClass, "classSourcedId"), classParent),
		rel("/classes/{classSourcedId}/students/{studentSourcedId}/results", "getResultsForStudentForClass", oneroster.Result,
			both(store.ResultsOfClass, store.ResultsOfStudent, "classSourcedId", "studentSourcedId"), classParent, studentParent),
		all("/lineItems", "getAllLineItems", oneroster.LineItem),
		post("/lineItems/{lineItemSourcedId}/results", "postResultsForLineItem", oneroster.Result, map[string]string{"lineItem": "lineItemSourcedId"}, lineItemParent),
		one("/lineItems/{sourcedId}", "getLineItem", oneroster.LineItem),
		del("/lineItems/{sourcedId}", "deleteLineItem", oneroster.LineItem),
		put("/lineItems/{sourcedId}", "putLineItem", oneroster.LineItem),
		all("/results", "getAllResults", oneroster.Result),
		one("/results/{sourcedId}", "getResult", oneroster.Result),
		del("/results/{sourcedId}", "deleteResult", oneroster.Result),
		put("/results/{sourcedId}", "putResult", oneroster.Result),
		post("/schools/{schoolSourcedId}/lineItems", "postLineItemsForSchool", oneroster.LineItem, map[string]string{"school": "schoolSourcedId"}, schoolParent),
		rel("/schools/{schoolSourcedId}/scoreScales", "getScoreScalesForSchool", oneroster.ScoreScale, byParam(store.ScoreScalesOfSchool, "schoolSourcedId"), schoolParent),
		all("/scoreScales", "getAllScoreScales", oneroster.ScoreScale),
		one("/scoreScales/{sourcedId}", "getScoreScale", oneroster.ScoreScale),
		del("/scoreScales/{sourcedId}", "deleteScoreScale", oneroster.ScoreScale),
		put("/scoreScales/{sourcedId}", "putScoreScale", oneroster.ScoreScale),
	}
	return withScopes(routes)
}
