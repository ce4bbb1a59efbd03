package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/logsink"
	"github.com/oneroster/oneroster/internal/store"
)

func runServe(ctx context.Context, e *env, args []string) int {
	fs := e.flags("serve", "[--db DSN] [--addr HOST:PORT] [--public-url URL] [--max-limit N] [--token-ttl D] [--rate-limit R] [--rate-burst B] [--cache-mb M] [--db-timeout D] [--log-format text|json] [--log-level L] [--metrics-addr HOST:PORT]\n\n"+
		"Every flag may also come from the environment variable named beside it; a flag on the command line wins.")
	db := e.dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	public := fs.String("public-url", "", "scheme://host[:port] used in href and Link URLs (default: from each request's Host)")
	maxLimit := fs.Int("max-limit", 10000, "largest page size; a larger limit is clamped")
	ttl := fs.Duration("token-ttl", time.Hour, "lifetime of access tokens")
	rateLimit := fs.Float64("rate-limit", 200, "API requests per second per client and process (negative: no limit)")
	rateBurst := fs.Int("rate-burst", 0, "burst size of the rate limit (default: twice the rate)")
	cacheMB := fs.Int("cache-mb", 64, "memory for rendered objects, kept while no write happens (0: no cache)")
	dbTimeout := fs.Duration("db-timeout", httpapi.DefaultDBTimeout, "budget of each request's database work; a request over it is stopped and answered 503 server_busy (negative: none)")
	metricsAddr := fs.String("metrics-addr", "", "serve GET /metrics (Prometheus) on this address of its own (default: no metrics)")
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
	fmt.Fprintf(e.stdout, "serving OneRoster 1.2 on http://%s%s\n", ln.Addr(), "/ims/oneroster/rostering/v1p2")
	if metricsLn != nil {
		fmt.Fprintf(e.stdout, "serving metrics on http://%s/metrics\n", metricsLn.Addr())
	}
	// Request lines are buffered (a write(2) each costs a tenth of a
	// small answer) and go out every logsink.FlushEvery; warnings and
	// errors at once.
	sink := logsink.New(e.stderr)
	defer sink.Close()
	return serve(ctx, e, st, ln, metricsLn, httpapi.Config{PublicURL: *public, MaxLimit: *maxLimit,
		Auth: auth.New(st, auth.Config{TokenTTL: *ttl}), RateLimit: *rateLimit, RateBurst: *rateBurst, CacheBytes: cacheBytes(*cacheMB), DBTimeout: *dbTimeout,
		Logger: logger(sink)})
}

// serve runs the HTTP server on ln until ctx is cancelled, then drains it;
// with metricsLn, it serves GET /metrics there too. Without cfg.Logger it
// logs as text on stderr.
func serve(ctx context.Context, e *env, st store.Store, ln, metricsLn net.Listener, cfg httpapi.Config) int {
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
	// TLS it must wrap the TLS listener (see httpapi.Server.Listener).
	go func() { errc <- srv.Serve(api.Listener(ln)) }()
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
