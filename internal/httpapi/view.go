package httpapi

import (
	"context"
	"net/http"

	"github.com/oneroster/oneroster/internal/jsonbind"
)

type viewKey struct{}

// withView returns r carrying v, the client's view (Config.ViewFor);
// every cache key holds its Key.
func withView(r *http.Request, v jsonbind.View) *http.Request {
	if v.Full() {
		return r // the full view: what viewOf gives a request without one
	}
	return r.WithContext(context.WithValue(r.Context(), viewKey{}, v))
}

// viewOf returns the view of a request (the full view unless withView
// gave it another).
func viewOf(ctx context.Context) jsonbind.View {
	v, _ := ctx.Value(viewKey{}).(jsonbind.View)
	return v
}
