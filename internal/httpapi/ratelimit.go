package httpapi

import (
	"math"
	"net/http"
	"strconv"
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

// budget is what a client has left of its rate limit after a request.
type budget struct {
	// remaining is the requests it may make at once; reset the whole
	// seconds until its bucket is full again; retry, for a refused
	// request, the whole seconds until the next one is allowed (0 when
	// this one was).
	remaining, reset, retry int
}

// take spends one request of client's budget, or refuses it (retry > 0).
func (l *limiter) take(client string) budget {
	if l.rps < 0 {
		return budget{}
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
	now := time.Now()
	r := lim.ReserveN(now, 1)
	var b budget
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		b.retry = int(math.Ceil(d.Seconds() + float64(time.Millisecond)/float64(time.Second)))
	}
	tokens := math.Max(0, lim.TokensAt(now))
	b.remaining = int(tokens)
	b.reset = int(math.Ceil((float64(l.burst) - tokens) / float64(l.rps)))
	return b
}

// setHeaders describes the limit and b in the fields of the IETF draft
// "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers,
// the -09/-10 form, one policy named "client"):
//
//	RateLimit-Policy: "client";q=BURST;w=WINDOW
//	RateLimit: "client";r=REMAINING;t=RESET
//
// The limit is a token bucket, which the draft's quota-per-window model
// describes so: the quota is the burst, the window the seconds in which
// a spent burst refills (burst ÷ rate, at least 1); remaining is the
// requests the client may make now and reset the seconds until its whole
// burst is back. Nothing is sent when the limit is off.
func (l *limiter) setHeaders(h http.Header, b budget) {
	if l.rps < 0 {
		return
	}
	window := int(math.Max(1, math.Ceil(float64(l.burst)/float64(l.rps))))
	h.Set("RateLimit-Policy", `"client";q=`+strconv.Itoa(l.burst)+";w="+strconv.Itoa(window))
	h.Set("RateLimit", `"client";r=`+strconv.Itoa(b.remaining)+";t="+strconv.Itoa(b.reset))
}
