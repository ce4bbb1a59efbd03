package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// checkParents answers 404 when an object the path names (the class of
// /classes/{id}/students) does not exist, or is outside the client's view.
func (s *Server) checkParents(r *http.Request, rt *Route, view jsonbind.View) error {
	for _, p := range rt.parents {
		sc := visibleTo(view)
		if p.within != nil {
			sc = append(p.within(r.PathValue), sc...)
		}
		if _, err := s.st.Status(r.Context(), p.entity, r.PathValue(p.param), sc...); err != nil {
			return err
		}
	}
	return nil
}

// serve runs one read operation: parse, check parents, read, render.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt *Route) error {
	params, err := query.Parse(r.URL.Query(), query.Options{DefaultLimit: 100, MaxLimit: s.cfg.MaxLimit, Collection: rt.Collection})
	if err != nil {
		return err
	}
	fields, err := selection(rt.Entity, params.Fields)
	if err != nil {
		return err
	}
	ctx := r.Context()
	view := viewOf(ctx)
	if err := hiddenUse(view, rt.Entity, params); err != nil {
		return err
	}
	if view.HidesEntity(rt.Entity) {
		// Outside the client's view is indistinguishable from nothing.
		if !rt.Collection {
			return oneroster.NotFound(rt.Entity.Name, r.PathValue("sourcedId"))
		}
		base := s.baseURL(r)
		h := w.Header()
		h.Set("X-Total-Count", "0")
		h.Set("Link", links(base, r.URL, params.Limit, params.Offset, 0))
		writeJSON(w, append(jsonbind.AppendString([]byte{'{'}, rt.Entity.Plural), ":[]}"...))
		return nil
	}
	if err := s.checkParents(r, rt, view); err != nil {
		return err
	}
	sc := visibleTo(view)
	if rt.within != nil {
		sc = append(rt.within(r.PathValue), sc...)
	}
	base := s.baseURL(r)
	render := view.Fields(rt.Entity, fields)
	b := getBuf()
	defer putBuf(b)
	if !rt.Collection {
		// Consumers that page every GET alike read the header on single
		// objects too; writeError drops it again if the object is not found.
		w.Header().Set("X-Total-Count", "1")
		// Whole objects are cached per route and path under the data
		// version (the route's subsets decide whether the path finds the
		// object, so the key holds both): a hit costs one version read.
		var key objectKey
		var version int64
		cache := fields == nil && s.objects != nil
		if cache {
			if version, err = s.version(ctx, rt.Entity, view); err != nil {
				return err
			}
			key = objectKey{rt.Method + " " + rt.Base + rt.Path, base, r.URL.Path, view.Key}
			if o, ok := s.objects.get(key, version); ok {
				countRecords(ctx, 1)
				writeJSON(w, o)
				return nil
			}
		}
		rec, err := s.st.Get(ctx, rt.Entity, r.PathValue("sourcedId"), sc...)
		if err != nil {
			return err
		}
		recs := []store.Record{rec}
		if err := s.trim(ctx, view, rt.Entity, recs); err != nil {
			return err
		}
		rec = recs[0]
		*b = append(*b, '{')
		*b = jsonbind.AppendString(*b, rt.Entity.Name)
		*b = append(*b, ':')
		*b = s.enc.Append(*b, rt.Entity, rec, base, render)
		*b = append(*b, '}')
		if cache {
			s.objects.put(key, version, append([]byte(nil), *b...))
		}
		countRecords(ctx, 1)
		writeJSON(w, *b)
		return nil
	}
	if fields != nil || s.objects == nil || params.Limit > 1000 {
		// Large pages are bulk pulls: each object is read once, so a
		// cache lookup per object would only add a query; they take the
		// direct path (and the next page is prepared while the consumer
		// reads this one, see prefetch.go).
		body, total, err := s.bulkPage(ctx, rt, sc, params, render, base, r.URL, view)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("X-Total-Count", strconv.Itoa(total))
		h.Set("Link", links(base, r.URL, params.Limit, params.Offset, total))
		countRecords(ctx, max(0, min(params.Limit, total-params.Offset)))
		writeJSON(w, body)
		return nil
	}
	// Whole objects: read the page's ids, take the rendered objects from
	// the cache, and read and render only the ones it lacks.
	page, err := s.st.List(ctx, store.ListRequest{Entity: rt.Entity, Within: sc, Params: params, IDsOnly: true})
	if err != nil {
		return err
	}
	objs, err := s.cachedObjects(ctx, rt.Entity, page, base, view)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("X-Total-Count", strconv.Itoa(page.Total))
	h.Set("Link", links(base, r.URL, params.Limit, params.Offset, page.Total))
	countRecords(ctx, len(objs))
	// The objects are copied into one buffer of the exact size, written
	// with one call: written one by one, each filled the connection's
	// 4 kB buffer and cost a system call (an 88 kB page of 100 users made
	// about 20).
	*b = append(*b, '{')
	*b = jsonbind.AppendString(*b, rt.Entity.Plural)
	*b = append(*b, ":["...)
	n := len(*b) + 2
	for _, o := range objs {
		n += len(o) + 1
	}
	*b = slices.Grow(*b, n)
	for i, o := range objs {
		if i > 0 {
			*b = append(*b, ',')
		}
		*b = append(*b, o...)
	}
	*b = append(*b, "]}"...)
	writeJSON(w, *b)
	return nil
}

