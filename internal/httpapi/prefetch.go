package httpapi

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// A bulk consumer reads a collection page after page (limit=10000,
// following Link next) and spends a while reading each page before it
// asks for the next; the server would sit idle meanwhile. So after a bulk
// page, the next one is read and rendered in the background and kept for
// a short while under the data version it was read at: if the consumer
// asks for it while that version is still current, it is served from
// memory. Access is checked on every request as usual; the body depends
// only on the route, its path and query, the public URL and the client's
// view, which the key holds.

const (
	maxPrefetched = 4                // pages held at once
	prefetchTTL   = 30 * time.Second // a page not asked for by then is dropped
)

type prefetched struct {
	done    chan struct{} // closed when the page is ready (or failed)
	at      time.Time
	version int64
	total   int
	body    []byte
	err     error
}

type prefetcher struct {
	mu sync.Mutex
	m  map[string]*prefetched
}

// take removes and returns the page prepared under key, if any.
func (p *prefetcher) take(key string) *prefetched {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.m[key]
	delete(p.m, key)
	return e
}

// start reserves key for a page about to be prepared; false when the page
// is already there or the prefetcher is full.
func (p *prefetcher) start(key string) (*prefetched, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for k, e := range p.m {
		if now.Sub(e.at) > prefetchTTL {
			delete(p.m, k)
		}
	}
	if _, ok := p.m[key]; ok || len(p.m) >= maxPrefetched {
		return nil, false
	}
	e := &prefetched{done: make(chan struct{}), at: now}
	p.m[key] = e
	return e, true
}

// pageKey names a bulk page: route, path, every query parameter (sorted
// by url.Values.Encode, offset and limit included) and the public URL.
func pageKey(rt *Route, u *url.URL, offset int, base, view string) string {
	q := u.Query()
	q.Set("offset", strconv.Itoa(offset))
	return rt.Method + " " + rt.Base + rt.Path + "\x00" + u.EscapedPath() + "?" + q.Encode() + "\x00" + base + "\x00" + view
}

// bulkPage returns the body and total of a page read directly (no object
// cache): from a prefetched copy when one is current, else read and
// rendered now. A page with a next one starts preparing it.
func (s *Server) bulkPage(ctx context.Context, rt *Route, sc []store.Subset, params query.Params, fields map[string]bool,
	base string, u *url.URL, view jsonbind.View) ([]byte, int, error) {
	prefetch := params.Limit > 1000
	if prefetch {
		if e := s.prefetch.take(pageKey(rt, u, params.Offset, base, view.Key)); e != nil {
			select {
			case <-e.done:
			case <-ctx.Done():
				return nil, 0, ctx.Err()
			}
			if e.err == nil {
				v, err := s.version(ctx, rt.Entity, view)
				if err != nil {
					return nil, 0, err
				}
				if v == e.version {
					s.prefetchNext(rt, sc, params, fields, base, u, e.total, view)
					return e.body, e.total, nil
				}
			}
		}
	}
	body, page, err := s.renderPage(ctx, rt, sc, params, fields, base, view)
	if err != nil {
		return nil, 0, err
	}
	if prefetch {
		s.prefetchNext(rt, sc, params, fields, base, u, page.Total, view)
	}
	return body, page.Total, nil
}

// prefetchNext prepares the page after this one in the background.
func (s *Server) prefetchNext(rt *Route, sc []store.Subset, params query.Params, fields map[string]bool, base string, u *url.URL, total int, view jsonbind.View) {
	next := params
	next.Offset += params.Limit
	if next.Offset >= total {
		return
	}
	e, ok := s.prefetch.start(pageKey(rt, u, next.Offset, base, view.Key))
	if !ok {
		return
	}
	go func() {
		defer close(e.done)
		ctx, cancel := context.WithTimeout(context.Background(), prefetchTTL)
		defer cancel()
		var page store.Page
		e.body, page, e.err = s.renderPage(ctx, rt, sc, next, fields, base, view)
		e.version, e.total = page.Version, page.Total
	}()
}

// renderPage reads a page with whole records and renders it; a large page
// is rendered in two halves on two cores.
func (s *Server) renderPage(ctx context.Context, rt *Route, sc []store.Subset, params query.Params, fields map[string]bool,
	base string, view jsonbind.View) ([]byte, store.Page, error) {
	page, err := s.st.List(ctx, store.ListRequest{Entity: rt.Entity, Within: sc, Params: params})
	if err != nil {
		return nil, page, err
	}
	if err := s.trim(ctx, view, rt.Entity, page.Records); err != nil {
		return nil, page, err
	}
	b := jsonbind.AppendString([]byte{'{'}, rt.Entity.Plural)
	b = append(b, ":["...)
	recs := page.Records
	if len(recs) >= 2000 {
		half := len(recs) / 2
		var b2 []byte
		done := make(chan struct{})
		go func() {
			defer close(done)
			b2 = s.enc.AppendList(nil, rt.Entity, recs[half:], base, fields)
		}()
		b = s.enc.AppendList(b, rt.Entity, recs[:half], base, fields)
		<-done
		b = append(b, ',')
		b = append(b, b2...)
	} else {
		b = s.enc.AppendList(b, rt.Entity, recs, base, fields)
	}
	b = append(b, "]}"...)
	return b, page, nil
}
