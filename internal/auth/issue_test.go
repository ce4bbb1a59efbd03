package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// memStore is the part of store.AuthStore the token endpoint uses, in
// memory: the engines' own behaviour is the conformance suite's.
type memStore struct {
	store.AuthStore
	mu       sync.Mutex
	clients  map[string]store.Client
	failures map[string][]time.Time
}

func newMemStore() *memStore {
	return &memStore{clients: map[string]store.Client{}, failures: map[string][]time.Time{}}
}

func (m *memStore) CreateClient(_ context.Context, c store.Client) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clients[c.ID] = c
	return nil
}

func (m *memStore) Client(_ context.Context, id string) (store.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[id]
	if !ok {
		return c, oneroster.NotFound("client", id)
	}
	return c, nil
}

func (m *memStore) CreateToken(context.Context, string, store.Token, time.Time) error { return nil }

func (m *memStore) AddFailure(_ context.Context, key string, now, since time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failures[key] = append(m.failures[key], now)
	return nil
}

func (m *memStore) Failures(_ context.Context, key string, since time.Time) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, oldest := 0, time.Time{}
	for _, at := range m.failures[key] {
		if at.After(since) {
			if n == 0 || at.Before(oldest) {
				oldest = at
			}
			n++
		}
	}
	return n, oldest, nil
}

func (m *memStore) ClearFailures(_ context.Context, prefix string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for k, v := range m.failures {
		if strings.HasPrefix(k, prefix) {
			n += int64(len(v))
			delete(m.failures, k)
		}
	}
	return n, nil
}

// checkCounter is a Verify that records how many checks run at once.
type checkCounter struct {
	running, most, total atomic.Int32
	hold                 time.Duration
}

