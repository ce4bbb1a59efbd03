package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// The request headers a client controls must not decide what a response
// says about the server: which host its URLs name (a forged Host would
// put another site into hrefs, Link and the discovery document's token
// URL, and vary the discovery cache's key), or which address the token
// endpoint's lockout counts failures under (X-Forwarded-For). So:
//
//   - Config.PublicURL, when set, is the prefix of every URL, whatever
//     the request says.
//   - Without it, the host is the address the connection arrived at
//     (one of the server's own), or the Host header only when it names
//     that same address (as an IP or, on a loopback connection,
//     "localhost"): never a host chosen by the client.
//   - X-Forwarded-Proto and X-Forwarded-For are believed only when the
//     direct peer is in Config.TrustedProxies; X-Forwarded-Host never is
//     (a proxy passes on whatever Host its client sent; --public-url says
//     what the public name is).

// baseURL is the scheme://host prefix of absolute URLs in a response.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := s.scheme(r)
	return scheme + "://" + ownHost(r, scheme)
}

// scheme is the scheme the client used: https on a TLS connection, or
// what a trusted proxy says in X-Forwarded-Proto (the value of the
// nearest one, the last, when several were appended).
func (s *Server) scheme(r *http.Request) string {
	if s.trusted(peerAddr(r)) {
		if vs := r.Header.Values("X-Forwarded-Proto"); len(vs) > 0 {
			list := strings.Split(vs[len(vs)-1], ",")
			switch p := strings.ToLower(strings.TrimSpace(list[len(list)-1])); p {
			case "http", "https":
				return p
			}
		}
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// ownHost is the host[:port] of URLs without a public URL: the Host
// header when it names the local address of the connection, else that
// address. A request that came through no listener (a test calling
// ServeHTTP) has no local address and gets "localhost".
func ownHost(r *http.Request, scheme string) string {
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if local == nil {
		return "localhost"
	}
	ap, err := netip.ParseAddrPort(local.String())
	if err != nil {
		return "localhost"
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap().WithZone(""), ap.Port())
	host, port := r.Host, ""
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		host, port = h, p
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		port = "80"
		if scheme == "https" {
			port = "443"
		}
	}
	if port != strconv.Itoa(int(ap.Port())) {
		return ap.String()
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap() == ap.Addr() {
		return r.Host
	}
	if strings.EqualFold(host, "localhost") && ap.Addr().IsLoopback() {
		return strings.ToLower(r.Host)
	}
	return ap.String()
}

// peerAddr is the IP address of the direct peer (invalid when
// RemoteAddr is not ip:port, as in a request that came through no
// listener).
func peerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (s *Server) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the address of the client, for the token endpoint's
// lockout: the direct peer, unless it is a trusted proxy; then the
// X-Forwarded-For entries are read from the right (the one the nearest
// proxy appended) to the left, skipping trusted proxies, and the first
// address that is not one is the client. What lies left of it was
// written by the client, or by proxies nobody vouches for, and is not
// read. An entry that is not an address ends the walk at the proxy that
// passed it on.
func (s *Server) clientAddr(r *http.Request) string {
	addr := peerAddr(r)
	if !addr.IsValid() {
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			return host
		}
		return r.RemoteAddr
	}
	if !s.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0 && s.trusted(addr); i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break
		}
		addr = hop
	}
	return addr.String()
}

// parseHop reads one X-Forwarded-For entry: an IP address, or ip:port
// as some proxies write it.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
