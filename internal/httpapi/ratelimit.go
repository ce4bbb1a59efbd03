package httpapi

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter holds one token bucket per client. Budgets are per process:
// with N serve processes behind a balancer a client may make N times the
// rate, which is what a per-process limit can promise without a shared
// counter on every request.
type limiter struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	per   map[string]*rate.Limiter
}

func newLimiter(rps float64, burst int) *limiter {
	if rps == 0 {
		rps = 200
	}
	if burst <= 0 {
		burst = int(math.Max(1, 2*rps))
	}
	return &limiter{rps: rate.Limit(rps), burst: burst, per: map[string]*rate.Limiter{}}
}

// wait returns 0 when client may go on now, else the whole seconds to wait.
func (l *limiter) wait(client string) int {
	if l.rps < 0 {
		return 0
	}
	l.mu.Lock()
	lim, ok := l.per[client]
	if !ok {
		if len(l.per) > 10000 {
			clear(l.per)
		}
		lim = rate.NewLimiter(l.rps, l.burst)
		l.per[client] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	d := r.Delay()
	if d == 0 {
		return 0
	}
	r.Cancel()
	return int(math.Ceil(d.Seconds() + float64(time.Millisecond)/float64(time.Second)))
}
