package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// runHealthcheck asks a running serve whether it is healthy: the probe a
// container image without curl can run (the Dockerfile's HEALTHCHECK).
func runHealthcheck(ctx context.Context, e *env, args []string) int {
	fs := e.flags("healthcheck", "[--timeout D] [--tls-cert FILE | --insecure] [URL]")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	certFile := fs.String("tls-cert", e.getenv("ONEROSTER_TLS_CERT"), "over https, accept exactly the certificate in this file, whatever names it holds (default: $ONEROSTER_TLS_CERT, serve's)")
	insecure := fs.Bool("insecure", false, "over https, accept any certificate")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) > 1 {
		return usageErr(e, fs, fmt.Errorf("want at most one URL, got %d", len(pos)))
	}
	url := healthURL(e.getenv("ONEROSTER_ADDR"), *certFile != "")
	if len(pos) == 1 {
		url = pos[0]
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageErr(e, fs, fmt.Errorf("URL %q: %v", url, err))
	}
	client := http.DefaultClient
	if req.URL.Scheme == "https" && (*insecure || *certFile != "") {
		cfg := &tls.Config{InsecureSkipVerify: true}
		if !*insecure {
			if cfg.VerifyConnection, err = pinned(*certFile); err != nil {
				fmt.Fprintf(e.stderr, "oneroster healthcheck: --tls-cert: %v\n", err)
				return ExitRejected
			}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = cfg
		client = &http.Client{Transport: tr}
	}
	res, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster healthcheck: %s: %v\n", url, err)
		return ExitRejected
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusOK {
		var h struct{ Reason string }
		reason := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &h) == nil && h.Reason != "" {
			reason = h.Reason
		}
		fmt.Fprintf(e.stderr, "oneroster healthcheck: %s: %s: %s\n", url, res.Status, reason)
		return ExitRejected
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", url, res.Status)
	return ExitOK
}

// pinned checks that a server presents the certificate in file (the
// first of the file, the leaf): the probe asks its own serve by address,
// which a certificate for the public name does not hold, so names are
// not checked; the certificate itself is.
func pinned(file string) (func(tls.ConnectionState) error, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, block.Bytes) {
			return fmt.Errorf("the server's certificate is not the one in %s", file)
		}
		return nil
	}, nil
}

// healthURL is the /healthz URL of a serve listening on addr (the value
// of ONEROSTER_ADDR, which a container sets for both), asked on the
// loopback when addr listens on every address; serve's default address
// when addr is empty or unreadable; https when serve has a certificate
// (the probe is given ONEROSTER_TLS_CERT, as serve is).
func healthURL(addr string, https bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "127.0.0.1", "8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port) + "/healthz"
}