// bufs recycles response buffers: a page is tens of kilobytes to
// megabytes, and allocating it anew for every request fed the garbage
// collector most of what it did.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

func getBuf() *[]byte {
	b := bufs.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func putBuf(b *[]byte) {
	if cap(*b) <= 16<<20 {
		bufs.Put(b)
	}
}

// cachedObjects returns the rendered objects of a page of ids, in order,
// rendering and caching those the cache lacks.
func (s *Server) cachedObjects(ctx context.Context, e *oneroster.Entity, page store.Page, base string, view jsonbind.View) ([][]byte, error) {
	objs := make([][]byte, len(page.Records))
	key := func(id string) objectKey { return objectKey{e.Name, base, id, view.Key} }
	render := view.Fields(e, nil)
	var missing []string
	at := map[string]int{}
	for i, r := range page.Records {
		id := r.Vals[0]
		if o, ok := s.objects.get(key(id), page.Version); ok {
			objs[i] = o
			continue
		}
		missing = append(missing, id)
		at[id] = i
	}
	if len(missing) > 0 {
		recs, err := s.st.GetMany(ctx, e, missing)
		if err != nil {
			return nil, err
		}
		if err := s.trim(ctx, view, e, recs); err != nil {
			return nil, err
		}
		for _, rec := range recs {
			ob := s.enc.Append(nil, e, rec, base, render)
			objs[at[rec.Vals[0]]] = ob
			s.objects.put(key(rec.Vals[0]), page.Version, ob)
		}
	}
	out := objs[:0]
	for _, o := range objs {
		if o != nil { // an object deleted between the two reads is left out
			out = append(out, o)
		}
	}
	return out, nil
}

func writeJSON(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// selection checks a fields parameter against the entity's properties.
func selection(e *oneroster.Entity, names []string) (map[string]bool, error) {
	if names == nil {
		return nil, nil
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		if e.Field(n) == nil {
			return nil, oneroster.Errorf(oneroster.CodeInvalidSelectionField, "fields: %q is not a property of %s", n, e.Name)
		}
		m[n] = true
	}
	return m, nil
}

// links builds the RFC 8288 Link header: absolute first/prev/next/last URLs
// that repeat every other query parameter of the request.
func links(base string, u *url.URL, limit, offset, total int) string {
	q := u.Query()
	at := func(off int, rel string) string {
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		return "<" + base + u.EscapedPath() + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	out := at(0, "first")
	if total == 0 {
		return out
	}
	if offset > 0 {
		out += ", " + at(max(0, offset-limit), "prev")
	}
	if offset+limit < total {
		out += ", " + at(offset+limit, "next")
	}
	out += ", " + at((total-1)/limit*limit, "last")
	return out
}

// hiddenUse refuses a filter or a sort on a property the client's view
// hides, with the answer an unknown property gets, so that a hidden value
// can be neither read through the order of a page nor probed by a filter.
// (A fields selection of a hidden property is not refused: the property
// is simply left out, as the view leaves it out of every object.)
func hiddenUse(view jsonbind.View, e *oneroster.Entity, p query.Params) error {
	if len(view.Hide) == 0 {
		return nil
	}
	for _, name := range p.Sort {
		if prop, _, _ := strings.Cut(name, "."); view.Hides(e, prop) {
			return oneroster.Errorf(oneroster.CodeInvalidSelectionField, "sort: %s is not a property of %s", oneroster.Quote(name), e.Name)
		}
	}
	var err error
	var walk func(x query.Expr)
	walk = func(x query.Expr) {
		switch x := x.(type) {
		case *query.Logical:
			walk(x.Left)
			walk(x.Right)
		case *query.Comparison:
			prop, _, _ := strings.Cut(x.Field, ".")
			if err == nil && view.Hides(e, prop) {
				err = oneroster.Errorf(oneroster.CodeInvalidFilterField, "filter: %s: unknown field for %s", x.Field, e.Name)
			}
		}
	}
	walk(p.Filter)
	return err
}
