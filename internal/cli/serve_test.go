package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/cli"
)

// TestServeAnswersMalformedRequestsInJSON runs serve on a free port: a
// request net/http refuses before any handler runs is answered in the
// OneRoster error shape, which only the API's listener gives.
func TestServeAnswersMalformedRequestsInJSON(t *testing.T) {
	addr, stop := startServe(t, "--db", newDB(t), "--addr", "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET /ims/oneroster/rostering/v1p2/users/% HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("HTTP/1.1 400 Bad Request\r\n")) || !bytes.Contains(b, []byte("\r\nContent-Type: application/json\r\n")) ||
		!bytes.Contains(b, []byte(`"imsx_codeMinorFieldValue":"invaliddata"`)) {
		t.Errorf("answer to a malformed request:\n%s", b)
	}
	if code, stderr := stop(); code != cli.ExitOK {
		t.Errorf("serve exited %d: %s", code, stderr)
	}
}

// newDB makes a SQLite database, as a first client registration does:
// serve refuses a path that names nothing.
func newDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "s.db")
	if r := run(t, "clients", "create", "--db", db, "--name", "t", "--scope", "roster.readonly"); r.code != 0 {
		t.Fatalf("clients create: %d %s", r.code, r.stderr)
	}
	return db
}

// startServe runs oneroster serve args until the test ends or stop is
// called, and returns the address it listens on, http or https (give it --addr
// 127.0.0.1:0 or ONEROSTER_ADDR). stop returns serve's exit code and
// what it wrote on stderr.
func startServe(t *testing.T, args ...string) (addr string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"serve"}, args...), stdout, &stderr)
		stdout.Close()
	}()
	code, stopped := 0, false
	stop = func() (int, string) {
		if !stopped {
			cancel()
			stopped = true
			code = <-done
		}
		return code, stderr.String()
	}
	t.Cleanup(func() { stop() })
	lines := bufio.NewReader(out)
	line, err := lines.ReadString('\n')
	go io.Copy(io.Discard, lines)
	_, rest, ok := strings.Cut(line, "://")
	addr, _, _ = strings.Cut(rest, "/")
	if err != nil || !ok {
		code, stderr := stop()
		t.Fatalf("serve printed %q (%v), exit %d: %s", line, err, code, stderr)
	}
	return addr, stop
}

// TestServeRequestLog: --log-format json (here from the environment)
// gives one JSON object a line on stderr, a request line per request;
// --log-level warn leaves the requests that went well out.
func TestServeRequestLog(t *testing.T) {
	db := newDB(t)
	t.Setenv("ONEROSTER_LOG_FORMAT", "json")
	addr, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0")
	for _, p := range []string{"/healthz", "/ims/oneroster/rostering/v1p2/users"} {
		res, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	code, stderr := stop()
	if code != cli.ExitOK {
		t.Fatalf("serve exited %d: %s", code, stderr)
	}
	var routes []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %v\n%s", err, l)
		}
		if m["msg"] == "request" {
			routes = append(routes, fmt.Sprint(m["route"], " ", m["status"]))
		}
	}
	if want := []string{"/healthz 200", "/ims/oneroster/rostering/v1p2/users 401"}; strings.Join(routes, ",") != strings.Join(want, ",") {
		t.Errorf("request lines %q, want %q\n%s", routes, want, stderr)
	}

	addr, stop = startServe(t, "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, stderr := stop(); strings.Contains(stderr, `"request"`) {
		t.Errorf("--log-level warn logged a request that went well:\n%s", stderr)
	}
}

// TestServeMetricsAddr: --metrics-addr serves /metrics in the Prometheus
// text format on an address of its own, counting the API's requests; the
// API's address has no /metrics.
func TestServeMetricsAddr(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := free.Addr().String()
	free.Close()
	addr, _ := startServe(t, "--db", newDB(t), "--addr", "127.0.0.1:0", "--metrics-addr", maddr)
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	get("http://" + addr + "/healthz")
	if s, _ := get("http://" + addr + "/metrics"); s != 404 {
		t.Errorf("/metrics on the API's address: %d", s)
	}
	s, body := get("http://" + maddr + "/metrics")
	if s != 200 || !strings.Contains(body, `oneroster_http_requests_total{client="",method="GET",route="/healthz",status="200"} 1`) {
		t.Errorf("/metrics: %d\n%s", s, body)
	}
}
