// Package httpapi serves the OneRoster 1.2 REST binding. Every operation
// is one row of a route table (method, path, operationId, scopes, what it
// reads); generic handlers parse the query, read the store and render. One
// function maps every error to an imsx_StatusInfo response.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/jsonbind"
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
	// Auth checks bearer tokens and serves the token endpoint. It is
	// required: only tests of the query machinery set NoAuth instead.
	Auth   *auth.Service
	NoAuth bool
	// RateLimit is the sustained requests per second one client may make
	// to the API, per serve process, with bursts of RateBurst (defaults 200
	// and 400); a negative RateLimit turns the limit off.
	RateLimit float64
	RateBurst int
	// CacheBytes bounds the cache of rendered objects (default 64 MiB;
	// negative: no cache).
	CacheBytes int
	// DBTimeout is each API request's budget for its database work, from
	// its arrival (default 10 s; negative: none). A request over it is
	// stopped and answered 503 server_busy with Retry-After: the rate
	// limit counts requests, and this bounds what one can cost.
	DBTimeout time.Duration
	// ViewFor, when set, gives the view of an authenticated client (see
	// View); unset, every client has the full view.
	ViewFor func(clientID string) jsonbind.View
}

// Server is the HTTP face of a store.
type Server struct {
	st      store.Store
	cfg     Config
	log     *slog.Logger
	enc     *jsonbind.Encoder
	mux     *http.ServeMux
	routes  []Route
	limits  *limiter
	objects *objectCache
	// prefetch holds the next pages of bulk pulls (prefetch.go).
	prefetch prefetcher
	// views holds the parsed sharing rules of clients, by rule text.
	views sync.Map
	// usage counts each client's requests and records (usage.go).
	usage   usageCounter
	metrics *metrics
	// discovery caches the generated documents by service and public URL.
	discovery  sync.Map
	discoveryN atomic.Int32
}

// New builds the server and its routes.
func New(st store.Store, cfg Config) *Server {
	if cfg.MaxLimit <= 0 {
		cfg.MaxLimit = 10000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DBTimeout == 0 {
		cfg.DBTimeout = DefaultDBTimeout
	}
	if cfg.Auth == nil && !cfg.NoAuth {
		panic("httpapi: Config.Auth is required")
	}
	s := &Server{st: st, cfg: cfg, log: slog.New(requestIDHandler{cfg.Logger.Handler()}), enc: jsonbind.NewEncoder(st), mux: http.NewServeMux(),
		limits: newLimiter(cfg.RateLimit, cfg.RateBurst), prefetch: prefetcher{m: map[string]*prefetched{}}}
	switch {
	case cfg.CacheBytes == 0:
		s.objects = newObjectCache(64 << 20)
	case cfg.CacheBytes > 0:
		s.objects = newObjectCache(cfg.CacheBytes)
	}
	s.routes = append(append(rosteringRoutes(), gradebookRoutes()...), resourcesRoutes()...)
	s.register()
	s.metrics = newMetrics(s)
	return s
}

// Routes returns the route table (tests check it against the OpenAPI).
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP implements http.Handler. The response goes through the
// request log's and the metrics' counting writer (requestlog.go), the compressing writer
// (compress.go) and, inside it, the ETag writer (etag.go), which sees the
// body as the handler wrote it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r, note := withNote(r)
	note.requestID = requestID(r.Header.Get("X-Request-Id"))
	w.Header().Set("X-Request-Id", note.requestID)
	lw := &loggedWriter{ResponseWriter: w}
	defer s.endRequest(lw, r, note, start)
	w, finishCompressed := compressed(lw, r)
	defer finishCompressed()
	w, finishTagged := etagged(w, r, note)
	defer finishTagged()
	if r.RequestURI == "*" {
		// An HTTP/2 preface sent to HTTP/1.1 (net/http answers OPTIONS *
		// itself) names no resource; the mux would answer 400 with an
		// empty body.
		s.writeError(w, r, &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusBadRequest,
			Message: "the request target * names no resource of this server"})
		return
	}
	r = withFrontPath(r)
	s.mux.ServeHTTP(w, r)
	note.route = r.Pattern // the mux sets it on the request it is given
}

func (s *Server) register() {
	methods := map[string][]string{}
	for _, rt := range s.routes {
		rt := rt
		pattern := rt.Base + rt.Path
		methods[pattern] = append(methods[pattern], rt.Method)
		s.mux.HandleFunc(rt.Method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
			r, cancel := s.budget(r)
			defer cancel()
			r, ok := s.authorize(w, r, rt.Scopes)
			if !ok {
				return
			}
			ctx, t := withTally(r.Context())
			serve := (*Server).serve
			if rt.write != nil {
				serve = (*Server).writeOp
			}
			if err := serve(s, w, r.WithContext(ctx), &rt); err != nil {
				s.writeError(w, r, err)
			}
			if client, ok := r.Context().Value(clientKey{}).(string); ok {
				s.countUsage(client, t.records, time.Now())
			}
			noteOf(r.Context()).records = t.records // for the request log
		})
	}
	// A method-less twin of every path answers 405 in the OneRoster shape,
	// and the catch-all answers 404 the same way.
	for pattern, ms := range methods {
		sort.Strings(ms)
		allow := strings.Join(append(ms, "HEAD"), ", ")
		s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if _, ok := s.authorize(w, r, nil); !ok {
				return
			}
			w.Header().Set("Allow", allow)
			s.writeError(w, r, oneroster.Errorf(oneroster.CodeUnsupported, "method %s is not allowed here; allowed: %s", r.Method, allow))
		})
	}
	s.registerHealth()
	if s.cfg.Auth != nil {
		token := s.cfg.Auth.TokenHandler(s.log)
		s.mux.HandleFunc(auth.TokenPath, func(w http.ResponseWriter, r *http.Request) {
			r, cancel := s.budget(r)
			defer cancel()
			token.ServeHTTP(w, r)
		})
	}
	s.registerDiscovery()
	// Everything else is unknown; under the API prefix a token is asked
	// for first, so that probing does not reveal which routes exist.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ims/") {
			if _, ok := s.authorize(w, r, nil); !ok {
				return
			}
		}
		s.writeError(w, r, oneroster.Errorf(oneroster.CodeUnknownObject, "Unknown Object: no operation at %s %s", r.Method, r.URL.EscapedPath()))
	})
}

