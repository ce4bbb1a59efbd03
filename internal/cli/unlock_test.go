package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/cli"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// TestClientsUnlock: a client locked out by wrong secrets gets tokens
// again after clients unlock.
func TestClientsUnlock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	r := run(t, "clients", "create", "--db", db, "--name", "lms", "--scope", "roster.readonly", "--json")
	var created struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil || created.ClientID == "" {
		t.Fatalf("create: %v %s %s", err, r.stdout, r.stderr)
	}
	// issue asks for a token as a serve process would, refusing from the
	// second failure.
	issue := func(secret string) error {
		t.Helper()
		st, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		svc := auth.New(st, auth.Config{SlowAfter: 5, RefuseAfter: 2, Sleep: func(context.Context, time.Duration) {}})
		_, _, err = svc.Issue(context.Background(), created.ClientID, secret, "", "10.0.0.1")
		return err
	}
	for range 2 {
		if err := issue("wrong"); err == nil || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("a wrong secret: %v", err)
		}
	}
	if err := issue(created.ClientSecret); err == nil || !strings.Contains(err.Error(), "server_busy") {
		t.Fatalf("the right secret while locked out: %v", err)
	}
	if r := run(t, "clients", "unlock", "--db", db, created.ClientID); r.code != 0 || !strings.Contains(r.stdout, "forgot 2 failed") {
		t.Errorf("unlock: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if err := issue(created.ClientSecret); err != nil {
		t.Errorf("the right secret after unlock: %v", err)
	}
	if r := run(t, "clients", "unlock", "--db", db, "orc_nobody"); r.code != cli.ExitRejected {
		t.Errorf("unlock of an unknown client: exit %d", r.code)
	}
	if r := run(t, "clients", "unlock", "--db", db); r.code != cli.ExitUsage {
		t.Errorf("unlock without an id: exit %d", r.code)
	}
}
