package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// newClient is an HTTP client keeping conns connections to one host.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			Proxy:               nil, // loopback only: never through a proxy
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// loadResult is one load scenario's outcome.
type loadResult struct {
	N        int // requests completed
	Errors   int // requests that failed or answered with a wrong status
	FirstErr string
	Elapsed  time.Duration
	RPS      float64
	P50, P99 time.Duration
}

// requestFunc makes the i-th request of a scenario.
type requestFunc func(ctx context.Context, i int) (*http.Request, error)

// runLoad sends requests from conns workers until dur has passed or max
// requests were started, whichever comes first, after a short untimed
// warm-up. Each request's latency is recorded; a request that fails or
// does not answer with want counts as an error.
func runLoad(ctx context.Context, client *http.Client, conns int, dur time.Duration, max int, want int, mk requestFunc) loadResult {
	do := func(ctx context.Context, i int) error {
		req, err := mk(ctx, i)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s: status %d, want %d", req.Method, req.URL.Path, resp.StatusCode, want)
		}
		return nil
	}
	// Warm-up: open the connections and fill caches.
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			do(ctx, w)
		}(w)
	}
	wg.Wait()

	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var next atomic.Int64
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var firstErr atomic.Value
	start := time.Now()
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= max {
					return
				}
				t0 := time.Now()
				err := do(ctx, conns+i)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
						return // cut off by the time bound: not an error, not a sample
					}
					errs[w]++
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat[w] = append(lat[w], d)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	r := loadResult{Elapsed: elapsed}
	for w := range lat {
		all = append(all, lat[w]...)
		r.Errors += errs[w]
	}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstErr = s
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r.N = len(all)
	if r.N > 0 {
		r.P50 = all[(r.N-1)*50/100]
		r.P99 = all[(r.N-1)*99/100]
		r.RPS = float64(r.N) / elapsed.Seconds()
	}
	return r
}

// ceiling is a minimal net/http server answering every request with the
// same bytes from memory: the ceiling of what HTTP over loopback allows
// for a response of that size.
type ceiling struct {
	srv *http.Server
	URL string
}

func startCeiling(status int, header http.Header, body []byte) (*ceiling, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(body)
	})
	c := &ceiling{srv: &http.Server{Handler: h}, URL: "http://" + ln.Addr().String()}
	go c.srv.Serve(ln)
	return c, nil
}

func (c *ceiling) Close() { c.srv.Close() }

// api calls a running oneroster serve with a bearer token.
type api struct {
	base   string // http://127.0.0.1:PORT
	token  string
	client *http.Client
	// gzip asks for gzip-compressed answers (the client's transport does
	// not, so that bytes on the wire are what the bench counts); get
	// decompresses them and adds the bytes received to wire.
	gzip bool
	wire int64
}

// withBase is a copy of a calling the server at base (another serve on
// the same database, which knows the same token).
func (a *api) withBase(base string) *api {
	b := *a
	b.base, b.wire = base, 0
	return &b
}

// withGzip is a copy of a asking for gzip, with its own byte count.
func (a *api) withGzip() *api {
	b := *a
	b.gzip, b.wire = true, 0
	return &b
}

const (
	rostering = "/ims/oneroster/rostering/v1p2"
	gradebook = "/ims/oneroster/gradebook/v1p2"
)

func (a *api) request(ctx context.Context, method, pathAndQuery string, body []byte) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+pathAndQuery, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if a.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// get fetches one URL (a path, or an absolute URL from a Link header) and
// insists on 200.
func (a *api) get(ctx context.Context, pathOrURL string) (*http.Response, []byte, error) {
	if strings.HasPrefix(pathOrURL, a.base) {
		pathOrURL = strings.TrimPrefix(pathOrURL, a.base)
	} else if strings.HasPrefix(pathOrURL, "http") {
		return nil, nil, fmt.Errorf("refusing to leave %s: %s", a.base, pathOrURL)
	}
	req, err := a.request(ctx, "GET", pathOrURL, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	a.wire += int64(len(b))
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, nil, fmt.Errorf("GET %s: %w", pathOrURL, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, nil, fmt.Errorf("GET %s: %w", pathOrURL, err)
		}
	}
	if resp.StatusCode != 200 {
		return resp, b, fmt.Errorf("GET %s: status %d: %s", pathOrURL, resp.StatusCode, tail(b))
	}
	return resp, b, nil
}

// nextLink is the rel="next" URL of a Link header, or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			u, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if ok && strings.Contains(params, `rel="next"`) {
				return strings.Trim(strings.TrimSpace(u), "<>")
			}
		}
	}
	return ""
}

// q builds a query string.
func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}
