package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/httpapi"
)

// TestMetrics: after some traffic (a token issued and one refused, two
// reads of one object, the second from the cache, and a third refused by
// the rate limit), /metrics parses with the Prometheus text parser and
// counts each, by route pattern (never a path), status and client.
func TestMetrics(t *testing.T) {
	f := newAuthFixture(t, httpapi.Config{RateLimit: 0.5, RateBurst: 2}, auth.Config{})
	id, secret := f.client(auth.RosterCore)
	const form = "application/x-www-form-urlencoded"
	if s, _, _ := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret}); s != 200 {
		t.Fatalf("token: %d", s)
	}
	if s, _, _ := f.tokenReq(form, "grant_type=client_credentials", []string{id, secret + "x"}); s != 401 {
		t.Fatalf("token with a wrong secret: %d", s)
	}
	tok := f.token(auth.RosterCore)
	const path = "/ims/oneroster/rostering/v1p2/orgs/dist-1"
	for i, want := range []int{200, 200, 429} {
		if res := f.call("GET", path, tok); res.StatusCode != want {
			t.Fatalf("request %d: %d, want %d", i, res.StatusCode, want)
		}
	}

	rec := httptest.NewRecorder()
	f.api.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	text := rec.Body.String()
	if strings.Contains(text, "dist-1") || strings.Contains(text, secret) {
		t.Errorf("a path or a secret in the metrics:\n%s", text)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("the text parser: %v\n%s", err, text)
	}
	// value sums the samples of a family whose labels include want.
	value := func(name string, want map[string]string) (sum float64, n int) {
		t.Helper()
		fam, ok := families[name]
		if !ok {
			t.Fatalf("no %s in\n%s", name, text)
		}
	next:
		for _, m := range fam.Metric {
			labels := map[string]string{}
			for _, l := range m.Label {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue next
				}
			}
			n++
			switch fam.GetType() {
			case dto.MetricType_COUNTER:
				sum += m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				sum += m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
		return sum, n
	}
	const route = "/ims/oneroster/rostering/v1p2/orgs/{sourcedId}"
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"oneroster_http_requests_total", map[string]string{"route": route, "method": "GET", "status": "200"}, 2},
		{"oneroster_http_requests_total", map[string]string{"route": route, "status": "429"}, 1},
		{"oneroster_http_requests_total", map[string]string{"route": auth.TokenPath, "method": "POST", "client": ""}, 2},
		{"oneroster_http_request_duration_seconds", map[string]string{"route": route, "method": "GET"}, 3},
		{"oneroster_tokens_total", map[string]string{"outcome": "issued"}, 1},
		{"oneroster_tokens_total", map[string]string{"outcome": "refused"}, 1},
		{"oneroster_tokens_total", map[string]string{"outcome": "throttled"}, 0},
		{"oneroster_rate_limited_total", nil, 1},
		{"oneroster_object_cache_hits_total", nil, 1},
		{"oneroster_object_cache_misses_total", nil, 1},
		{"oneroster_build_info", nil, 1},
	} {
		if got, _ := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The API requests name their client; one client made all three.
	if _, n := value("oneroster_http_requests_total", map[string]string{"route": route, "client": ""}); n != 0 {
		t.Errorf("an authenticated request counted without its client")
	}
	// The fixture's import, from the history.
	if got, _ := value("oneroster_import_last_rows", map[string]string{"outcome": "imported"}); got < 10 {
		t.Errorf("oneroster_import_last_rows{outcome=imported} = %v", got)
	}
	if got, _ := value("oneroster_import_last_finished_timestamp_seconds", map[string]string{"outcome": "imported"}); got < 1.7e9 {
		t.Errorf("oneroster_import_last_finished_timestamp_seconds{outcome=imported} = %v", got)
	}
	if _, n := value("oneroster_import_last_duration_seconds", map[string]string{"outcome": "rejected"}); n != 0 {
		t.Errorf("a rejected import that did not happen")
	}
	for _, pool := range []string{"read", "write"} { // SQLite's two pools
		if got, _ := value("go_sql_max_open_connections", map[string]string{"db_name": pool}); got < 1 {
			t.Errorf("the %s pool's go_sql_max_open_connections: %v", pool, got)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "go_sql_in_use_connections", "go_sql_wait_count_total"} {
		if _, ok := families[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}
