package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// maxBody bounds a write request; beyond it the answer is 413.
const maxBody = 4 << 20

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

// readBody reads a write request's body within maxBody.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusRequestEntityTooLarge,
			Message: "request body larger than 4 MiB"}
	}
	if err != nil {
		return nil, &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusBadRequest, Message: "cannot read the request body"}
	}
	return body, nil
}

func (s *Server) now() time.Time { return time.Now() }

// put is the idempotent upsert of one object: 201 with no body, for a
// create and for a replace alike, the one success status the three
// OpenAPI files declare for every PUT (clients that hope for 200 on a
// replace accept 201; a 200 fails a client generated from the files).
func (s *Server) put(w http.ResponseWriter, r *http.Request, rt *Route) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	obj, err := jsonbind.DecodePut(rt.Entity, body, r.PathValue("sourcedId"))
	if err != nil {
		return err
	}
	if _, err := s.store().Put(r.Context(), rt.Entity, []store.Object{obj}, s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, rt *Route) error {
	if err := s.store().Delete(r.Context(), rt.Entity, r.PathValue("sourcedId"), s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// post creates objects whose sourcedIds the server allocates; the path
// fixes some references (the class or school of new line items, the line
// item of new results), which the body may repeat but not contradict.
func (s *Server) post(w http.ResponseWriter, r *http.Request, rt *Route) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	fixed := make(map[string]string, len(rt.fixedRefs))
	for prop, param := range rt.fixedRefs {
		fixed[prop] = r.PathValue(param)
	}
	objs, err := jsonbind.DecodePost(rt.Entity, body, fixed)
	if err != nil {
		return err
	}
	type pair struct {
		Supplied  string `json:"suppliedSourcedId"`
		Allocated string `json:"allocatedSourcedId"`
	}
	pairs := make([]pair, len(objs))
	for i := range objs {
		id := newID()
		pairs[i] = pair{objs[i].Vals["sourcedId"], id}
		objs[i].Vals["sourcedId"] = id
	}
	if rt.Entity == oneroster.Result && r.PathValue("classSourcedId") != "" {
		resultsBelong(r, objs)
	}
	if _, err := s.store().Put(r.Context(), rt.Entity, objs, s.now()); err != nil {
		return err
	}
	out, _ := json.Marshal(map[string]any{"sourcedIdPairs": pairs})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	w.Write(out)
	return nil
}

// resultsBelong restricts the line items of results posted for a class
// (and academic session) to those of that class (and session): the store
// checks it with the other references, in the write's transaction.
func resultsBelong(r *http.Request, objs []store.Object) {
	within := []store.Subset{{Name: store.LineItemsOfClass, Arg: r.PathValue("classSourcedId")}}
	where := "class " + r.PathValue("classSourcedId")
	if as := r.PathValue("academicSessionSourcedId"); as != "" {
		within = append(within, store.Subset{Name: store.LineItemsOfSession, Arg: as})
		where += " and academic session " + as
	}
	for i := range objs {
		for j, ref := range objs[i].Refs {
			if ref.Entity == oneroster.LineItem {
				objs[i].Refs[j].Within = within
				objs[i].Refs[j].Outside = "line item " + ref.ID + " is not one of " + where
			}
		}
	}
}

// newID allocates a sourcedId for a POSTed object: a random UUID.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
