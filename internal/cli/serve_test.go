package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
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
// called, and returns the address it listens on (give it --addr
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
	_, rest, ok := strings.Cut(line, "http://")
	addr, _, _ = strings.Cut(rest, "/")
	if err != nil || !ok {
		code, stderr := stop()
		t.Fatalf("serve printed %q (%v), exit %d: %s", line, err, code, stderr)
	}
	return addr, stop
}
