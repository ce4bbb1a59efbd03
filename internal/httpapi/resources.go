package httpapi

import (
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// resourcesRoutes is the resources service: 5 read operations. A user's
// resources are those allocated to the user (userResources.csv,
// User.resources), not those of the user's classes or courses: the
// binding defines getResourcesForUser by User.resources, and consumers
// that want the class or course allocations ask those endpoints.
func resourcesRoutes() []Route {
	base := oneroster.ResourcesBase
	rel := func(path, op string, subset store.SubsetName, param string, p parent) Route {
		return Route{Method: "GET", Base: base, Path: path, OperationID: op, Entity: oneroster.Resource, Collection: true,
			within: byParam(subset, param), parents: []parent{p}}
	}
	return withScopes([]Route{
		rel("/classes/{classSourcedId}/resources", "getResourcesForClass", store.ResourcesOfClass, "classSourcedId", classParent),
		rel("/courses/{courseSourcedId}/resources", "getResourcesForCourse", store.ResourcesOfCourse, "courseSourcedId",
			parent{"courseSourcedId", oneroster.Course, nil}),
		{Method: "GET", Base: base, Path: "/resources", OperationID: "getAllResources", Entity: oneroster.Resource, Collection: true},
		{Method: "GET", Base: base, Path: "/resources/{sourcedId}", OperationID: "getResource", Entity: oneroster.Resource},
		rel("/users/{userSourcedId}/resources", "getResourcesForUser", store.ResourcesOfUser, "userSourcedId",
			parent{"userSourcedId", oneroster.User, nil}),
	})
}
