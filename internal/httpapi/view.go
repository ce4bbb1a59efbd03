package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// View is what decides the shape of a response for the client asking. A
// response is always one client's view: today every client has the full
// view (the zero View); per-client data-sharing rules (issue 16) give
// each its own. Everything a cache keeps (rendered objects, prepared
// bulk pages) is keyed by Key, so one client's view is never served to
// another.
type View struct {
	// Key names the view in cache keys: equal keys must mean equal
	// views. "" is the full view.
	Key string
	// Hide lists properties left out of every object, as
	// "entity.property" ("user.phone").
	Hide map[string]bool
}

type viewKey struct{}

// withView returns r carrying v.
func withView(r *http.Request, v View) *http.Request {
	if v.Key == "" && len(v.Hide) == 0 {
		return r // the full view: what viewOf gives a request without one
	}
	return r.WithContext(context.WithValue(r.Context(), viewKey{}, v))
}

// viewOf returns the view of a request (the full view unless withView
// gave it another).
func viewOf(ctx context.Context) View {
	v, _ := ctx.Value(viewKey{}).(View)
	return v
}

// fields returns the properties of e to render for a request that
// selected sel (nil: all): sel less what the view hides, or sel itself
// when the view hides nothing of e.
func (v View) fields(e *oneroster.Entity, sel map[string]bool) map[string]bool {
	if !slices.ContainsFunc(e.Fields, func(f oneroster.Field) bool { return v.Hide[e.Name+"."+f.Name] }) {
		return sel
	}
	out := make(map[string]bool, len(e.Fields))
	for _, f := range e.Fields {
		if (sel == nil || sel[f.Name]) && !v.Hide[e.Name+"."+f.Name] {
			out[f.Name] = true
		}
	}
	return out
}
