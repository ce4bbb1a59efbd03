package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// syncBuffer is a log destination written by the server's goroutines and
// read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestLog: one JSON line per request, with its request id (the
// client's when sane, sent back as X-Request-Id), client, method, route
// pattern, status, bytes, duration, records and the shape of the query;
// never the token, the secret, the path's ids or a filter's values. A
// request the client cancelled is no error.
func TestRequestLog(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	svc := auth.New(st, auth.Config{})
	id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	api := httpapi.New(st, httpapi.Config{Auth: svc, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	// A token, by the token endpoint: the secret goes over the wire.
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", srv.URL+auth.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if tok.AccessToken == "" {
		t.Fatalf("token endpoint: %d", res.StatusCode)
	}

	const base = "/ims/oneroster/rostering/v1p2"
	get := func(path, requestID string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if requestID != "" {
			req.Header.Set("X-Request-Id", requestID)
		}
		res, err := rawClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	filter := url.QueryEscape(`familyName='Simpson' OR email~'bart@example'`)
	page := get(base+"/users?limit=2&offset=1&sort=familyName&fields=sourcedId,familyName&filter="+filter, "trace-42.a:b")
	one := get(base+"/users/u-s1", "")
	missing := get(base+"/users/u-nobody", "bad id\twith tabs")
	if page.Header.Get("X-Request-Id") != "trace-42.a:b" {
		t.Errorf("a sane incoming X-Request-Id is not sent back: %q", page.Header.Get("X-Request-Id"))
	}
	for _, r := range []*http.Response{one, missing} {
		if rid := r.Header.Get("X-Request-Id"); len(rid) != 24 || strings.Trim(rid, "0123456789abcdef") != "" {
			t.Errorf("a generated X-Request-Id: %q", rid)
		}
	}
	if one.Header.Get("X-Request-Id") == missing.Header.Get("X-Request-Id") {
		t.Errorf("two requests share the id %s", one.Header.Get("X-Request-Id"))
	}

	// A request whose client went away before it was answered.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	creq := httptest.NewRequest("GET", base+"/users?limit=5", nil).WithContext(cancelled)
	creq.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	api.ServeHTTP(httptest.NewRecorder(), creq)

	// A HEAD: the handler writes the body, net/http sends none.
	hreq, _ := http.NewRequest("HEAD", srv.URL+base+"/users/u-s1", nil)
	hreq.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	if res, err := rawClient.Do(hreq); err != nil || res.StatusCode != 200 {
		t.Fatalf("HEAD: %v %v", res, err)
	} else {
		res.Body.Close()
	}

	text := logs.String()
	for _, secretText := range []string{secret, tok.AccessToken, "Bearer", "Basic", "Simpson", "bart@example", "u-s1", "u-nobody"} {
		if strings.Contains(text, secretText) {
			t.Errorf("the log holds %q:\n%s", secretText, text)
		}
	}
	var lines, failed []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %v\n%s", err, l)
		}
		switch {
		case m["msg"] == "request":
			lines = append(lines, m)
		case m["level"] == "ERROR":
			t.Errorf("an error line: %s", l)
		case m["msg"] == "request failed":
			failed = append(failed, m)
		}
	}
	if len(lines) != 6 {
		t.Fatalf("%d request lines, want 6:\n%s", len(lines), text)
	}
	for _, m := range lines {
		for _, k := range []string{"time", "level", "request_id", "method", "route", "status", "bytes", "duration_ms"} {
			if _, ok := m[k]; !ok {
				t.Errorf("no %s in %v", k, m)
			}
		}
	}
	check := func(i int, want map[string]any) {
		t.Helper()
		for k, v := range want {
			got := lines[i][k]
			if g, ok := got.(map[string]any); ok {
				b, _ := json.Marshal(g)
				got = string(b)
			}
			if got != v {
				t.Errorf("line %d: %s = %#v, want %#v\n%v", i+1, k, got, v, lines[i])
			}
		}
	}
	check(0, map[string]any{"method": "POST", "route": "/oauth/token", "status": 200.0, "level": "INFO"})
	if _, ok := lines[0]["client_id"]; ok {
		t.Errorf("the token request names a client: %v", lines[0])
	}
	check(1, map[string]any{"client_id": id, "route": base + "/users", "status": 200.0, "records": 1.0,
		"request_id": "trace-42.a:b",
		"query":      `{"fields":"sourcedId,familyName","filter":"familyName='?' OR email~'?'","limit":"2","offset":"1","sort":"familyName"}`})
	check(2, map[string]any{"client_id": id, "route": base + "/users/{sourcedId}", "status": 200.0, "records": 1.0,
		"request_id": one.Header.Get("X-Request-Id"), "bytes": float64(one.ContentLength)})
	check(3, map[string]any{"route": base + "/users/{sourcedId}", "status": 404.0, "level": "INFO"})
	if _, ok := lines[3]["records"]; ok {
		t.Errorf("a 404 counts records: %v", lines[3])
	}
	check(4, map[string]any{"cancelled": true, "level": "INFO"})
	check(5, map[string]any{"method": "HEAD", "status": 200.0, "bytes": 0.0, "records": 1.0})
	// The cancelled request's failure is told at DEBUG, by its request_id.
	if len(failed) != 1 || failed[0]["level"] != "DEBUG" || failed[0]["request_id"] != lines[4]["request_id"] {
		t.Errorf("the cancelled request's failure lines: %v (its request line %v)", failed, lines[4])
	}
}
