package httpapi

import (
	"context"
	"net/http"
)

// requestNote is what the front of the server (ServeHTTP's wrappers:
// ETags, the request log) learns of a request while the mux serves it,
// from handlers that see more of it: who asked and under which view. A
// handler gets a request derived from the front's (authorize gives it the
// view), so the front cannot read it back from its own request's context;
// the note is a pointer the two share.
type requestNote struct {
	requestID string // X-Request-Id (requestlog.go)
	route     string // the mux's pattern that answered
	clientID  string // the authenticated client, "" before authentication
	viewKey   string // jsonbind.View.Key of the client's view
	records   int    // the records a read returned (the route's tally), -1 when no route ran
}

type noteKey struct{}

// withNote returns r carrying a new note, and the note.
func withNote(r *http.Request) (*http.Request, *requestNote) {
	n := &requestNote{records: -1}
	return r.WithContext(context.WithValue(r.Context(), noteKey{}, n)), n
}

// noteOf returns the note of a request, or a throwaway one when the
// request has none (a handler called without ServeHTTP, in a test).
func noteOf(ctx context.Context) *requestNote {
	if n, ok := ctx.Value(noteKey{}).(*requestNote); ok {
		return n
	}
	return &requestNote{}
}
