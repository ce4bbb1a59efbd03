package httpapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// TestWriteErrorServerBusy: a write that waited out an import's lock is
// a 429 server_busy with a Retry-After, for the client to come back; a
// Retry-After already set (the rate limiter's) is kept.
func TestWriteErrorServerBusy(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	for _, preset := range []string{"", "60"} {
		w := httptest.NewRecorder()
		if preset != "" {
			w.Header().Set("Retry-After", preset)
		}
		s.writeError(w, httptest.NewRequest("PUT", "/x", nil), oneroster.Errorf(oneroster.CodeServerBusy, "busy"))
		want := preset
		if want == "" {
			want = "10"
		}
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != want || !strings.Contains(w.Body.String(), `"server_busy"`) {
			t.Errorf("preset %q: %d, Retry-After %q, %s", preset, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
}
