package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/tlscert/certtest"
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

// TestHealthcheckTLS: with ONEROSTER_TLS_CERT, as serve has it, the probe
// asks https and accepts exactly that certificate; --insecure accepts
// any; without either an unknown certificate fails.
func TestHealthcheckTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certtest.Write(t, certFile, keyFile, "serve")
	other := filepath.Join(dir, "other.pem")
	certtest.Write(t, other, filepath.Join(dir, "other-key.pem"), "other")
	addr, _ := startServe(t, "--db", newDB(t), "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	t.Setenv("ONEROSTER_ADDR", addr)
	t.Setenv("ONEROSTER_TLS_CERT", certFile)
	if r := run(t, "healthcheck"); r.code != 0 || !strings.Contains(r.stdout, "https://"+addr+"/healthz: 200") {
		t.Errorf("healthcheck: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "healthcheck", "--tls-cert", other); r.code != 1 || !strings.Contains(r.stderr, "not the one in "+other) {
		t.Errorf("healthcheck with another certificate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Setenv("ONEROSTER_TLS_CERT", "")
	if r := run(t, "healthcheck", "https://"+addr+"/readyz"); r.code != 1 || !strings.Contains(r.stderr, "certificate") {
		t.Errorf("healthcheck of an unknown certificate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "healthcheck", "--insecure", "https://"+addr+"/readyz"); r.code != 0 {
		t.Errorf("healthcheck --insecure: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
