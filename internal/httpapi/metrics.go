package httpapi

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/buildinfo"
)

// metrics are the server's Prometheus metrics, on a registry of its own
// (two servers in one process, as in tests, do not share counters).
// Labels take bounded values only: the route pattern, never the path; the
// status; the client id, of which a district registers a handful (a
// request without a valid token counts under "").
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	sent        *prometheus.CounterVec
	tokens      *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oneroster_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method, status and client.",
		}, []string{"route", "method", "status", "client"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "oneroster_http_request_duration_seconds",
			Help: "Time from a request's arrival to the end of its answer, by route pattern and method.",
			// From a cached object (well under a millisecond) to a bulk
			// page of 10,000 objects read cold (seconds).
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oneroster_http_response_bytes_total",
			Help: "Body bytes sent (compressed, when compressed), by route pattern.",
		}, []string{"route"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oneroster_tokens_total",
			Help: "Answers of the token endpoint: issued, refused (bad credentials or request), throttled (429) or failed (5xx).",
		}, []string{"outcome"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oneroster_rate_limited_total",
			Help: "API requests refused by the per-client rate limit, by client.",
		}, []string{"client"}),
	}
	for _, o := range []string{"issued", "refused", "throttled", "failed"} {
		m.tokens.WithLabelValues(o)
	}
	bi := buildinfo.Read()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "oneroster_build_info",
		Help:        "The running binary: always 1, its version, commit and Go version as labels.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "commit": bi.Commit, "goversion": bi.GoVersion},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.duration, m.sent, m.tokens, m.rateLimited, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if c := s.objects; c != nil {
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "oneroster_object_cache_hits_total",
				Help: "Rendered objects served from the cache of rendered objects.",
			}, func() float64 { return float64(c.hits.Load()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "oneroster_object_cache_misses_total",
				Help: "Rendered objects looked for in the cache and read from the store.",
			}, func() float64 { return float64(c.misses.Load()) }),
		)
	}
	if s.st != nil {
		m.reg.MustRegister(newImportCollector(s.st, s.log))
	}
	// The store's connection pools (go_sql_*, by db_name), when it has
	// database/sql pools to show.
	if p, ok := s.st.(interface{ Pools() map[string]*sql.DB }); ok {
		for name, pool := range p.Pools() {
			m.reg.MustRegister(collectors.NewDBStatsCollector(pool, name))
		}
	}
	return m
}

// observe counts a finished request.
func (m *metrics) observe(route, method string, status int, client string, d time.Duration, bytes int64) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status), client).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
	m.sent.WithLabelValues(route).Add(float64(bytes))
	if route == auth.TokenPath {
		outcome := "refused"
		switch {
		case status == http.StatusOK:
			outcome = "issued"
		case status == http.StatusTooManyRequests:
			outcome = "throttled"
		case status >= 500:
			outcome = "failed"
		}
		m.tokens.WithLabelValues(outcome).Inc()
	}
}

// MetricsHandler serves the server's metrics in the Prometheus text
// format. serve puts it on its own address (--metrics-addr), not beside
// the API: the figures name the clients and their traffic.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}
