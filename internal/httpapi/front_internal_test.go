package httpapi

import (
	"strings"
	"testing"
)

// TestNetHTTPError: the recogniser takes net/http's own error answers (the
// exact forms of net/http/server.go, which TestNetHTTPErrorsAreJSON sees
// on the wire) and nothing that merely resembles them.
func TestNetHTTPError(t *testing.T) {
	const h = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	for _, tc := range []struct {
		write  string
		status int // 0: not one of net/http's answers
		desc   string
	}{
		{"HTTP/1.1 400 Bad Request" + h + "400 Bad Request", 400, "malformed request"},
		{"HTTP/1.1 431 Request Header Fields Too Large" + h + "431 Request Header Fields Too Large", 431, "larger than this server accepts"},
		{"HTTP/1.1 501 Not Implemented" + h + "Unsupported transfer encoding", 501, "Transfer-Encoding"},
		{"HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version" + h + "505 HTTP Version Not Supported: unsupported protocol version", 505, "send HTTP/1.1"},
		{"HTTP/1.1 400 Bad Request: invalid header name" + h + "400 Bad Request: invalid header name", 400, "bad request: invalid header name"},

		{"HTTP/1.1 200 OK" + h + "200 OK", 0, ""},
		{"HTTP/1.1 400 Bad Request\r\nDate: Thu, 03 Dec 2026 10:00:00 GMT" + h + "400 Bad Request", 0, ""},
		{"HTTP/1.1 400 Bad Request" + h + "bad", 0, ""},
		{"HTTP/1.1 400 Bad Request" + h + "400 Bad Request\n", 0, ""},
		{"HTTP/1.1 400 Bad Request" + h + "400 Bad Request" + "HTTP/1.1 400 Bad Request" + h + "400 Bad Request", 0, ""},
		{"HTTP/1.0 400 Bad Request" + h + "400 Bad Request", 0, ""},
		{"HTTP/1.1 400 Bad Thing" + h + "400 Bad Thing", 0, ""},
		{"HTTP/1.1 400 Bad Request" + h + "Unsupported transfer encoding", 0, ""},
		{"HTTP/1.1 4000 Bad Request" + h + "4000 Bad Request", 0, ""},
		{`{"x":1}` + "HTTP/1.1 400 Bad Request" + h + "400 Bad Request", 0, ""},
		{"HTTP/1.1 400 Bad Request" + h[:len(h)-2], 0, ""},
	} {
		status, desc, ok := netHTTPError([]byte(tc.write))
		if ok != (tc.status != 0) || status != tc.status || !strings.Contains(desc, tc.desc) {
			t.Errorf("%q: %d %q %v, want %d %q", tc.write, status, desc, ok, tc.status, tc.desc)
		}
	}
}