// discoveryNames are the file names a service's localized OpenAPI is
// published under: the REST binding's and the conformance guide's
// (rest-endpoints.md §2), and the bare folder.
var discoveryNames = map[string][]string{
	"rostering": {"onerosterv1p2rostersservice_openapi3_v1p0.json", "imsorv1p2_rostering_openapi3_v1p0.json"},
	"gradebook": {"onerosterv1p2gradebookservice_openapi3_v1p0.json", "imsorv1p2_gradebook_openapi3_v1p0.json"},
	"resources": {"onerosterv1p2resourcesservice_openapi3_v1p0.json", "imsorv1p2_resources_openapi3_v1p0.json"},
}

// registerDiscovery serves, without a token, the OpenAPI document of each
// service that has routes, generated from the route table.
func (s *Server) registerDiscovery() {
	bases := map[string]string{}
	for _, rt := range s.routes {
		bases[rt.Entity.Service] = rt.Base
	}
	for service, base := range bases {
		h := func(w http.ResponseWriter, r *http.Request) {
			root := s.baseURL(r)
			key := service + " " + root
			doc, ok := s.discovery.Load(key)
			if !ok {
				b, err := Discovery(s.routes, service, root+base, root+auth.TokenPath)
				if err != nil {
					s.writeError(w, r, err)
					return
				}
				doc = b
				// The root comes from the Host header unless --public-url
				// is set: cache a bounded number, so that a client cycling
				// Host values cannot grow the cache.
				if s.discoveryN.Add(1) <= 16 {
					doc, _ = s.discovery.LoadOrStore(key, b)
				}
			}
			writeJSON(w, doc.([]byte))
		}
		// The folder without its slash: withFrontPath strips the slash
		// of every path, and a pattern ending in {$} would have the mux
		// redirect to it again.
		s.mux.HandleFunc("GET "+base+"/discovery", h)
		for _, name := range discoveryNames[service] {
			s.mux.HandleFunc("GET "+base+"/discovery/"+name, h)
		}
	}
}

// authorize checks the request's token and, when scopes is not nil, that
// it holds one of them, and applies the client's rate limit. It writes the
// refusal itself and reports whether the request may go on; the request
// it returns carries the client's view (Config.ViewFor).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, scopes []string) (*http.Request, bool) {
	if s.cfg.NoAuth {
		return r, true
	}
	g, err := s.cfg.Auth.Authenticate(r)
	if err != nil {
		if oneroster.CodeOf(err) == oneroster.CodeUnauthorised {
			w.Header().Set("WWW-Authenticate", auth.Challenge(err, r, nil))
		}
		s.writeError(w, r, err)
		return r, false
	}
	note := noteOf(r.Context())
	note.clientID = g.ClientID
	if scopes != nil && !g.Allows(scopes) {
		w.Header().Set("WWW-Authenticate", auth.Challenge(nil, r, scopes))
		s.writeError(w, r, oneroster.Errorf(oneroster.CodeForbidden, "the access token does not hold a scope of this operation (one of: %s)",
			strings.Join(auth.ShortNames(scopes), ", ")))
		return r, false
	}
	b := s.limits.take(g.ClientID)
	s.limits.setHeaders(w.Header(), b)
	if wait := b.retry; wait > 0 {
		s.metrics.rateLimited.WithLabelValues(g.ClientID).Inc()
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		s.writeError(w, r, oneroster.Errorf(oneroster.CodeServerBusy, "rate limit exceeded; retry in %d s", wait))
		return r, false
	}
	view, err := s.viewFor(g)
	if err != nil {
		s.writeError(w, r, err)
		return r, false
	}
	note.viewKey = view.Key
	r = r.WithContext(context.WithValue(r.Context(), clientKey{}, g.ClientID))
	return withView(r, view), true
}

// clientKey carries the authenticated client's id in a request's context.
type clientKey struct{}

// viewFor returns the view of a client: its sharing rules (parsed once
// per distinct rule), else what Config.ViewFor gives (tests'
// stand-in views), else the full view. A stored rule this build cannot
// read fails closed: an internal error, never the full view.
func (s *Server) viewFor(g auth.Grant) (jsonbind.View, error) {
	if g.Hide == "" && g.Orgs == "" {
		if s.cfg.ViewFor != nil {
			return s.cfg.ViewFor(g.ClientID), nil
		}
		return jsonbind.View{}, nil
	}
	rules := g.Hide + "\x00" + g.Orgs
	if v, ok := s.views.Load(rules); ok {
		return v.(jsonbind.View), nil
	}
	v, err := jsonbind.NewView(g.Hide, g.Orgs)
	if err != nil {
		return jsonbind.View{}, fmt.Errorf("client %s: stored sharing rule: %w", g.ClientID, err)
	}
	s.views.Store(rules, v)
	return v, nil
}

func (s *Server) store() store.Writer { return s.st }

// writeOp checks the parents named by the path, then runs the write.
func (s *Server) writeOp(w http.ResponseWriter, r *http.Request, rt *Route) error {
	if err := s.checkParents(r, rt, viewOf(r.Context())); err != nil {
		return err
	}
	return rt.write(s, w, r, rt)
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
