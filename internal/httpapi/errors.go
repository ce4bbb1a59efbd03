package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// statusOf is the one table from code-minor to HTTP status
// (rest-query.md §5.1).
var statusOf = map[oneroster.Code]int{
	oneroster.CodeInvalidFilterField:    http.StatusBadRequest,
	oneroster.CodeInvalidSelectionField: http.StatusBadRequest,
	oneroster.CodeInvalidSortField:      http.StatusBadRequest,
	oneroster.CodeInvalidData:           http.StatusBadRequest,
	oneroster.CodeUnauthorised:          http.StatusUnauthorized,
	oneroster.CodeForbidden:             http.StatusForbidden,
	oneroster.CodeUnknownObject:         http.StatusNotFound,
	oneroster.CodeServerBusy:            http.StatusTooManyRequests,
	oneroster.CodeUnsupported:           http.StatusMethodNotAllowed,
	oneroster.CodeDeleteFailure:         http.StatusInternalServerError,
	oneroster.CodeInternal:              http.StatusInternalServerError,
}

// writeError is the one place an error becomes a response: an
// imsx_StatusInfo object. Errors that carry no OneRoster code are logged
// and reach the client only as internal_server_error.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := oneroster.CodeOf(err)
	status := statusOf[code]
	var oe *oneroster.Error
	if errors.As(err, &oe) && oe.Status != 0 {
		status = oe.Status
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		// The request log has the request; this line has the error, by
		// the same request_id (which s.log adds from the context). A request the client cancelled fails
		// because of that (a driver says so in its own words: "interrupted"):
		// not a failure of the server, so only at DEBUG.
		level := slog.LevelError
		if errors.Is(context.Cause(r.Context()), context.Canceled) {
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "request failed", slog.String("method", r.Method),
			slog.String("route", routeOf(r.Pattern)), slog.Any("err", err))
	}
	major := "failure"
	if code == oneroster.CodeUnsupported {
		major = "unsupported"
	}
	b := oneroster.StatusInfo(major, code, oneroster.MessageOf(err))
	h := w.Header()
	if code == oneroster.CodeServerBusy && h.Get("Retry-After") == "" {
		// A write that waited for an import: as long again.
		h.Set("Retry-After", "10")
	}
	h.Set("Content-Type", "application/json")
	h.Del("X-Total-Count")
	h.Del("Link")
	w.WriteHeader(status)
	w.Write(b)
}
