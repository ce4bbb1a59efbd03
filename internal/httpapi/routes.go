package httpapi

import (
	"net/http"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// withScopes gives every route the scopes of its operation, from the one
// table in package auth.
func withScopes(routes []Route) []Route {
	for i := range routes {
		routes[i].Scopes = auth.ScopesOf(routes[i].OperationID)
	}
	return routes
}

// parent is a path parameter naming an object that must exist (with the
// given subsets, which may use earlier parameters) before a relationship
// collection is read; an unknown parent is 404 unknownobject.
type parent struct {
	param  string
	entity *oneroster.Entity
	within func(p func(string) string) []store.Subset
}

// Route is one operation of the REST binding.
type Route struct {
	Method      string
	Base        string // service base path
	Path        string // path template as in the OpenAPI, e.g. /users/{sourcedId}
	OperationID string
	// Scopes lists the OAuth scopes of the operation's security
	// requirement; any one of them grants access.
	Scopes     []string
	Entity     *oneroster.Entity
	Collection bool
	parents    []parent
	// within restricts the objects read, from the path parameters.
	within func(p func(string) string) []store.Subset
	// write handles PUT, POST and DELETE operations.
	write func(s *Server, w http.ResponseWriter, r *http.Request, rt *Route) error
	// fixedRefs maps a property of POSTed objects to the path parameter
	// that fixes it (the class of line items posted to a class).
	fixedRefs map[string]string
}

func fixed(s ...store.Subset) func(func(string) string) []store.Subset {
	return func(func(string) string) []store.Subset { return s }
}

func byParam(name store.SubsetName, param string) func(func(string) string) []store.Subset {
	return func(p func(string) string) []store.Subset { return []store.Subset{{Name: name, Arg: p(param)}} }
}
