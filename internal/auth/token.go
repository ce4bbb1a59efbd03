package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// TokenPath is where the token endpoint is served.
const TokenPath = "/oauth/token"

// tokenRequest is the union of the ways real consumers send a request:
// form fields (RFC 6749), HTTP Basic client authentication, or JSON.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
}

// TokenHandler serves POST /oauth/token (client credentials grant).
// log receives only failures of the server itself; credentials and
// tokens are never logged.
func (s *Service) TokenHandler(log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeTokenError(w, &tokenError{http.StatusMethodNotAllowed, "invalid_request", "use POST", 0})
			return
		}
		req, terr := parseTokenRequest(w, r)
		if terr != nil {
			writeTokenError(w, terr)
			return
		}
		if req.GrantType == "" {
			writeTokenError(w, &tokenError{http.StatusBadRequest, "invalid_request", "grant_type is required", 0})
			return
		}
		if req.GrantType != "client_credentials" {
			writeTokenError(w, &tokenError{http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported", 0})
			return
		}
		if req.ClientID == "" || req.ClientSecret == "" {
			writeTokenError(w, &tokenError{http.StatusUnauthorized, "invalid_client", "client credentials are required (HTTP Basic, or client_id and client_secret)", 0})
			return
		}
		addr, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			addr = r.RemoteAddr
		}
		token, g, err := s.Issue(r.Context(), req.ClientID, req.ClientSecret, req.Scope, addr)
		var te *tokenError
		if errors.As(err, &te) {
			writeTokenError(w, te)
			return
		}
		if err != nil && s.unavailable(r.Context(), err) {
			// The database could not do the work now: for the client to
			// come back in a few seconds, not a server failure.
			log.Log(r.Context(), slog.LevelWarn, "token request: database unavailable", slog.Any("err", err))
			writeTokenError(w, &tokenError{http.StatusServiceUnavailable, "temporarily_unavailable",
				"the database is busy or not answering; retry in a few seconds", 5})
			return
		}
		if err != nil {
			// A client that hung up made the store fail: not a failure
			// of the server.
			level := slog.LevelError
			if errors.Is(context.Cause(r.Context()), context.Canceled) {
				level = slog.LevelDebug
			}
			log.Log(r.Context(), level, "token request failed", slog.Any("err", err))
			writeTokenError(w, &tokenError{http.StatusInternalServerError, "server_error", "internal server error", 0})
			return
		}
		body, _ := json.Marshal(map[string]any{
			"access_token": token,
			"token_type":   "bearer",
			"expires_in":   int(s.cfg.TokenTTL.Seconds()),
			"scope":        strings.Join(g.Scopes, " "),
		})
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Write(body)
	})
}

func parseTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, *tokenError) {
	var req tokenRequest
	bad := func(msg string) (tokenRequest, *tokenError) {
		return req, &tokenError{http.StatusBadRequest, "invalid_request", msg, 0}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return bad("malformed form body")
		}
		for _, k := range []string{"grant_type", "client_id", "client_secret", "scope"} {
			if len(r.PostForm[k]) > 1 {
				return bad("parameter " + k + " repeated")
			}
		}
		req = tokenRequest{r.PostForm.Get("grant_type"), r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), r.PostForm.Get("scope")}
	case "application/json":
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&req); err != nil {
			return bad("malformed JSON body")
		}
	case "":
		if r.ContentLength > 0 {
			return bad("Content-Type must be application/x-www-form-urlencoded or application/json")
		}
	default:
		return bad("Content-Type must be application/x-www-form-urlencoded or application/json")
	}
	if id, secret, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: both are form-encoded before Basic encoding.
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(secret); err == nil {
			secret = u
		}
		if req.ClientSecret != "" {
			return bad("use one client authentication method, not HTTP Basic and client_secret both")
		}
		if req.ClientID != "" && req.ClientID != id {
			return bad("client_id differs from the HTTP Basic user")
		}
		req.ClientID, req.ClientSecret = id, secret
	}
	return req, nil
}

func writeTokenError(w http.ResponseWriter, e *tokenError) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	switch e.status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Basic realm="oneroster"`)
	case http.StatusTooManyRequests:
		// Throttling speaks OneRoster's own vocabulary (server_busy).
		h.Set("Content-Type", "application/json")
		h.Set("Retry-After", strconv.Itoa(e.retryAfter))
		w.WriteHeader(e.status)
		w.Write(BusyBody(e.description))
		return
	}
	if e.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	body, _ := json.Marshal(map[string]string{"error": e.code, "error_description": e.description})
	w.WriteHeader(e.status)
	w.Write(body)
}

// BusyBody is the imsx_StatusInfo body of a 429 server_busy answer.
func BusyBody(description string) []byte {
	return oneroster.StatusInfo("failure", oneroster.CodeServerBusy, description)
}

// unavailable says err means the database could not do the work now:
// busy with another write, out of reach (when the store can tell), or
// the request's time budget (a deadline on its context) ran out.
func (s *Service) unavailable(ctx context.Context, err error) bool {
	if oneroster.CodeOf(err) == oneroster.CodeServerBusy || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	u, ok := s.st.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}