func (c *checkCounter) verify(hash, secret string) bool {
	n := c.running.Add(1)
	defer c.running.Add(-1)
	c.total.Add(1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(c.hold)
	return VerifySecret(hash, secret)
}

// TestChecksBounded: of many concurrent token requests with made-up
// client ids, at most MaxChecks hash at once; those that find no slot in
// CheckWait are answered quickly with 503 and never hash.
func TestChecksBounded(t *testing.T) {
	cc := &checkCounter{hold: 100 * time.Millisecond}
	s := New(newMemStore(), Config{MaxChecks: 2, CheckWait: 50 * time.Millisecond, Verify: cc.verify})
	const n = 30
	var wg sync.WaitGroup
	var refused, failed atomic.Int32
	var slowest atomic.Int64
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			_, _, err := s.Issue(context.Background(), fmt.Sprintf("orc_madeup%d", i), "x", "", fmt.Sprintf("10.0.0.%d", i))
			var te *tokenError
			switch {
			case errors.Is(err, errChecksBusy):
				refused.Add(1)
				if d := int64(time.Since(start)); d > slowest.Load() {
					slowest.Store(d)
				}
			case errors.As(err, &te) && te.code == "invalid_client":
				failed.Add(1)
			default:
				t.Errorf("request %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if m := cc.most.Load(); m > 2 {
		t.Errorf("%d checks ran at once, want at most 2", m)
	}
	if refused.Load() == 0 || refused.Load()+failed.Load() != n || cc.total.Load() != failed.Load() {
		t.Errorf("%d refused, %d failed, %d checks: want some refused, the others checked once each", refused.Load(), failed.Load(), cc.total.Load())
	}
	if d := time.Duration(slowest.Load()); d > time.Second {
		t.Errorf("a refused request took %v", d)
	}
}

// TestChecksBusyAnswer: the endpoint's answer when every slot is taken.
func TestChecksBusyAnswer(t *testing.T) {
	cc := &checkCounter{}
	s := New(newMemStore(), Config{MaxChecks: 1, CheckWait: 10 * time.Millisecond, Verify: cc.verify})
	s.checks <- struct{}{} // the one slot is busy
	req := httptest.NewRequest("POST", TokenPath, strings.NewReader("grant_type=client_credentials&client_id=orc_x&client_secret=y"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.TokenHandler(nil).ServeHTTP(rec, req)
	var body map[string]string
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || body["error"] != "temporarily_unavailable" {
		t.Errorf("all checks busy: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if cc.total.Load() != 0 {
		t.Errorf("%d secret checks ran", cc.total.Load())
	}
}

// TestThrottleBeforeCheck: of many concurrent wrong secrets for one
// client from one address, at most RefuseAfter are checked; the others
// are refused with 429 without hashing.
func TestThrottleBeforeCheck(t *testing.T) {
	cc := &checkCounter{hold: 50 * time.Millisecond}
	st := newMemStore()
	s := New(st, Config{RefuseAfter: 5, SlowAfter: 100, MaxChecks: 60, CheckWait: time.Minute, Verify: cc.verify})
	id, _, err := s.CreateClient(context.Background(), "app", []string{RosterCore}, Rules{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	var wg sync.WaitGroup
	var refused atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.Issue(context.Background(), id, "wrong", "", "10.0.0.1")
			var te *tokenError
			if errors.As(err, &te) && te.status == http.StatusTooManyRequests {
				refused.Add(1)
			} else if !errors.As(err, &te) || te.code != "invalid_client" {
				t.Errorf("a wrong secret: %v", err)
			}
		}()
	}
	wg.Wait()
	if c := cc.total.Load(); c > 5 || refused.Load() != n-c {
		t.Errorf("%d secrets checked, %d refused; want at most 5 checked, the others refused", c, refused.Load())
	}
	if len(s.attempts) != 0 {
		t.Errorf("attempts left in flight: %v", s.attempts)
	}
}

// lockoutService is a Service with the default limits (refused from the
// 10th failure) that never sleeps, and a helper to try a secret.
func lockoutService(t *testing.T) (*Service, *checkCounter, func(id, secret, addr string) int) {
	cc := &checkCounter{}
	s := New(newMemStore(), Config{Sleep: func(context.Context, time.Duration) {}, Verify: cc.verify})
	try := func(id, secret, addr string) int {
		_, _, err := s.Issue(context.Background(), id, secret, "", addr)
		var te *tokenError
		switch {
		case err == nil:
			return http.StatusOK
		case errors.As(err, &te):
			return te.status
		}
		t.Fatalf("Issue(%s at %s): %v", id, addr, err)
		return 0
	}
	return s, cc, try
}

func mustClient(t *testing.T, s *Service) (id, secret string) {
	t.Helper()
	id, secret, err := s.CreateClient(context.Background(), "app", []string{RosterCore}, Rules{})
	if err != nil {
		t.Fatal(err)
	}
	return id, secret
}

// TestLockoutKeys: the lockout scenarios of a district behind one proxy
// address.
func TestLockoutKeys(t *testing.T) {
	t.Run("OtherAppSameAddress", func(t *testing.T) {
		s, _, try := lockoutService(t)
		a, _ := mustClient(t, s)
		b, bSecret := mustClient(t, s)
		for i := range 20 {
			want := http.StatusUnauthorized
			if i >= 10 {
				want = http.StatusTooManyRequests
			}
			if got := try(a, "wrong", "10.0.0.1"); got != want {
				t.Fatalf("app a's wrong secret %d: %d, want %d", i+1, got, want)
			}
		}
		if got := try(b, bSecret, "10.0.0.1"); got != http.StatusOK {
			t.Errorf("app b behind the same address: %d", got)
		}
	})
	t.Run("OutsiderKnowsTheID", func(t *testing.T) {
		s, _, try := lockoutService(t)
		x, xSecret := mustClient(t, s)
		for range 20 {
			try(x, "guess", "203.0.113.9")
		}
		if got := try(x, xSecret, "203.0.113.9"); got != http.StatusTooManyRequests {
			t.Errorf("the right secret from the outsider's address: %d, want 429", got)
		}
		if got := try(x, xSecret, "10.0.0.1"); got != http.StatusOK {
			t.Errorf("app x at its own address: %d", got)
		}
	})
	t.Run("Scanner", func(t *testing.T) {
		s, cc, try := lockoutService(t)
		app, appSecret := mustClient(t, s)
		for i := range 20 {
			want := http.StatusUnauthorized
			if i >= 10 {
				want = http.StatusTooManyRequests
			}
			if got := try(fmt.Sprintf("orc_madeup%d", i), "x", "10.0.0.1"); got != want {
				t.Fatalf("made-up id %d: %d, want %d", i+1, got, want)
			}
		}
		// Each made-up id was checked against the dummy hash, as a real
		// one would have been.
		if c := cc.total.Load(); c != 10 {
			t.Errorf("%d secret checks for 10 made-up ids", c)
		}
		if got := try(app, appSecret, "10.0.0.1"); got != http.StatusOK {
			t.Errorf("an app behind the scanner's address: %d", got)
		}
	})
}

// TestUnlock: Unlock lifts a client's lockouts at every address, and
// only its own.
func TestUnlock(t *testing.T) {
	s, _, try := lockoutService(t)
	x, xSecret := mustClient(t, s)
	y, ySecret := mustClient(t, s)
	for _, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		for range 10 {
			try(x, "wrong", addr)
			try(y, "wrong", addr)
		}
	}
	if n, err := s.Unlock(context.Background(), x); err != nil || n != 20 {
		t.Errorf("Unlock(x) = %d, %v; want 20 failures forgotten", n, err)
	}
	for _, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		if got := try(x, xSecret, addr); got != http.StatusOK {
			t.Errorf("x at %s after unlock: %d", addr, got)
		}
		if got := try(y, ySecret, addr); got != http.StatusTooManyRequests {
			t.Errorf("y at %s after x's unlock: %d, want 429", addr, got)
		}
	}
	if _, err := s.Unlock(context.Background(), "orc_nobody"); !errors.Is(err, oneroster.ErrNotFound) {
		t.Errorf("Unlock(unknown id): %v", err)
	}
}
