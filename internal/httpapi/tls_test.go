package httpapi_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/tlscert/certtest"
)

// TestTLSListener: through TLSListener, a client that offers HTTP/2
// gets it, one that speaks HTTP/1.1 gets net/http's own error answers
// as JSON still, both see https in the URLs (r.TLS is set either way),
// and plain HTTP sent to the port is answered in JSON too.
func TestTLSListener(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	cert := certtest.Write(t, certFile, keyFile, "test")
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f.api, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(f.api.TLSListener(ln, &tls.Config{Certificates: []tls.Certificate{pair}}))
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()
	clientTLS := &tls.Config{RootCAs: certtest.Pool(cert)}

	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: clientTLS.Clone(), ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // HTTP/1.1 only
		}
		c := &http.Client{Transport: tr}
		req, _ := http.NewRequest("GET", "https://"+addr+rosteringBase+"/users?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+f.token)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if want := map[bool]int{true: 2, false: 1}[h2]; res.ProtoMajor != want || res.StatusCode != 200 {
			t.Errorf("h2 %v: %s %s", h2, res.Proto, res.Status)
		}
		if link := res.Header.Get("Link"); !strings.HasPrefix(link, "<https://"+addr+"/") {
			t.Errorf("h2 %v: Link %s", h2, link)
		}
		tr.CloseIdleConnections()
	}

	// A request line net/http refuses itself, over TLS with HTTP/1.1.
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: certtest.Pool(cert), NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /ims/oneroster/rostering/v1p2/users/% HTTP/1.1\r\nHost: x\r\n\r\n")
	b, _ := io.ReadAll(c)
	c.Close()
	if !bytes.HasPrefix(b, []byte("HTTP/1.1 400 Bad Request\r\n")) || !bytes.Contains(b, []byte(`"imsx_codeMinorFieldValue":"invaliddata"`)) {
		t.Errorf("malformed request over TLS:\n%s", b)
	}

	// Plain HTTP to the TLS port.
	b = exchange(t, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if !bytes.HasPrefix(b, []byte("HTTP/1.1 400 Bad Request\r\n")) || !bytes.Contains(b, []byte("serves HTTPS")) {
		t.Errorf("plain HTTP to the TLS port:\n%s", b)
	}
}
