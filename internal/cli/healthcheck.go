package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck asks a running serve whether it is healthy: the probe a
// container image without curl can run (the Dockerfile's HEALTHCHECK).
func runHealthcheck(ctx context.Context, e *env, args []string) int {
	fs := e.flags("healthcheck", "[--timeout D] [URL]")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) > 1 {
		return usageErr(e, fs, fmt.Errorf("want at most one URL, got %d", len(pos)))
	}
	url := healthURL(e.getenv("ONEROSTER_ADDR"))
	if len(pos) == 1 {
		url = pos[0]
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usageErr(e, fs, fmt.Errorf("URL %q: %v", url, err))
	}
	res, err := http.DefaultClient.Do(req)
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

// healthURL is the /healthz URL of a serve listening on addr (the value
// of ONEROSTER_ADDR, which a container sets for both), asked on the
// loopback when addr listens on every address; serve's default address
// when addr is empty or unreadable.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = "127.0.0.1", "8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}
