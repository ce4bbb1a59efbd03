package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store/postgres"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// tcpProxy forwards connections from its own address to target, and can
// be taken down (every connection cut, nothing listening) and brought
// back on the same address: a database server restarting, as the
// application sees it.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, addr: "127.0.0.1:0"}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// send makes a request with a bearer token (and a JSON body when body is
// not empty) and returns the response, its body read and closed. A
// failure to send is reported with t.Error, and the response is nil.
func send(t *testing.T, srv *httptest.Server, token, method, path, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return nil, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// holdImportLock opens the SQLite file at path as another process would
// and begins an import there, which holds the file's write lock until the
// test ends.
func holdImportLock(t *testing.T, path string) {
	t.Helper()
	other, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	tx, err := other.BeginImport(context.Background(), "test", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
}

// TestDatabaseRestart: while PostgreSQL is out of reach, API requests
// answer 503 server_busy with Retry-After and /readyz 503, not 500; once
// it is back, the same server answers 200 again without a restart.
func TestDatabaseRestart(t *testing.T) {
	t.Parallel()
	direct, schema := pgtest.OpenSchema(t)
	importtest.MustImport(t, direct, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	st, err := postgres.Open(context.Background(), pgtest.SchemaURL(t, u.String(), schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, _, token := newServer(t, st, httpapi.Config{CacheBytes: -1})
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, body := send(t, srv, token, "GET", path, "")
		if res == nil {
			t.FailNow()
		}
		return res, body
	}
	const users = "/ims/oneroster/rostering/v1p2/users?limit=2"
	if res, _ := get(users); res.StatusCode != 200 {
		t.Fatalf("before: %d", res.StatusCode)
	}
	proxy.down()
	for _, path := range []string{users, "/ims/oneroster/rostering/v1p2/users?limit=2&offset=1", "/readyz"} {
		res, body := get(path)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s with the database down: %d, Retry-After %q, %s", path, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if path != "/readyz" && !strings.Contains(body, `"server_busy"`) {
			t.Errorf("%s with the database down: %s", path, body)
		}
	}
	proxy.up()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if res, _ := get(users); res.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			res, _ := get(users)
			t.Fatalf("after the database came back: %d", res.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOverBudget: a request whose database work outlasts Config.DBTimeout
// is stopped and answered 503 server_busy with Retry-After, a read and a
// write alike, and the write leaves nothing behind.
func TestOverBudget(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "budget.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	srv, _, token := newServer(t, st, httpapi.Config{CacheBytes: -1, DBTimeout: time.Nanosecond})
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/ims/oneroster/rostering/v1p2/users?filter=familyName%3D%27Nobody%27", ""},
		{"PUT", "/ims/oneroster/gradebook/v1p2/categories/budget-cat", `{"category":{"sourcedId":"budget-cat","status":"active","dateLastModified":"2026-12-04T00:00:00Z","title":"Budget"}}`},
	} {
		res, body := send(t, srv, token, c.method, c.path, c.body)
		if res == nil {
			continue
		}
		status, retry := res.StatusCode, res.Header.Get("Retry-After")
		if status != 503 || retry != "5" || !strings.Contains(body, `"server_busy"`) || !strings.Contains(body, "limit of 1ns") {
			t.Errorf("%s %s over budget: %d, Retry-After %q, %s", c.method, c.path, status, retry, body)
		}
	}
	if _, err := st.Get(context.Background(), oneroster.Category, "budget-cat"); err == nil {
		t.Error("the PUT over budget wrote its category")
	}
}

// TestWriteWaitBounded: on SQLite, REST writes during another process's
// import wait for its write lock at most their budget in all, even queued
// behind one another on the one writer connection, and answer 503.
func TestWriteWaitBounded(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "wait.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const budget = 700 * time.Millisecond
	srv, _, token := newServer(t, st, httpapi.Config{CacheBytes: -1, DBTimeout: budget})
	holdImportLock(t, path)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "wait-" + string(rune('a'+i))
			body := `{"category":{"sourcedId":"` + id + `","status":"active","dateLastModified":"2026-12-04T00:00:00Z","title":"Wait"}}`
			start := time.Now()
			res, _ := send(t, srv, token, "PUT", "/ims/oneroster/gradebook/v1p2/categories/"+id, body)
			if res == nil {
				return
			}
			if d := time.Since(start); res.StatusCode != 503 || d > budget+time.Second {
				t.Errorf("PUT %s during the import: %d after %v (budget %v)", id, res.StatusCode, d, budget)
			}
		}()
	}
	wg.Wait()
}
