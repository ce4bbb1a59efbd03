package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster/query"
)

// The request log: one line per request, at its end, through the
// server's logger (Config.Logger), with
//
//	request_id   the X-Request-Id sent back (the client's own when sane)
//	client_id    the authenticated client (absent before authentication
//	             and on the token endpoint)
//	method       the request method
//	route        the route pattern that answered, never the path (paths
//	             hold sourcedIds): /ims/oneroster/rostering/v1p2/users/{sourcedId}
//	status       the status sent
//	bytes        the body bytes sent (compressed, when compressed)
//	duration_ms  from the request's arrival to the end of its answer
//	records      the objects a successful read returned (the tally the
//	             client's usage figures count, usage.go)
//	query        what the query string asked, without a value a person
//	             could be found by: limit, offset, sort, orderBy and
//	             fields when they are made of names and numbers, and the
//	             filter's shape, its fields, predicates and logical
//	             operators with every value as ?: familyName='?' AND
//	             roles.role='?'. Other parameters are not logged.
//	cancelled    true when the client went away before the answer
//
// Never a token, a secret, an Authorization header, a path or a filter
// value. A request that failed on the server (status 500 and up) is
// logged at level ERROR, every other at INFO, a cancelled one too: a
// client hanging up is not a failure of the server.

// requestIDHandler adds to every record logged with a request's context
// (slog's ...Context functions) the request's request_id, so that an
// error line of the token endpoint or of writeError is found beside the
// request's own line.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if n, ok := ctx.Value(noteKey{}).(*requestNote); ok && n.requestID != "" {
		rec = rec.Clone()
		rec.AddAttrs(slog.String("request_id", n.requestID))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// requestIDMax is the longest incoming X-Request-Id kept.
const requestIDMax = 64

// requestID returns the client's X-Request-Id when it is sane (1 to 64
// letters, digits and -._:), else a new random one: 24 hex digits.
func requestID(incoming string) string {
	if incoming != "" && len(incoming) <= requestIDMax && strings.Trim(incoming,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:") == "" {
		return incoming
	}
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// loggedWriter counts what is sent, for the request log.
type loggedWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *loggedWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *loggedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush passes a flush through.
func (w *loggedWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap gives http.ResponseController the writer underneath.
func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// endRequest counts the request in the metrics and writes its log line.
func (s *Server) endRequest(w *loggedWriter, r *http.Request, note *requestNote, start time.Time) {
	status := w.status
	if status == 0 {
		status = http.StatusOK // net/http's answer to a handler that wrote nothing
	}
	elapsed := time.Since(start)
	if r.Method == http.MethodHead {
		w.bytes = 0 // written by the handler, dropped by net/http
	}
	s.metrics.observe(routeOf(note.route), r.Method, status, note.clientID, elapsed, w.bytes)
	cancelled := errors.Is(context.Cause(r.Context()), context.Canceled)
	level := slog.LevelInfo
	if status >= 500 && !cancelled {
		level = slog.LevelError
	}
	if !s.log.Enabled(context.Background(), level) {
		return
	}
	attrs := make([]slog.Attr, 0, 11)
	attrs = append(attrs, slog.String("request_id", note.requestID))
	if note.clientID != "" {
		attrs = append(attrs, slog.String("client_id", note.clientID))
	}
	attrs = append(attrs, slog.String("method", r.Method), slog.String("route", routeOf(note.route)), slog.Int("status", status),
		slog.Int64("bytes", w.bytes), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000))
	if note.records >= 0 && status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		attrs = append(attrs, slog.Int("records", note.records))
	}
	if q := logQuery(r); len(q) > 0 {
		attrs = append(attrs, slog.Attr{Key: "query", Value: slog.GroupValue(q...)})
	}
	if cancelled {
		attrs = append(attrs, slog.Bool("cancelled", true))
	}
	// Not the request's context: the line names its request_id first.
	s.log.LogAttrs(context.Background(), level, "request", attrs...)
}

// routeOf is the route of a mux pattern as logged: its path, since the
// method is logged on its own ("GET /users": "/users").
func routeOf(pattern string) string {
	if _, p, ok := strings.Cut(pattern, " "); ok {
		return p
	}
	return pattern
}

// loggedParams are the query parameters logged as given when they hold
// only names, numbers and commas (a sort, a field list, a number).
var loggedParams = []string{"limit", "offset", "sort", "orderBy", "fields"}

// logQuery is the query group of the log line (see the file comment).
func logQuery(r *http.Request) []slog.Attr {
	if r.URL.RawQuery == "" {
		return nil
	}
	q := r.URL.Query()
	var attrs []slog.Attr
	for _, name := range loggedParams {
		vs, ok := q[name]
		if !ok {
			continue
		}
		v := strings.Join(vs, ",")
		if len(v) > 200 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,-") != "" {
			v = "(not logged: not names and numbers)"
		}
		attrs = append(attrs, slog.String(name, v))
	}
	if vs, ok := q["filter"]; ok {
		attrs = append(attrs, slog.String("filter", filterShape(strings.Join(vs, " "))))
	}
	return attrs
}

// filterShape is a filter with every value replaced by ?: its fields,
// predicates and logical operators, which say what a client asks for
// without saying of whom. A filter that does not parse is not shown.
func filterShape(f string) string {
	e, err := query.ParseFilter(f)
	if err != nil {
		return "(not logged: does not parse)"
	}
	var s string
	switch x := masked(e).(type) {
	case *query.Comparison:
		s = x.String()
	case *query.Logical:
		s = x.String()
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// masked returns a copy of e with every value "?".
func masked(e query.Expr) query.Expr {
	switch x := e.(type) {
	case *query.Comparison:
		c := *x
		c.Value = "?"
		return &c
	case *query.Logical:
		return &query.Logical{Op: x.Op, Left: masked(x.Left), Right: masked(x.Right)}
	}
	return e
}
