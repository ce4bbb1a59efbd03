package cli_test

import (
	"strings"
	"testing"
)

// TestHealthcheck asks a running serve: its address comes from
// ONEROSTER_ADDR, as in the container image, or from the URL given.
func TestHealthcheck(t *testing.T) {
	addr, stop := startServe(t, "--db", newDB(t), "--addr", "127.0.0.1:0")
	t.Setenv("ONEROSTER_ADDR", addr)
	if r := run(t, "healthcheck"); r.code != 0 || !strings.Contains(r.stdout, "http://"+addr+"/healthz: 200") {
		t.Errorf("healthcheck: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "healthcheck", "http://"+addr+"/readyz"); r.code != 0 {
		t.Errorf("healthcheck /readyz: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "healthcheck", "http://"+addr+"/nothing"); r.code != 1 || !strings.Contains(r.stderr, "404") {
		t.Errorf("healthcheck of a 404: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	stop()
	if r := run(t, "healthcheck", "--timeout", "2s"); r.code != 1 || !strings.Contains(r.stderr, addr) {
		t.Errorf("healthcheck of a stopped serve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Setenv("ONEROSTER_ADDR", "0.0.0.0:1")
	if r := run(t, "healthcheck", "--timeout", "2s"); r.code != 1 || !strings.Contains(r.stderr, "http://127.0.0.1:1/healthz") {
		t.Errorf("healthcheck of 0.0.0.0: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
