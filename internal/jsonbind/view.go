package jsonbind

import (
	"slices"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// View is what decides the shape of an object for the client asking. A
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

// Full reports whether v is the full view.
func (v View) Full() bool { return v.Key == "" && len(v.Hide) == 0 }

// Fields returns the properties of e to encode for a request that
// selected sel (nil: all): sel less what the view hides, or sel itself
// when the view hides nothing of e.
func (v View) Fields(e *oneroster.Entity, sel map[string]bool) map[string]bool {
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
