package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// handshakeTimeout bounds a TLS handshake (serve's ReadHeaderTimeout is
// the same: a client gets this long to start talking).
const handshakeTimeout = 10 * time.Second

// TLSListener serves TLS with cfg on ln, for http.Server.Serve (not
// ServeTLS, and with no Server.TLSConfig, so that net/http sets HTTP/2
// up for the connections that ask for it).
//
// Why not tls.NewListener wrapped in Listener: net/http treats a
// connection as TLS only when it is a *tls.Conn, and the wrapper that
// makes its own error answers JSON (frontConn) is not one. So the
// handshake happens here, in a goroutine per connection (never in
// Accept: a slow client would stall every other), and what it
// negotiated decides what net/http gets: an HTTP/2 connection as the
// bare *tls.Conn (HTTP/2 answers malformed requests in frames of its
// own, not with the bytes frontConn rewrites), an HTTP/1.1 one wrapped,
// with ConnectionState forwarded, so that requests still have r.TLS.
func (s *Server) TLSListener(ln net.Listener, cfg *tls.Config) net.Listener {
	cfg = cfg.Clone()
	for _, p := range []string{"h2", "http/1.1"} {
		if !slices.Contains(cfg.NextProtos, p) {
			cfg.NextProtos = append(cfg.NextProtos, p)
		}
	}
	l := &tlsListener{Listener: ln, cfg: cfg, s: s, ready: make(chan accepted), done: make(chan struct{})}
	go l.acceptLoop()
	return l
}

type tlsListener struct {
	net.Listener
	cfg   *tls.Config
	s     *Server
	ready chan accepted
	done  chan struct{}
	once  sync.Once
}

type accepted struct {
	c   net.Conn
	err error
}

func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case a := <-l.ready:
		return a.c, a.err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *tlsListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// acceptLoop hands every error of the TCP listener to Accept: Serve
// retries after a temporary one (backing off, while this loop waits for
// it to take the error), and returns on any other, closing the listener.
func (l *tlsListener) acceptLoop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case l.ready <- accepted{err: err}:
			case <-l.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go l.handshake(c)
	}
}

func (l *tlsListener) handshake(c net.Conn) {
	tc := tls.Server(c, l.cfg)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader[:]) {
			// Plain HTTP sent to the TLS port: say so, in the same
			// shape as every other answer.
			re.Conn.SetWriteDeadline(time.Now().Add(handshakeTimeout))
			re.Conn.Write(l.s.frontError(http.StatusBadRequest, "this address serves HTTPS: send the request over TLS (https://)"))
		}
		l.s.log.Debug("TLS handshake failed", slog.String("remote", c.RemoteAddr().String()), slog.Any("err", err))
		c.Close()
		return
	}
	var conn net.Conn = tc
	if tc.ConnectionState().NegotiatedProtocol != "h2" {
		conn = &tlsFrontConn{frontConn{Conn: tc, s: l.s}}
	}
	select {
	case l.ready <- accepted{c: conn}:
	case <-l.done:
		c.Close()
	}
}

// looksLikeHTTP reports whether the first bytes of a connection are an
// HTTP request line rather than a TLS record.
func looksLikeHTTP(hdr []byte) bool {
	for _, m := range []string{"GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "CONNE", "TRACE"} {
		if bytes.HasPrefix(hdr, []byte(m)) {
			return true
		}
	}
	return false
}

// tlsFrontConn is a frontConn over TLS. net/http reads ConnectionState
// of a connection that is not a *tls.Conn into r.TLS.
type tlsFrontConn struct{ frontConn }

func (c *tlsFrontConn) ConnectionState() tls.ConnectionState {
	return c.Conn.(*tls.Conn).ConnectionState()
}
