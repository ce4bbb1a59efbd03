package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddr: X-Forwarded-For is read only behind a trusted peer,
// from the right, skipping trusted proxies; what the client wrote left
// of its own address is never believed.
func TestClientAddr(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}}
	for _, c := range []struct{ peer, xff, want string }{
		{"203.0.113.9:5000", "", "203.0.113.9"},
		{"203.0.113.9:5000", "198.51.100.1", "203.0.113.9"}, // untrusted peer: header ignored
		{"10.0.0.2:5000", "", "10.0.0.2"},
		{"10.0.0.2:5000", "198.51.100.1", "198.51.100.1"},
		{"10.0.0.2:5000", "6.6.6.6, 198.51.100.1", "198.51.100.1"},           // forged entry left of the client
		{"10.0.0.2:5000", "6.6.6.6, 198.51.100.1, 10.1.1.1", "198.51.100.1"}, // two trusted hops
		{"10.0.0.2:5000", "198.51.100.1:4711", "198.51.100.1"},
		{"[fd00::2]:5000", "[2001:db8::7]:1", "2001:db8::7"},
		{"10.0.0.2:5000", "10.0.0.3, garbage", "10.0.0.2"},
		{"10.0.0.2:5000", "10.0.0.3", "10.0.0.3"}, // only proxies: the farthest one
		{"[::ffff:10.0.0.2]:5000", "198.51.100.1", "198.51.100.1"},
	} {
		r := httptest.NewRequest("POST", "/oauth/token", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}

// TestBaseURL: the scheme follows X-Forwarded-Proto only from a trusted
// peer; the host is the connection's local address unless Host names it.
func TestBaseURL(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	local := &net.TCPAddr{IP: net.ParseIP("192.0.2.5"), Port: 8080}
	loop := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8080}
	for _, c := range []struct {
		peer, host, proto string
		local             net.Addr
		want              string
	}{
		{"203.0.113.9:1", "attacker.example", "", local, "http://192.0.2.5:8080"},
		{"203.0.113.9:1", "192.0.2.5:8080", "", local, "http://192.0.2.5:8080"},
		{"203.0.113.9:1", "192.0.2.5:9999", "", local, "http://192.0.2.5:8080"},
		{"203.0.113.9:1", "192.0.2.5", "", local, "http://192.0.2.5:8080"},
		{"203.0.113.9:1", "localhost:8080", "", local, "http://192.0.2.5:8080"}, // not a loopback connection
		{"127.0.0.1:1", "LocalHost:8080", "", loop, "http://localhost:8080"},
		{"203.0.113.9:1", "192.0.2.5:8080", "https", local, "http://192.0.2.5:8080"}, // untrusted peer
		{"10.0.0.2:1", "attacker.example", "https", local, "https://192.0.2.5:8080"},
		{"10.0.0.2:1", "192.0.2.5:8080", "javascript", local, "http://192.0.2.5:8080"},
		{"10.0.0.2:1", "x", "https", nil, "https://localhost"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr, r.Host = c.peer, c.host
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.local != nil {
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, c.local))
		}
		if got := s.baseURL(r); got != c.want {
			t.Errorf("peer %s, Host %q, X-Forwarded-Proto %q: %s, want %s", c.peer, c.host, c.proto, got, c.want)
		}
	}
	s.cfg.PublicURL = "https://oneroster.example"
	if got := s.baseURL(httptest.NewRequest("GET", "/", nil)); got != s.cfg.PublicURL {
		t.Errorf("with PublicURL: %s", got)
	}
}
