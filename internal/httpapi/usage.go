package httpapi

import (
	"context"
	"sync"
	"time"

	"github.com/oneroster/oneroster/internal/store"
)

// Each client's requests and the records it received are counted in
// memory, by hour, and added to the store in batches (flushEvery), not
// one write per request: clients list shows them (issue 16 item 6).

const (
	flushEvery   = 10 * time.Second
	usageKeepFor = 31 * 24 * time.Hour
)

type usageKey struct {
	client string
	hour   time.Time
}

type usageCounter struct {
	mu        sync.Mutex
	pending   map[usageKey]*store.Usage
	lastFlush time.Time
	flushing  bool
}

// tally is a request's count of records returned; the handlers add to it.
type tally struct{ records int }

type tallyKey struct{}

func withTally(ctx context.Context) (context.Context, *tally) {
	t := &tally{}
	return context.WithValue(ctx, tallyKey{}, t), t
}

// countRecords adds n records to the request's tally.
func countRecords(ctx context.Context, n int) {
	if t, ok := ctx.Value(tallyKey{}).(*tally); ok {
		t.records += n
	}
}

// countUsage counts one request of client; at most every flushEvery it
// sends what is pending to the store in the background.
func (s *Server) countUsage(client string, records int, now time.Time) {
	u := &s.usage
	u.mu.Lock()
	if u.pending == nil {
		u.pending = map[usageKey]*store.Usage{}
		u.lastFlush = now
	}
	u.add(store.Usage{ClientID: client, Hour: now.UTC().Truncate(time.Hour), Requests: 1, Records: int64(records), LastUsed: now})
	due := !u.flushing && now.Sub(u.lastFlush) >= flushEvery
	if due {
		u.flushing = true
	}
	u.mu.Unlock()
	if due {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), flushEvery)
			defer cancel()
			if err := s.FlushUsage(ctx); err != nil {
				s.log.Warn("usage figures not saved yet; kept for the next batch", "err", err)
			}
		}()
	}
}

// FlushUsage sends the pending usage figures to the store now (serve
// calls it when it stops). Figures it cannot send are kept for the next.
func (s *Server) FlushUsage(ctx context.Context) error {
	u := &s.usage
	u.mu.Lock()
	batch := make([]store.Usage, 0, len(u.pending))
	for _, p := range u.pending {
		batch = append(batch, *p)
	}
	clear(u.pending)
	u.flushing = true
	u.mu.Unlock()
	var err error
	if len(batch) > 0 {
		err = s.st.AddUsage(ctx, batch, time.Now().Add(-usageKeepFor))
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.flushing, u.lastFlush = false, time.Now()
	if err != nil {
		for _, b := range batch {
			u.add(b)
		}
	}
	return err
}

// add adds b to what is pending for its client and hour; u.mu is held.
func (u *usageCounter) add(b store.Usage) {
	k := usageKey{b.ClientID, b.Hour}
	p := u.pending[k]
	if p == nil {
		p = &store.Usage{ClientID: b.ClientID, Hour: b.Hour}
		u.pending[k] = p
	}
	p.Requests += b.Requests
	p.Records += b.Records
	if b.LastUsed.After(p.LastUsed) {
		p.LastUsed = b.LastUsed
	}
}
