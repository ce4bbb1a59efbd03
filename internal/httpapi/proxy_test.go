package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/httpapi"
)

// TestForgedHost: without a public URL, a Host header naming another
// site puts it nowhere (hrefs, Link, the discovery document's URLs), and
// a client cycling Host values does not grow the discovery cache.
func TestForgedHost(t *testing.T) {
	f := newFixture(t)
	get := func(path, host string) (http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Host = host
		req.Header.Set("Authorization", "Bearer "+f.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s with Host %s: %d %s", path, host, res.StatusCode, b)
		}
		return res.Header, string(b)
	}
	paths := []string{rosteringBase + "/enrollments?limit=1", rosteringBase + "/discovery"}
	for _, p := range paths {
		h, body := get(p, "attacker.example")
		if strings.Contains(body+h.Get("Link"), "attacker") {
			t.Errorf("%s: the forged Host is in the answer:\nLink: %s\n%.400s", p, h.Get("Link"), body)
		}
		if !strings.Contains(body+h.Get("Link"), f.srv.URL) {
			t.Errorf("%s: the server's own address %s is not in the answer:\n%.400s", p, f.srv.URL, body)
		}
	}
	if _, body := get(rosteringBase+"/discovery", "attacker.example"); !strings.Contains(body, `"tokenUrl": "`+f.srv.URL+auth.TokenPath+`"`) {
		t.Errorf("discovery token URL is not the server's own:\n%.2000s", body)
	}
	// localhost on a loopback connection names the server itself.
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":")+1:]
	if h, _ := get(paths[0], "localhost:"+port); !strings.HasPrefix(h.Get("Link"), "<http://localhost:"+port+"/") {
		t.Errorf("Host localhost: Link %s", h.Get("Link"))
	}
	for i := range 50 {
		get(rosteringBase+"/discovery", fmt.Sprintf("h%d.example", i))
	}
	if n := httpapi.DiscoveryCached(f.api); n != 1 {
		t.Errorf("after 50 Host values, %d discovery documents cached, want 1", n)
	}
}

// TestTrustedProxy: X-Forwarded-Proto sets the scheme of URLs, and
// X-Forwarded-For the address the token endpoint's lockout counts
// failures under, only when the peer (here 127.0.0.1) is a trusted proxy.
func TestTrustedProxy(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		cfg := httpapi.Config{}
		if trusted {
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		}
		f := newAuthFixture(t, cfg, auth.Config{SlowAfter: 5, RefuseAfter: 2, FailureWindow: time.Minute})
		req, _ := http.NewRequest("GET", f.srv.URL+rosteringBase+"/discovery", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		wantURL := strings.Replace(f.srv.URL, "http:", "https:", 1)
		if !trusted {
			wantURL = f.srv.URL
		}
		if !strings.Contains(string(b), `"tokenUrl": "`+wantURL+auth.TokenPath+`"`) {
			t.Errorf("trusted %v: X-Forwarded-Proto https: token URL is not %s:\n%.2000s", trusted, wantURL, b)
		}

		id, secret := f.client(auth.RosterCore)
		token := func(from, secret string) int {
			t.Helper()
			req, _ := http.NewRequest("POST", f.srv.URL+auth.TokenPath, strings.NewReader("grant_type=client_credentials"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", from)
			req.SetBasicAuth(id, secret)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		token("198.51.100.1", "wrong")
		token("198.51.100.1", "wrong")
		// Behind a trusted proxy, the lockout holds the address that
		// failed, not every client of the proxy.
		want := 429
		if trusted {
			want = 200
		}
		if s := token("198.51.100.2", secret); s != want {
			t.Errorf("trusted %v: another address after 2 failures: %d, want %d", trusted, s, want)
		}
		if s := token("198.51.100.1", secret); s != 429 {
			t.Errorf("trusted %v: the address that failed: %d, want 429", trusted, s)
		}
	}
}
