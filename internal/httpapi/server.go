// Package httpapi serves the OneRoster 1.2 REST binding. Every operation
// is one row of a route table (method, path, operationId, scopes, what it
// reads); generic handlers parse the query, read the store and render. One
// function maps every error to an imsx_StatusInfo response.
package httpapi

import (
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// Config holds what the server needs besides the store.
type Config struct {
	// PublicURL (scheme://host[:port], no trailing slash) is the prefix of
	// every href and Link URL. Empty: derived from each request's Host.
	PublicURL string
	// MaxLimit clamps the limit parameter (default 10000).
	MaxLimit int
	Logger   *slog.Logger
}

// Server is the HTTP face of a store.
type Server struct {
	st     store.Reader
	cfg    Config
	log    *slog.Logger
	render *renderer
	mux    *http.ServeMux
	routes []Route
}

// New builds the server and its routes.
func New(st store.Reader, cfg Config) *Server {
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = 10000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{st: st, cfg: cfg, log: cfg.Logger, render: &renderer{cols: st}, mux: http.NewServeMux()}
	s.routes = rosteringRoutes()
	s.register()
	return s
}

// Routes returns the route table (tests check it against the OpenAPI).
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) register() {
	methods := map[string][]string{}
	for _, rt := range s.routes {
		rt := rt
		pattern := rt.Base + rt.Path
		methods[pattern] = append(methods[pattern], rt.Method)
		s.mux.HandleFunc(rt.Method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := s.serve(w, r, &rt); err != nil {
				s.writeError(w, r, err)
			}
		})
	}
	// A method-less twin of every path answers 405 in the OneRoster shape,
	// and the catch-all answers 404 the same way.
	for pattern, ms := range methods {
		sort.Strings(ms)
		allow := strings.Join(append(ms, "HEAD"), ", ")
		s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, oneroster.Errorf(oneroster.CodeUnsupported, "method %s is not allowed here; allowed: %s", r.Method, allow))
		})
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, oneroster.Errorf(oneroster.CodeUnknownObject, "Unknown Object: no operation at %s %s", r.Method, r.URL.EscapedPath()))
	})
}

// baseURL is the scheme://host prefix of absolute URLs in a response.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
