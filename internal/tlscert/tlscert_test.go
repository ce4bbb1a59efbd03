package tlscert

import (
	"bytes"
	"crypto/x509"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/tlscert/certtest"
)

// TestReload: a changed pair is served after the interval, not before;
// a pair that does not load, or files that went away, keep the previous
// certificate and say so in the log.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := certtest.Write(t, certFile, keyFile, "first")
	var log bytes.Buffer
	r, err := Load(certFile, keyFile, 5*time.Second, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r.now = func() time.Time { return now }
	r.checked = now
	served := func() *x509.Certificate {
		t.Helper()
		c, err := r.GetCertificate(nil)
		if err != nil || c == nil || c.Leaf == nil {
			t.Fatalf("GetCertificate: %v, %v", c, err)
		}
		return c.Leaf
	}
	if served().SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Fatal("not the first certificate")
	}
	second := certtest.Write(t, certFile, keyFile, "second")
	now = now.Add(time.Second)
	if served().SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Error("the files were read again before the interval")
	}
	now = now.Add(5 * time.Second)
	if served().SerialNumber.Cmp(second.SerialNumber) != 0 {
		t.Error("the second certificate is not served after the interval")
	}
	if !strings.Contains(log.String(), "TLS certificate reloaded") {
		t.Errorf("log: %s", log.String())
	}

	// A new certificate with the key of another: the second stays.
	key, _ := os.ReadFile(keyFile)
	certtest.Write(t, certFile, keyFile, "third")
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Second)
	if served().SerialNumber.Cmp(second.SerialNumber) != 0 {
		t.Error("a mismatched pair replaced the certificate")
	}
	if !strings.Contains(log.String(), "do not load; serving the previous certificate") {
		t.Errorf("log: %s", log.String())
	}
	os.Remove(certFile)
	now = now.Add(10 * time.Second)
	if served().SerialNumber.Cmp(second.SerialNumber) != 0 {
		t.Error("a missing file replaced the certificate")
	}
	if !strings.Contains(log.String(), "unreadable") {
		t.Errorf("log: %s", log.String())
	}
	fourth := certtest.Write(t, certFile, keyFile, "fourth")
	now = now.Add(10 * time.Second)
	if served().SerialNumber.Cmp(fourth.SerialNumber) != 0 {
		t.Error("a good pair after a bad one is not served")
	}
}

// TestLoadRefusesABadPair: serve does not start without a certificate.
func TestLoadRefusesABadPair(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if _, err := Load(certFile, keyFile, time.Second, slog.Default()); err == nil || !strings.Contains(err.Error(), "cert.pem") {
		t.Errorf("missing files: %v", err)
	}
	certtest.Write(t, certFile, keyFile, "x")
	if err := os.WriteFile(keyFile, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(certFile, keyFile, time.Second, slog.Default()); err == nil {
		t.Error("a bad key loaded")
	}
}
