package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/store"
)

// ReadyTimeout bounds how long /readyz waits for the database before it
// answers 503: a probe must learn of a database that hangs, not hang too.
const ReadyTimeout = 2 * time.Second

// registerHealth adds the two probes, both without a token (a load
// balancer or an orchestrator holds none) and both saying nothing of the
// data:
//
//   - GET /healthz: the process runs and serves HTTP; it never touches
//     the database, so a database outage does not get the process
//     restarted.
//   - GET /readyz: the database answers within ReadyTimeout and holds
//     every migration this build applies; otherwise 503 with a reason.
func (s *Server) registerHealth() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeHealth(w, http.StatusOK, health{Status: "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
}

// health is the body of both probes.
type health struct {
	Status string `json:"status"`           // "ok" or "unavailable"
	Reason string `json:"reason,omitempty"` // why not ready
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	err := s.st.Ready(ctx)
	if err == nil {
		writeHealth(w, http.StatusOK, health{Status: "ok"})
		return
	}
	// The reason is for an operator, and the probe needs no token: it
	// names the failing check, not the driver's message (which may carry
	// host names); the log has the whole error.
	var reason string
	switch {
	case errors.Is(err, store.ErrNotMigrated):
		reason = strings.TrimPrefix(err.Error(), "store: ")
	case errors.Is(err, context.DeadlineExceeded):
		reason = "the database did not answer within " + ReadyTimeout.String()
	case r.Context().Err() != nil:
		return // the prober went away
	default:
		reason = "the database does not answer"
	}
	s.log.WarnContext(r.Context(), "readyz: not ready", "reason", reason, "err", err)
	w.Header().Set("Retry-After", "5")
	writeHealth(w, http.StatusServiceUnavailable, health{Status: "unavailable", Reason: reason})
}

func writeHealth(w http.ResponseWriter, status int, h health) {
	b, _ := json.Marshal(h)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}
