package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// probe fetches path without a token and decodes the probe's body.
func probe(t *testing.T, f *fixture, path string) (response, map[string]string) {
	t.Helper()
	saved := f.token
	f.token = ""
	defer func() { f.token = saved }()
	r := f.do(t, "GET", path, false)
	var body map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("%s: %d, body %q is not a JSON object: %v", path, r.status, r.body, err)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	return r, body
}

func TestProbesWithoutToken(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		r, body := probe(t, f, path)
		if r.status != 200 || body["status"] != "ok" || len(body) != 1 {
			t.Errorf("%s without Authorization: %d %s", path, r.status, r.body)
		}
	}
}

// TestReadyzDatabaseClosed closes the store under the server: /readyz
// answers 503 with a reason that names the check, not the driver's
// message; /healthz, which does not touch the database, stays 200.
func TestReadyzDatabaseClosed(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "gone.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, _, _ := newServer(t, st, httpapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	st.Close()
	f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering)}
	r, body := probe(t, f, "/readyz")
	if r.status != 503 || body["status"] != "unavailable" || body["reason"] != "the database does not answer" || r.header.Get("Retry-After") == "" {
		t.Errorf("readyz with the database closed: %d %v %s", r.status, r.header, r.body)
	}
	if r, _ := probe(t, f, "/healthz"); r.status != 200 {
		t.Errorf("healthz with the database closed: %d %s", r.status, r.body)
	}
}

// readyStore answers Ready with ready, the rest with the store it wraps.
type readyStore struct {
	store.Store
	ready func(context.Context) error
}

func (s readyStore) Ready(ctx context.Context) error { return s.ready(ctx) }

// TestReadyzReasons: a database that does not answer within the deadline,
// and one lacking migrations, each get their own reason.
func TestReadyzReasons(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, tc := range []struct {
		name   string
		ready  func(context.Context) error
		reason string
	}{
		{"hangs", func(ctx context.Context) error {
			// Rather than wait: the handler must have set a deadline no
			// later than ReadyTimeout, which a hanging query would meet.
			if d, ok := ctx.Deadline(); !ok || time.Until(d) > httpapi.ReadyTimeout {
				return fmt.Errorf("no deadline of at most %s (%v, %v)", httpapi.ReadyTimeout, d, ok)
			}
			return fmt.Errorf("store: ready: %w", context.DeadlineExceeded)
		}, "the database did not answer within 2s"},
		{"not migrated", func(context.Context) error {
			return fmt.Errorf("%w: 0009 of 9 pending", store.ErrNotMigrated)
		}, "migrations not applied: 0009 of 9 pending"},
	} {
		srv, _, _ := newServer(t, readyStore{st, tc.ready}, httpapi.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		f := &fixture{srv: srv, v: oastest.Optional(t, oastest.Rostering)}
		if r, body := probe(t, f, "/readyz"); r.status != 503 || body["reason"] != tc.reason {
			t.Errorf("%s: %d %s, want 503 with reason %q", tc.name, r.status, r.body, tc.reason)
		}
	}
}
