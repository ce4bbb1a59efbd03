package jsonbind

import (
	"fmt"
	"maps"
	"slices"
	"strings"

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
	// Orgs, when set, are the orgs whose data alone the client sees, with
	// every org below them (store.Visible decides which rows; the REST
	// binding leaves out the references to rows outside).
	Orgs []string
}

// NewView returns the view of a client with these sharing rules: hide as
// ParseHide reads it, orgs as sourcedIds separated by spaces ("": every
// org). Equal rules give equal keys.
func NewView(hide, orgs string) (View, error) {
	_, v, err := ParseHide(hide)
	if err != nil {
		return View{}, err
	}
	if list := slices.Compact(slices.Sorted(slices.Values(strings.Fields(orgs)))); len(list) > 0 {
		v.Orgs = list
		v.Key = strings.TrimSpace(v.Key + " orgs:" + strings.Join(list, " "))
	}
	return v, nil
}

// Full reports whether v is the full view.
func (v View) Full() bool { return v.Key == "" && len(v.Hide) == 0 && len(v.Orgs) == 0 }

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

// HidesEntity reports whether v hides e as a whole (demographics): the
// client then meets no object of it anywhere.
func (v View) HidesEntity(e *oneroster.Entity) bool { return v.Hide[e.Name] }

// Hides reports whether v hides property prop of e (or e as a whole).
func (v View) Hides(e *oneroster.Entity, prop string) bool {
	return v.Hide[e.Name] || v.Hide[e.Name+"."+prop]
}

// wholeEntities are the entities a client may be denied as a whole: no
// other object needs them for its references to resolve.
var wholeEntities = map[string]bool{"demographics": true}

// ParseHide reads a sharing rule on properties: paths separated by spaces
// or commas, each "entity.property" (user.phone), a whole entity that
// nothing else refers to (demographics), or "metadata" for the metadata
// of every entity. A required property cannot be hidden: an object
// without it would not be valid. It returns the rule in canonical form
// (sorted, each path once, metadata spelled out per entity), which is
// what a client keeps, and the View it gives, keyed by that form.
func ParseHide(rule string) (string, View, error) {
	set := map[string]bool{}
	for _, p := range strings.FieldsFunc(rule, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' }) {
		if p == "metadata" {
			for _, e := range oneroster.Entities {
				if e.Field("metadata") != nil {
					set[e.Name+".metadata"] = true
				}
			}
			continue
		}
		name, prop, dotted := strings.Cut(p, ".")
		e := oneroster.EntityNamed(name)
		switch {
		case e == nil:
			return "", View{}, fmt.Errorf("hide: %s: no entity is named %s (entities: %s)", oneroster.Quote(p), oneroster.Quote(name), entityNames())
		case !dotted && !wholeEntities[name]:
			return "", View{}, fmt.Errorf("hide: %s: only demographics can be hidden as a whole; name a property, such as %s.%s", oneroster.Quote(p), name, optionalExample(e))
		case !dotted:
			set[name] = true
			continue
		}
		f := e.Field(prop)
		switch {
		case f == nil:
			return "", View{}, fmt.Errorf("hide: %s: %s has no property %s", oneroster.Quote(p), name, oneroster.Quote(prop))
		case f.Required:
			return "", View{}, fmt.Errorf("hide: %s: %s.%s is required by the standard, so it cannot be hidden", oneroster.Quote(p), name, prop)
		}
		set[p] = true
	}
	if len(set) == 0 {
		return "", View{}, nil
	}
	paths := slices.Sorted(maps.Keys(set))
	canon := strings.Join(paths, " ")
	return canon, View{Key: "hide:" + canon, Hide: set}, nil
}

func entityNames() string {
	names := make([]string, len(oneroster.Entities))
	for i, e := range oneroster.Entities {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

func optionalExample(e *oneroster.Entity) string {
	for _, f := range e.Fields {
		if !f.Required {
			return f.Name
		}
	}
	return "metadata"
}
