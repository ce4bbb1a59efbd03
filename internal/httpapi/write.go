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
	objs := []store.Object{obj}
	withinView(viewOf(r.Context()), objs)
	if _, err := s.store().Put(r.Context(), rt.Entity, objs, s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, rt *Route) error {
	if err := s.store().Delete(r.Context(), rt.Entity, r.PathValue("sourcedId"), s.now(), visibleTo(viewOf(r.Context()))...); err != nil {
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
	withinView(viewOf(r.Context()), objs)
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

// withinView restricts written objects and what they refer to to the
// client's view: an object outside it is neither replaced nor named, and
// the write answers as if it did not exist.
func withinView(v jsonbind.View, objs []store.Object) {
	vis := visibleTo(v)
	if vis == nil {
		return
	}
	for i := range objs {
		objs[i].Visible = vis
		for j := range objs[i].Refs {
			objs[i].Refs[j].Visible = vis
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
