package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/logsink"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/tlscert"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := e.flags("serve", "[--db DSN] [--addr HOST:PORT] [--public-url URL] [--max-limit N] [--token-ttl D] [--rate-limit R] [--rate-burst B] [--cache-mb M] [--db-timeout D] [--log-format text|json] [--log-level L] [--metrics-addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--trusted-proxy CIDR,…]\n\n"+
		"Every flag may also come from the environment variable named beside it; a flag on the command line wins.")
	db := e.dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	public := fs.String("public-url", "", "scheme://host[:port] used in href and Link URLs (default: the address each connection arrived at)")
	maxLimit := fs.Int("max-limit", 10000, "largest page size; a larger limit is clamped")
	ttl := fs.Duration("token-ttl", time.Hour, "lifetime of access tokens")
	rateLimit := fs.Float64("rate-limit", 200, "API requests per second per client and process (negative: no limit)")
	rateBurst := fs.Int("rate-burst", 0, "burst size of the rate limit (default: twice the rate)")
	cacheMB := fs.Int("cache-mb", 64, "memory for rendered objects, kept while no write happens (0: no cache at all, neither objects nor totals and page ids)")
	dbTimeout := fs.Duration("db-timeout", httpapi.DefaultDBTimeout, "budget of each request's database work; a request over it is stopped and answered 503 server_busy (negative: none)")
	metricsAddr := fs.String("metrics-addr", "", "serve GET /metrics (Prometheus) on this address of its own (default: no metrics)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS and HTTP/2 with this PEM certificate `FILE` (leaf first, then intermediates); read again when it changes")
	tlsKey := fs.String("tls-key", "", "the PEM private key `FILE` of --tls-cert; read again when it changes")
	proxies := &prefixList{}
	fs.Var(proxies, "trusted-proxy", "believe X-Forwarded-For and X-Forwarded-Proto only from peers in these `CIDR` ranges or addresses, comma-separated (the flag may be repeated)")
	logger := logFlags(fs)
	nameEnv(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 0 {
		return usageErr(e, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if err := e.flagsFromEnv(fs); err != nil {
		fmt.Fprintf(e.stderr, "oneroster serve: %v (see oneroster serve --help)\n", err)
		return ExitUsage
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usageErr(e, fs, errors.New("--tls-cert and --tls-key go together"))
	}
	// Request lines are buffered (a write(2) each costs a tenth of a
	// small answer) and go out every logsink.FlushEvery; warnings and
	// errors at once.
	sink := logsink.New(e.stderr)
	defer sink.Close()
	log := logger(sink)
	var tlsCfg *tls.Config
	if *tlsCert != "" {
		certs, err := tlscert.Load(*tlsCert, *tlsKey, certCheckInterval, log)
		if err != nil {
			fmt.Fprintf(e.stderr, "oneroster serve: --tls-cert %s, --tls-key %s: %v\n", *tlsCert, *tlsKey, err)
			return ExitRejected
		}
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: certs.GetCertificate}
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return storeErr(e, "serve", err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster serve: %v\n", err)
		return ExitRejected
	}
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			ln.Close()
			fmt.Fprintf(e.stderr, "oneroster serve: --metrics-addr: %v\n", err)
			return ExitRejected
		}
	}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
	}
	fmt.Fprintf(e.stdout, "serving OneRoster 1.2 on %s://%s%s\n", scheme, ln.Addr(), "/ims/oneroster/rostering/v1p2")
	if metricsLn != nil {
		fmt.Fprintf(e.stdout, "serving metrics on http://%s/metrics\n", metricsLn.Addr())
	}
	if tlsCfg == nil && !loopback(ln.Addr()) && len(*proxies) == 0 {
		log.Warn("serving plain HTTP on a non-loopback address: secrets, tokens and data cross the network unencrypted. "+
			"Give --tls-cert and --tls-key, or serve behind a reverse proxy that terminates TLS (and name it with --trusted-proxy, which silences this warning)",
			slog.String("addr", ln.Addr().String()))
	}
	if len(*proxies) > 0 && *public == "" {
		log.Warn("--trusted-proxy without --public-url: URLs in responses name this server's own address, not the public one of the proxy; set --public-url")
	}
	if c, ok := st.(interface{ CacheResults(bool) }); ok && *cacheMB <= 0 {
		c.CacheResults(false)
	}
	return serve(ctx, e, st, ln, metricsLn, tlsCfg, httpapi.Config{PublicURL: *public, MaxLimit: *maxLimit, TrustedProxies: *proxies,
		Auth: auth.New(st, auth.Config{TokenTTL: *ttl}), RateLimit: *rateLimit, RateBurst: *rateBurst, CacheBytes: cacheBytes(*cacheMB), DBTimeout: *dbTimeout,
		Logger: log})
}

// certCheckInterval is how often, at most, serve looks whether the
// certificate files changed (two stats, on a handshake).
const certCheckInterval = 2 * time.Second

// loopback reports whether addr is a loopback address: one only this
// machine can reach, where plain HTTP is no risk.
func loopback(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// prefixList is the value of --trusted-proxy: CIDR ranges, or single
// addresses, comma- or space-separated; a repeated flag adds to it.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	var parts []string
	for _, p := range *l {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, ",")
}

func (l *prefixList) Set(v string) error {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return fmt.Errorf("%q is not a CIDR range (10.0.0.0/8) or an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		*l = append(*l, p.Masked())
	}
	return nil
}

func (l *prefixList) Kind() string {
	return "CIDR ranges or addresses, comma-separated, such as 10.0.0.0/8,192.0.2.7"
}

// serve runs the HTTP server on ln (HTTPS with tlsCfg) until ctx is
// cancelled, then drains it; with metricsLn, it serves GET /metrics there too. Without cfg.Logger it
// logs as text on stderr.
func serve(ctx context.Context, e *env, st store.Store, ln, metricsLn net.Listener, tlsCfg *tls.Config, cfg httpapi.Config) int {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	api := httpapi.New(st, cfg)
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 2)
	// The API's listener makes net/http's own error answers JSON; with
	// TLS, TLSListener does that and leaves HTTP/2 to net/http (which is
	// why srv has no TLSConfig: net/http then sets HTTP/2 up).
	served := api.Listener(ln)
	if tlsCfg != nil {
		served = api.TLSListener(ln, tlsCfg)
	}
	go func() { errc <- srv.Serve(served) }()
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
		go func() { errc <- msrv.Serve(metricsLn) }()
		defer msrv.Close()
	}
	select {
	case err := <-errc:
		fmt.Fprintf(e.stderr, "oneroster serve: %v\n", err)
		return ExitRejected
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "oneroster serve: shutdown: %v\n", err)
	}
	if err := api.FlushUsage(shutdown); err != nil {
		fmt.Fprintf(e.stderr, "oneroster serve: the last usage figures were not saved: %v\n", err)
	}
	return ExitOK
}

// cacheBytes turns --cache-mb into Config.CacheBytes (negative: off).
func cacheBytes(mb int) int {
	if mb <= 0 {
		return -1
	}
	return mb << 20
}
