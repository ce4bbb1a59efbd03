package httpapi

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// The front of the server: what a request goes through before the mux
// routes it.

// frontPath rewrites an escaped request path into the one form the mux
// routes without answering a redirect (an HTML body no OneRoster consumer
// expects): empty segments go, so a trailing or doubled slash answers as
// the clean path, and "." and ".." segments are sent escaped, so the mux
// does not clean them away. They are sourcedIds, not directions: "." and
// ".." are valid ids in the CSV binding, and no path of this API is meant
// to be resolved against another. It reports whether the path changed.
func frontPath(escaped string) (string, bool) {
	if escaped == "" { // a CONNECT request's authority form
		return "/", true
	}
	if !strings.Contains(escaped, "//") && !strings.Contains(escaped, "/.") &&
		(escaped == "/" || !strings.HasSuffix(escaped, "/")) {
		return escaped, false
	}
	var b strings.Builder
	b.Grow(len(escaped) + 8)
	for seg := range strings.SplitSeq(escaped, "/") {
		switch seg {
		case "":
			continue
		case ".":
			seg = "%2E"
		case "..":
			seg = "%2E%2E"
		}
		b.WriteByte('/')
		b.WriteString(seg)
	}
	if b.Len() == 0 {
		return "/", true
	}
	return b.String(), b.String() != escaped
}

// withFrontPath returns r with its URL's path in the form of frontPath,
// or r itself when it already is. Path and RawPath change together, so
// that EscapedPath gives the new form (and the mux matches it) and the
// wildcards get the unescaped segments.
func withFrontPath(r *http.Request) *http.Request {
	p, changed := frontPath(r.URL.EscapedPath())
	if !changed {
		return r
	}
	unescaped, err := url.PathUnescape(p)
	if err != nil { // cannot happen: the server parsed the path
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path, r2.URL.RawPath = unescaped, p
	return r2
}

// Listener returns ln with one change to its connections: the error
// answers net/http writes itself, before any handler runs (400 for a
// request line or header it cannot parse, 431, 501, 505), say what they
// say as an imsx_StatusInfo body instead of plain text, so that every
// response of the server is JSON.
//
// The wrapper has to see the bytes net/http writes, in clear, so it goes
// between TLS and net/http, never below TLS: with TLS, use TLSListener,
// which wraps the connections that speak HTTP/1.1 after their handshake.
func (s *Server) Listener(ln net.Listener) net.Listener { return &frontListener{Listener: ln, s: s} }

type frontListener struct {
	net.Listener
	s *Server
}

func (l *frontListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &frontConn{Conn: c, s: l.s}, nil
}

type frontConn struct {
	net.Conn
	s *Server
}

// Write replaces net/http's own error answer, which it writes straight to
// the connection in one call, and passes every other write through.
func (c *frontConn) Write(b []byte) (int, error) {
	status, description, ok := netHTTPError(b)
	if !ok {
		return c.Conn.Write(b)
	}
	if _, err := c.Conn.Write(c.s.frontError(status, description)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// CloseWrite keeps net/http's lingering close after a 431 (it half-closes
// a connection that has it, so that the client reads the answer before
// the reset of its unread request bytes).
func (c *frontConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// netHTTPErrorHeaders are the headers of every error answer net/http
// writes before a handler runs (net/http/server.go, conn.serve): no Date,
// which every response through a ResponseWriter has, so that no response
// of a handler starts like one.
const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// netHTTPError recognises one of net/http's own error answers, written
// whole in b, and returns its status and a description for the client.
// The answer is "HTTP/1.1 <status line>" + netHTTPErrorHeaders + a body
// that repeats the status line, or says "Unsupported transfer encoding"
// for a 501.
func netHTTPError(b []byte) (status int, description string, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte("HTTP/1.1 "))
	if !ok {
		return 0, "", false
	}
	line, body, ok := bytes.Cut(rest, []byte(netHTTPErrorHeaders))
	if !ok || len(line) < 5 || line[3] != ' ' || bytes.ContainsAny(line, "\r\n") {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil || status < 400 || status > 599 {
		return 0, "", false
	}
	reason, detail, _ := strings.Cut(string(line[4:]), ": ")
	if reason != http.StatusText(status) {
		return 0, "", false
	}
	if !bytes.Equal(body, line) && !(status == http.StatusNotImplemented && string(body) == "Unsupported transfer encoding") {
		return 0, "", false
	}
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		description = "the request line and header fields are larger than this server accepts"
	case status == http.StatusNotImplemented:
		description = "the Transfer-Encoding of the request is not supported: send chunked, or a Content-Length"
	case status == http.StatusHTTPVersionNotSupported:
		description = "the HTTP version of the request is not supported: send HTTP/1.1"
	case detail != "":
		description = strings.ToLower(reason) + ": " + detail
	default:
		description = "malformed request: the request line or a header field cannot be parsed (a percent sign in the path that starts no escape, for one)"
	}
	return status, description, true
}

// frontError is a whole response with status and an imsx_StatusInfo body
// saying description, written by writeError. writeError gets a 400, which
// it does not log: net/http's answers are all to the client's faults
// (a 505 or 501 too), not failures of the server.
func (s *Server) frontError(status int, description string) []byte {
	w := &bufferedResponse{header: http.Header{}}
	r := &http.Request{URL: &url.URL{Path: "/"}}
	s.writeError(w, r, &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusBadRequest, Message: description})
	w.header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	w.header.Set("Connection", "close")
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	w.header.Write(&b)
	b.WriteString("\r\n")
	b.Write(w.body.Bytes())
	return b.Bytes()
}

// bufferedResponse keeps what a handler writes, for frontError.
type bufferedResponse struct {
	header http.Header
	body   bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header         { return w.header }
func (w *bufferedResponse) Write(b []byte) (int, error) { return w.body.Write(b) }
func (w *bufferedResponse) WriteHeader(int)             {}
