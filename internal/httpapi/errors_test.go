package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// TestWriteErrorServerBusy: the rate limiter's server_busy is a 429
// and keeps its Retry-After; the database's (a write that waited out an
// import's lock) is a 503 with Retry-After 5.
func TestWriteErrorServerBusy(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct {
		err    error
		preset string
		status int
		retry  string
	}{
		{oneroster.Errorf(oneroster.CodeServerBusy, "rate limit exceeded"), "60", 429, "60"},
		{&oneroster.Error{Code: oneroster.CodeServerBusy, Status: 503, Message: "busy"}, "", 503, "5"},
	} {
		w := httptest.NewRecorder()
		if c.preset != "" {
			w.Header().Set("Retry-After", c.preset)
		}
		s.writeError(w, httptest.NewRequest("PUT", "/x", nil), c.err)
		if w.Code != c.status || w.Header().Get("Retry-After") != c.retry || !strings.Contains(w.Body.String(), `"server_busy"`) {
			t.Errorf("%v: %d, Retry-After %q, %s", c.err, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
}

// downStore is a store whose database is out of reach.
type downStore struct{ store.Store }

func (downStore) Unavailable(err error) bool { return errors.Is(err, errDown) }

var errDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

// TestWriteErrorOverloaded: a request over its database budget, and an
// error the store says means its database is out of reach, are 503
// server_busy with Retry-After, not 500; any other error stays a 500.
func TestWriteErrorOverloaded(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler), st: downStore{}, cfg: Config{DBTimeout: time.Millisecond}}
	r, cancel := s.budget(httptest.NewRequest("GET", "/x", nil))
	defer cancel()
	<-r.Context().Done()
	for _, c := range []struct {
		name   string
		r      *http.Request
		err    error
		status int
		msg    string
	}{
		{"over budget", r, context.DeadlineExceeded, 503, "took longer than the server's limit of 1ms"},
		{"over budget, the driver's words", r, errors.New("interrupted (9)"), 503, "took longer"},
		{"database down", httptest.NewRequest("GET", "/x", nil), fmt.Errorf("list: %w", errDown), 503, "the database is not answering"},
		{"another failure", httptest.NewRequest("GET", "/x", nil), errors.New("disk I/O error"), 500, "internal"},
	} {
		w := httptest.NewRecorder()
		s.writeError(w, c.r, c.err)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.msg) {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
		if c.status == 503 && (w.Header().Get("Retry-After") != "5" || !strings.Contains(w.Body.String(), `"server_busy"`)) {
			t.Errorf("%s: Retry-After %q, %s", c.name, w.Header().Get("Retry-After"), w.Body)
		}
	}
}
