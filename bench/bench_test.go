package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the whole suite at a tiny size (200 students, 1 s and at
// most 2000 requests per load scenario) so that CI keeps it working. It
// checks that the report has every row; it does not judge the figures:
// benchmarks are not timed tests. SQLite always; PostgreSQL too when
// ONEROSTER_TEST_POSTGRES_URL is set, unless -short.
func TestSmoke(t *testing.T) {
	c := config{Size: "200", DB: "sqlite", Duration: time.Second, MaxRequests: 2000, Conns: 32,
		Out: filepath.Join(t.TempDir(), "BENCHMARKS.md"), Cache: t.TempDir(), Command: "go test ./bench -run TestSmoke"}
	engines := []string{"sqlite"}
	if pg := os.Getenv("ONEROSTER_TEST_POSTGRES_URL"); pg != "" && !testing.Short() {
		c.DB, c.PGURL = "both", pg
		engines = append(engines, "postgres")
	}
	if testing.Verbose() {
		c.Log = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := run(ctx, c); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(c.Out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{"**machine**", "**date**", "**commit**", "**command**"} {
		if !strings.Contains(doc, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	rows := []string{"import: wall time", "import: rows/s", "import: schema floor, ", "import: peak RSS"}
	for _, s := range []string{"GET /users?limit=100", "GET /users?limit=100, Accept-Encoding: gzip", restrictedUsersPage, "GET /users?filter=", "GET /students?limit=100",
		"GET /classes/{id}/students", "GET /users/{id}", "PUT /results/{id}", "sharing rules: ", "no cache: GET /students?limit=100: requests/s",
		"no cache: first sync"} {
		rows = append(rows, s)
	}
	rows = append(rows, "deep paging: /users?limit=100&offset=0", "full pull: /users?limit=10000", "full pull with Accept-Encoding: gzip", "delta import:",
		"change polling:", "export: wall time", "export: peak RSS")
	for _, e := range engines {
		i := strings.Index(doc, "### "+e+"\n")
		if i < 0 {
			t.Errorf("report has no %s section", e)
			continue
		}
		sec := doc[i+4:]
		if j := strings.Index(sec, "### "); j >= 0 {
			sec = sec[:j]
		}
		if strings.Contains(sec, "The run failed") {
			t.Errorf("%s: the run failed:\n%s", e, sec)
		}
		for _, r := range rows {
			if n := strings.Count(sec, "| "+r); n == 0 {
				t.Errorf("%s: no row %q", e, r)
			}
		}
		// 9 load scenarios, 8 of them GETs run again with no cache (which
		// reports no p99).
		for s, want := range map[string]int{": requests/s |": 17, ": p50 |": 17, ": p99 |": 9} {
			if n := strings.Count(sec, s); n != want {
				t.Errorf("%s: %d rows ending in %q, want %d", e, n, s, want)
			}
		}
	}
	if t.Failed() {
		t.Log(doc)
	}
}
