package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

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
	err, logged := s.overloaded(r, err)
	code := oneroster.CodeOf(err)
	status := statusOf[code]
	var oe *oneroster.Error
	if errors.As(err, &oe) && oe.Status != 0 {
		status = oe.Status
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 && !logged {
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
		h.Set("Retry-After", retryUnavailable)
	}
	h.Set("Content-Type", "application/json")
	h.Del("X-Total-Count")
	h.Del("Link")
	w.WriteHeader(status)
	w.Write(b)
}

// DefaultDBTimeout is Config.DBTimeout's default: three times the
// heaviest filter the parser allows on a 200,000-student district,
// uncached (2.9 s), and about what HTTP clients wait before giving up.
const DefaultDBTimeout = 10 * time.Second

// retryUnavailable is the Retry-After of a server_busy answer without
// one of its own (the rate limiter sets its own): the database restarting
// or failing over, busy with an import's write, or too busy to finish a
// request within its budget.
const retryUnavailable = "5"

// errOverBudget is the cause of a request's context when its database
// budget (Config.DBTimeout) ran out.
var errOverBudget = errors.New("the request's database budget ran out")

// budget gives r a context that ends when its database budget does; the
// drivers stop a statement when it ends (SQLite interrupts it, pgx asks
// the server to cancel), and a write's transaction rolls back.
func (s *Server) budget(r *http.Request) (*http.Request, context.CancelFunc) {
	if s.cfg.DBTimeout < 0 {
		return r, func() {}
	}
	ctx, cancel := context.WithTimeoutCause(r.Context(), s.cfg.DBTimeout, errOverBudget)
	return r.WithContext(ctx), cancel
}

// overloaded turns an error that says the database cannot do the work
// now into a 503 server_busy (a 429 means the client asked too much:
// the rate limit): the request's budget ran out, or the store could not
// reach its database (a restart, a failover); logged says it logged why.
// Other errors are returned as they are.
func (s *Server) overloaded(r *http.Request, err error) (_ error, logged bool) {
	switch {
	case errors.Is(context.Cause(r.Context()), errOverBudget):
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "request over its database budget", slog.String("method", r.Method),
			slog.String("route", routeOf(r.Pattern)), slog.Duration("budget", s.cfg.DBTimeout))
		return &oneroster.Error{Code: oneroster.CodeServerBusy, Status: http.StatusServiceUnavailable,
			Message: fmt.Sprintf("the request's database work took longer than the server's limit of %s; retry later, or ask for less (a narrower filter, a smaller limit)", s.cfg.DBTimeout)}, true
	case s.st != nil && s.st.Unavailable(err):
		s.log.LogAttrs(r.Context(), slog.LevelError, "database unavailable", slog.String("method", r.Method),
			slog.String("route", routeOf(r.Pattern)), slog.Any("err", err))
		return &oneroster.Error{Code: oneroster.CodeServerBusy, Status: http.StatusServiceUnavailable,
			Message: "the database is not answering (restarting or unreachable); retry in a few seconds"}, true
	}
	return err, false
}
