package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// Config tunes the service; zero values take the defaults.
type Config struct {
	TokenTTL time.Duration // default 1 h
	// CacheTTL is how long a process trusts a token it has checked, and so
	// the longest a revoked client's token keeps working (default 10 s).
	CacheTTL time.Duration
	// Failed token requests per (client, remote address), and per remote
	// address for client ids that are not registered (see Issue), within
	// FailureWindow: from SlowAfter on each answer is delayed by a second
	// per failure beyond it (at most 5 s); from RefuseAfter on requests are
	// refused with 429 until the oldest failure leaves the window.
	FailureWindow time.Duration // default 15 min
	SlowAfter     int           // default 5
	RefuseAfter   int           // default 10
	// MaxChecks bounds the secret checks running at once (each argon2id
	// check holds 19 MiB); a request that finds none free within
	// CheckWait is answered 503 with Retry-After without hashing.
	MaxChecks int           // default max(2, GOMAXPROCS)
	CheckWait time.Duration // default 200 ms
	Now       func() time.Time
	// Sleep waits for the slow-down; tests replace it.
	Sleep func(context.Context, time.Duration)
	// Verify checks a secret against its hash (default VerifySecret);
	// tests replace it to watch the checks.
	Verify func(hash, secret string) bool
}

func (c Config) withDefaults() Config {
	if c.TokenTTL <= 0 {
		c.TokenTTL = time.Hour
	}
	if c.CacheTTL <= 0 {
		c.CacheTTL = 10 * time.Second
	}
	if c.FailureWindow <= 0 {
		c.FailureWindow = 15 * time.Minute
	}
	if c.SlowAfter <= 0 {
		c.SlowAfter = 5
	}
	if c.RefuseAfter <= 0 {
		c.RefuseAfter = 10
	}
	if c.MaxChecks <= 0 {
		c.MaxChecks = max(2, runtime.GOMAXPROCS(0))
	}
	if c.CheckWait <= 0 {
		c.CheckWait = 200 * time.Millisecond
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Verify == nil {
		c.Verify = VerifySecret
	}
	if c.Sleep == nil {
		c.Sleep = func(ctx context.Context, d time.Duration) {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
	}
	return c
}

// Service issues and checks tokens.
type Service struct {
	st  store.AuthStore
	cfg Config

	mu    sync.Mutex
	cache map[string]cached // token hash -> what the store said

	checks chan struct{} // a slot per secret check allowed to run

	attemptsMu sync.Mutex     // held while an attempt is counted and reserved
	attempts   map[string]int // throttling key -> attempts in flight here
}

type cached struct {
	grant   Grant
	checked time.Time
}

// Grant is what a valid token allows.
type Grant struct {
	ClientID string
	Scopes   []string
	Expires  time.Time
	// Hide and Orgs are the client's sharing rules (store.Client) as of
	// the token's last lookup: cached as the token is, so a change takes
	// effect within CacheTTL, as a revocation does.
	Hide, Orgs string
}

// Rules are a client's data-sharing rules: Hide, the properties it never
// receives (jsonbind.ParseHide), and Orgs, the orgs whose data alone it
// sees (sourcedIds separated by spaces; "" is every org). The caller
// checks that the orgs exist.
type Rules struct {
	Hide, Orgs string
}

// canonOrgs writes an org list in the canonical form views key on
// (jsonbind.NewView): sorted, each once.
func canonOrgs(orgs string) string {
	v, _ := jsonbind.NewView("", orgs) // an empty hide rule cannot fail
	return strings.Join(v.Orgs, " ")
}

// Allows reports whether the grant holds any of scopes.
func (g Grant) Allows(scopes []string) bool {
	for _, s := range scopes {
		if slices.Contains(g.Scopes, s) {
			return true
		}
	}
	return false
}

// New makes a Service on a store.
func New(st store.AuthStore, cfg Config) *Service {
	cfg = cfg.withDefaults()
	return &Service{st: st, cfg: cfg, cache: map[string]cached{}, checks: make(chan struct{}, cfg.MaxChecks),
		attempts: map[string]int{}}
}

// CreateClient registers a client allowed the given scopes, that never
// receives what hide names (jsonbind.ParseHide; "" hides nothing), and
// returns its id and secret. The secret is shown this once; only its hash
// is kept.
func (s *Service) CreateClient(ctx context.Context, name string, scopes []string, rules Rules) (id, secret string, err error) {
	if len(scopes) == 0 {
		return "", "", errors.New("a client needs at least one scope")
	}
	hide, _, err := jsonbind.ParseHide(rules.Hide)
	if err != nil {
		return "", "", err
	}
	id, secret = "orc_"+randomString(15), randomString(32)
	err = s.st.CreateClient(ctx, store.Client{ID: id, Name: name, SecretHash: HashSecret(secret),
		Scopes: strings.Join(scopes, " "), Hide: hide, Orgs: canonOrgs(rules.Orgs), CreatedAt: s.cfg.Now()})
	return id, secret, err
}

// SetScopes replaces the scopes of an unrevoked client; its tokens stop
// working (each holds the scopes it was issued with), so its next token
// has the new ones.
func (s *Service) SetScopes(ctx context.Context, id string, scopes []string) error {
	if len(scopes) == 0 {
		return errors.New("a client needs at least one scope")
	}
	if err := s.unrevoked(ctx, id); err != nil {
		return err
	}
	return s.st.SetClientScopes(ctx, id, strings.Join(scopes, " "))
}

// SetHide replaces what an unrevoked client never receives and returns the
// rule in canonical form. Its tokens keep working and carry the new rule
// within CacheTTL, as a revocation takes effect.
func (s *Service) SetHide(ctx context.Context, id, hide string) (string, error) {
	hide, _, err := jsonbind.ParseHide(hide)
	if err != nil {
		return "", err
	}
	if err := s.unrevoked(ctx, id); err != nil {
		return "", err
	}
	return hide, s.st.SetClientHide(ctx, id, hide)
}

// SetOrgs replaces the orgs whose data an unrevoked client sees ("": every
// org) and returns the list in canonical form; like SetHide, it reaches
// the tokens already issued within CacheTTL.
func (s *Service) SetOrgs(ctx context.Context, id, orgs string) (string, error) {
	if err := s.unrevoked(ctx, id); err != nil {
		return "", err
	}
	orgs = canonOrgs(orgs)
	return orgs, s.st.SetClientOrgs(ctx, id, orgs)
}

func (s *Service) unrevoked(ctx context.Context, id string) error {
	c, err := s.st.Client(ctx, id)
	if err != nil {
		return err
	}
	if !c.RevokedAt.IsZero() {
		return fmt.Errorf("client %s is revoked", id)
	}
	return nil
}

// RotateSecret gives a client a new secret; its tokens stop working.
func (s *Service) RotateSecret(ctx context.Context, id string) (string, error) {
	if err := s.unrevoked(ctx, id); err != nil {
		return "", err
	}
	secret := randomString(32)
	return secret, s.st.SetClientSecret(ctx, id, HashSecret(secret), s.cfg.Now())
}

// Revoke locks a client out; its tokens stop working within CacheTTL.
func (s *Service) Revoke(ctx context.Context, id string) error {
	return s.st.RevokeClient(ctx, id, s.cfg.Now())
}

// Unlock clears a client's lockouts: the failed attempts counted for it at
// every address. It returns how many it forgot.
func (s *Service) Unlock(ctx context.Context, id string) (int64, error) {
	if _, err := s.st.Client(ctx, id); err != nil {
		return 0, err
	}
	return s.st.ClearFailures(ctx, clientPrefix(id))
}

// Client returns one registered client.
func (s *Service) Client(ctx context.Context, id string) (store.Client, error) {
	return s.st.Client(ctx, id)
}

// Clients lists the registered clients.
func (s *Service) Clients(ctx context.Context) ([]store.Client, error) { return s.st.Clients(ctx) }

// tokenError is an RFC 6749 §5.2 error of the token endpoint.
type tokenError struct {
	status      int
	code        string
	description string
	retryAfter  int // seconds, for 429 and 503
}

// errChecksBusy answers a request that found no free secret check.
var errChecksBusy = &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable", "too many token requests at once; retry later", 1}

// verify checks a secret in one of the MaxChecks slots; it refuses with
// errChecksBusy when none is free within CheckWait.
func (s *Service) verify(ctx context.Context, hash, secret string) (bool, error) {
	wait := time.NewTimer(s.cfg.CheckWait)
	defer wait.Stop()
	select {
	case s.checks <- struct{}{}:
	case <-wait.C:
		return false, errChecksBusy
	case <-ctx.Done():
		return false, context.Cause(ctx)
	}
	defer func() { <-s.checks }()
	return s.cfg.Verify(hash, secret), nil
}

func (e *tokenError) Error() string { return e.code + ": " + e.description }

// Issue checks a client's credentials and requested scopes and returns a
// new token. addr is the remote address, for throttling: an attempt that
// names a registered client counts under that client at that address
// (clientKey), one that names no registered client under the address
// alone (addrKey). Someone who knows a client's id cannot lock it out
// from elsewhere, an app's wrong secrets do not lock out the other apps
// behind the same address, and a scanner of made-up ids is refused at its
// address. Both kinds of attempt do the same work (a lookup, a count, a
// secret check, dummyHash's for an unknown id), so the time taken does not
// tell whether an id exists.
func (s *Service) Issue(ctx context.Context, clientID, secret, scope, addr string) (token string, g Grant, err error) {
	c, err := s.st.Client(ctx, clientID)
	known := err == nil
	if err != nil && !errors.Is(err, oneroster.ErrNotFound) {
		return "", g, err
	}
	hash, key := dummyHash, addrKey(addr)
	if known {
		hash, key = c.SecretHash, clientKey(clientID, addr)
	}
	release, err := s.throttle(ctx, key)
	if err != nil {
		return "", g, err
	}
	defer release()
	ok, err := s.verify(ctx, hash, secret)
	if err != nil {
		return "", g, err
	}
	if !ok || !known || !c.RevokedAt.IsZero() {
		s.fail(ctx, key)
		return "", g, &tokenError{http.StatusUnauthorized, "invalid_client", "client authentication failed", 0}
	}
	held := strings.Fields(c.Scopes)
	granted := held
	if strings.TrimSpace(scope) != "" {
		asked, err := ParseScopes(scope)
		if err != nil {
			return "", g, &tokenError{http.StatusBadRequest, "invalid_scope", err.Error(), 0}
		}
		for _, a := range asked {
			if !slices.Contains(held, a) {
				return "", g, &tokenError{http.StatusBadRequest, "invalid_scope", "the client does not hold scope " + a, 0}
			}
		}
		granted = asked
	}
	token = "ort_" + randomString(32)
	expires := s.cfg.Now().Add(s.cfg.TokenTTL)
	t := store.Token{ClientID: c.ID, Scopes: strings.Join(granted, " "), ExpiresAt: expires, Gen: c.TokenGen}
	if err := s.st.CreateToken(ctx, tokenHash(token), t, s.cfg.Now()); err != nil {
		return "", g, err
	}
	return token, Grant{ClientID: c.ID, Scopes: granted, Expires: expires}, nil
}

// addrKey and clientKey are the throttling keys of failed attempts: at an
// address naming no registered client, and for one client at one address.
// A client's keys all begin with clientPrefix (client ids hold no space).
func addrKey(addr string) string       { return "addr:" + addr }
func clientKey(id, addr string) string { return clientPrefix(id) + "addr:" + addr }
func clientPrefix(id string) string    { return "client:" + id + " " }

// throttle slows down or refuses a caller with many recent failures
// under key, and otherwise reserves the attempt until release is called
// (after its failure, if it fails, is recorded). The failures in the store
// and this process's attempts in flight are counted and the attempt
// reserved under one lock, so concurrent attempts beyond RefuseAfter are
// refused before any of them checks a secret (and so are an app's
// concurrent requests beyond RefuseAfter, with Retry-After: 1).
func (s *Service) throttle(ctx context.Context, key string) (release func(), err error) {
	since := s.cfg.Now().Add(-s.cfg.FailureWindow)
	s.attemptsMu.Lock()
	stored, oldest, err := s.st.Failures(ctx, key, since)
	if err != nil {
		s.attemptsMu.Unlock()
		return nil, err
	}
	n := stored + s.attempts[key]
	if n >= s.cfg.RefuseAfter {
		s.attemptsMu.Unlock()
		// Attempts in flight end within seconds; failures in the store
		// when the oldest leaves the window.
		retry := 1
		if stored >= s.cfg.RefuseAfter {
			retry = max(1, int(oldest.Add(s.cfg.FailureWindow).Sub(s.cfg.Now()).Seconds()+0.999))
		}
		return nil, &tokenError{http.StatusTooManyRequests, "server_busy", "too many failed attempts; retry later", retry}
	}
	s.attempts[key]++
	s.attemptsMu.Unlock()
	release = func() {
		s.attemptsMu.Lock()
		if s.attempts[key]--; s.attempts[key] <= 0 {
			delete(s.attempts, key)
		}
		s.attemptsMu.Unlock()
	}
	// The slow-down is for failures; attempts in flight may succeed.
	if stored >= s.cfg.SlowAfter {
		s.cfg.Sleep(ctx, time.Duration(min(stored-s.cfg.SlowAfter+1, 5))*time.Second)
	}
	return release, nil
}

func (s *Service) fail(ctx context.Context, key string) {
	now := s.cfg.Now()
	// A failure to record a failure must not turn a 401 into a 500.
	_ = s.st.AddFailure(ctx, key, now, now.Add(-s.cfg.FailureWindow))
}

// ErrNoToken and the like are the reasons Authenticate refuses a request.
var (
	errNoToken      = oneroster.Errorf(oneroster.CodeUnauthorised, "an access token is required: Authorization: Bearer <token>")
	errInvalidToken = oneroster.Errorf(oneroster.CodeUnauthorised, "the access token is invalid, expired or revoked")
)

// Authenticate checks the bearer token of a request. It returns an
// *oneroster.Error with code unauthorisedrequest when there is none or it
// is not valid; the caller adds WWW-Authenticate (see Challenge).
func (s *Service) Authenticate(r *http.Request) (Grant, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Grant{}, errNoToken
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 512 {
		return Grant{}, errInvalidToken
	}
	hash := tokenHash(token)
	now := s.cfg.Now()
	s.mu.Lock()
	c, hit := s.cache[hash]
	s.mu.Unlock()
	if hit && now.Sub(c.checked) < s.cfg.CacheTTL && now.Before(c.grant.Expires) {
		return c.grant, nil
	}
	t, err := s.st.Token(r.Context(), hash, now)
	if errors.Is(err, oneroster.ErrNotFound) {
		s.mu.Lock()
		delete(s.cache, hash)
		s.mu.Unlock()
		return Grant{}, errInvalidToken
	}
	if err != nil {
		return Grant{}, err
	}
	g := Grant{ClientID: t.ClientID, Scopes: strings.Fields(t.Scopes), Expires: t.ExpiresAt, Hide: t.Hide, Orgs: t.Orgs}
	s.mu.Lock()
	if len(s.cache) > 100000 {
		clear(s.cache) // a crude bound; valid tokens are simply checked again
	}
	s.cache[hash] = cached{grant: g, checked: now}
	s.mu.Unlock()
	return g, nil
}

// Challenge is the WWW-Authenticate value for a refused request.
func Challenge(err error, r *http.Request, scopes []string) string {
	switch {
	case scopes != nil:
		return `Bearer realm="oneroster", error="insufficient_scope", scope="` + strings.Join(scopes, " ") + `"`
	case r.Header.Get("Authorization") == "":
		return `Bearer realm="oneroster"`
	}
	return `Bearer realm="oneroster", error="invalid_token"`
}
