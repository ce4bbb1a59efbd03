package httpapi

import (
	"sync"
	"sync/atomic"
)

// objectCache keeps rendered JSON objects under the data version they
// were read at. Every write of any process bumps the version (it lives in
// the database), so an entry is valid exactly while its version is the
// current one; the cache is bounded in bytes and simply emptied when full.
type objectCache struct {
	mu    sync.Mutex
	m     map[objectKey]cachedObject
	bytes int
	max   int
	// hits and misses count lookups, for the metrics.
	hits, misses atomic.Int64
}

// objectKey names a rendered object: its entity, the public URL its hrefs
// start with, its sourcedId and the view it was rendered for (a struct,
// so a lookup builds no string).
type objectKey struct {
	entity, base, id, view string
}

func (k objectKey) size() int { return len(k.entity) + len(k.base) + len(k.id) + len(k.view) }

type cachedObject struct {
	version int64
	b       []byte
}

func newObjectCache(maxBytes int) *objectCache {
	return &objectCache{m: map[objectKey]cachedObject{}, max: maxBytes}
}

func (c *objectCache) get(key objectKey, version int64) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.m[key]
	if !ok || o.version != version {
		c.misses.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return o.b, true
}

func (c *objectCache) put(key objectKey, version int64, b []byte) {
	if c == nil || len(b) > c.max/64 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		c.bytes -= len(old.b) + key.size()
	}
	if c.bytes+len(b)+key.size() > c.max {
		clear(c.m)
		c.bytes = 0
	}
	c.m[key] = cachedObject{version, b}
	c.bytes += len(b) + key.size()
}
