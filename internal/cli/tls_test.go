package cli_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/cli"
	"github.com/oneroster/oneroster/internal/tlscert/certtest"
)

// TestServeTLS: serve --tls-cert --tls-key answers over HTTPS with
// HTTP/2, and serves a new certificate written to the same files
// without a restart.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := certtest.Write(t, certFile, keyFile, "first")
	addr, stop := startServe(t, "--db", newDB(t), "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	pool := certtest.Pool(first)
	// get asks /healthz on a new connection (so a new handshake) and
	// returns the certificate the server presented.
	get := func() (*x509.Certificate, *http.Response) {
		t.Helper()
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		defer tr.CloseIdleConnections()
		res, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://" + addr + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.TLS.PeerCertificates[0], res
	}
	cert, res := get()
	if res.StatusCode != 200 || res.ProtoMajor != 2 || cert.SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Fatalf("first request: %s %s, certificate %s", res.Proto, res.Status, cert.Subject)
	}

	second := certtest.Write(t, certFile, keyFile, "second")
	pool.AddCert(second)
	deadline := time.Now().Add(15 * time.Second)
	for cert.SerialNumber.Cmp(second.SerialNumber) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the new certificate is not served after 15 s (still %s)", cert.Subject)
		}
		time.Sleep(200 * time.Millisecond)
		cert, res = get()
	}
	if res.StatusCode != 200 || res.ProtoMajor != 2 {
		t.Errorf("after the reload: %s %s", res.Proto, res.Status)
	}
	code, stderr := stop()
	if code != cli.ExitOK || !strings.Contains(stderr, "TLS certificate reloaded") || strings.Contains(stderr, "plain HTTP") {
		t.Errorf("serve exited %d:\n%s", code, stderr)
	}
}

// TestServeTLSFlags: the pair goes together and must load; a bad
// --trusted-proxy is refused before anything opens, from the
// environment too.
func TestServeTLSFlags(t *testing.T) {
	db := newDB(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if r := run(t, "serve", "--db", db, "--tls-cert", certFile); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "--tls-cert and --tls-key go together") {
		t.Errorf("--tls-cert alone: exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, "serve", "--db", db, "--tls-cert", certFile, "--tls-key", keyFile); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "cert.pem") {
		t.Errorf("missing files: exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, "serve", "--db", db, "--trusted-proxy", "10.0.0.0/8,proxy.example"); r.code != cli.ExitUsage || !strings.Contains(r.stderr, `"proxy.example" is not a CIDR range`) {
		t.Errorf("bad --trusted-proxy: exit %d: %s", r.code, r.stderr)
	}
	t.Setenv("ONEROSTER_TRUSTED_PROXY", "10.0.0.0/33")
	if r := run(t, "serve", "--db", db); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "ONEROSTER_TRUSTED_PROXY") {
		t.Errorf("bad ONEROSTER_TRUSTED_PROXY: exit %d: %s", r.code, r.stderr)
	}
}

// TestServePlainHTTPWarning: plain HTTP on an address other machines can
// reach is warned about at start, unless TLS is on or a trusted proxy
// (which terminates TLS) is named; on the loopback it is not.
func TestServePlainHTTPWarning(t *testing.T) {
	db := newDB(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	certtest.Write(t, certFile, keyFile, "x")
	for _, c := range []struct {
		args []string
		warn string
	}{
		{[]string{"--addr", "127.0.0.1:0"}, ""},
		{[]string{"--addr", "0.0.0.0:0"}, "serving plain HTTP on a non-loopback address"},
		{[]string{"--addr", "0.0.0.0:0", "--tls-cert", certFile, "--tls-key", keyFile}, ""},
		{[]string{"--addr", "0.0.0.0:0", "--trusted-proxy", "127.0.0.1"}, "--trusted-proxy without --public-url"},
		{[]string{"--addr", "0.0.0.0:0", "--trusted-proxy", "127.0.0.1", "--public-url", "https://or.example"}, ""},
	} {
		addr, stop := startServe(t, append([]string{"--db", db}, c.args...)...)
		_, port, _ := net.SplitHostPort(addr)
		scheme := "http"
		if strings.Contains(strings.Join(c.args, " "), "--tls-cert") {
			scheme = "https"
		}
		tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
		if res, err := (&http.Client{Transport: tr}).Get(scheme + "://127.0.0.1:" + port + "/healthz"); err != nil {
			t.Errorf("%v: %v", c.args, err)
		} else {
			res.Body.Close()
		}
		tr.CloseIdleConnections()
		_, stderr := stop()
		warned := strings.Contains(stderr, "level=WARN")
		if c.warn == "" && warned || c.warn != "" && !strings.Contains(stderr, c.warn) {
			t.Errorf("%v: stderr\n%s", c.args, stderr)
		}
	}
}
