package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/store/postgres"
)

// row is one line of a report table.
type row struct {
	Metric, Value, Ceiling, Share, Target, Verdict string
}

// engineResult is what one engine's run produced.
type engineResult struct {
	Name  string
	Info  string // engine version
	Rows  []row
	Notes []string
	Err   error
}

func (r *engineResult) add(x row) { r.Rows = append(r.Rows, x) }
func (r *engineResult) note(format string, a ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, a...))
}
func verdict(ok bool, missedBy string) string {
	if ok {
		return "met"
	}
	return "**missed** (" + missedBy + ")"
}

const mib = 1024.0

// runEngine runs every step on one engine. A failing step ends the run;
// what was measured until then is kept.
func runEngine(ctx context.Context, c config, name, bin, pkg string, total, students int, dir string, logf func(string, ...any)) (res engineResult) {
	res.Name = name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		res.Err = err
		return res
	}
	var (
		dsn         string
		ceilImport  func() (measured, error)
		floor       func() ([]floorTime, error)
		pg          *pgSchemas
		ceilRSSNote = "—"
	)
	switch name {
	case "sqlite":
		dsn = filepath.Join(dir, "oneroster.db")
		ceilingDB := filepath.Join(dir, "ceiling.db")
		ceilImport = func() (measured, error) { return sqliteCeiling(ctx, pkg, ceilingDB) }
		floor = func() ([]floorTime, error) { return sqliteFloor(ctx, pkg, ceilingDB, dir) }
		if out, err := exec.Command("sqlite3", "--version").Output(); err == nil {
			res.Info = "sqlite3 shell " + strings.Fields(string(out))[0] + " (ceiling); oneroster uses modernc.org/sqlite"
		}
	case "postgres":
		var err error
		if pg, err = newPGSchemas(ctx, c.PGURL); err != nil {
			res.Err = err
			return res
		}
		defer pg.drop()
		dsn, res.Info = pg.dsn, pg.version
		ceilImport = func() (measured, error) { return pg.copyCeiling(ctx, pkg) }
		floor = func() ([]floorTime, error) { return pg.floor(ctx, pkg) }
	}

	// 1. Bulk import, beside its ceiling.
	logf("%s: import", name)
	imp, err := runMeasured(ctx, nil, bin, "import", "--db", dsn, pkg)
	if err != nil {
		res.Err = err
		return res
	}
	logf("%s: import ceiling", name)
	ceil, err := ceilImport()
	if err != nil {
		res.Err = fmt.Errorf("import ceiling: %w", err)
		return res
	}
	if ceil.RSSKiB > 0 {
		ceilRSSNote = fmt.Sprintf("%.0f MiB", float64(ceil.RSSKiB)/mib)
	}
	speedShare := ceil.Wall.Seconds() / imp.Wall.Seconds()
	res.add(row{"import: wall time", fmtDur(imp.Wall), fmtDur(ceil.Wall), pct(speedShare), "≥ 33% of ceiling speed",
		verdict(speedShare >= 1.0/3, fmt.Sprintf("%.1f× too slow", (1.0/3)/speedShare))})
	res.add(row{"import: rows/s", fmtRate(float64(total) / imp.Wall.Seconds()), fmtRate(float64(total) / ceil.Wall.Seconds()), pct(speedShare), "", ""})
	if name == "sqlite" {
		logf("%s: import ceiling of the driver", name)
		drv, err := driverCeiling(ctx, pkg, filepath.Join(dir, "driver.db"))
		if err != nil {
			res.Err = fmt.Errorf("driver ceiling: %w", err)
			return res
		}
		share := drv.Seconds() / imp.Wall.Seconds()
		res.add(row{"import: rows/s vs the driver loading plain tables (modernc.org/sqlite, in the bench process)",
			fmtRate(float64(total) / imp.Wall.Seconds()), fmtRate(float64(total) / drv.Seconds()), pct(share), "", ""})
	}
	// The floor reads the ceiling's tables, so it runs after the ceiling.
	logf("%s: import schema floor", name)
	floors, err := floor()
	if err != nil {
		res.Err = fmt.Errorf("schema floor: %w", err)
		return res
	}
	for _, f := range floors {
		res.add(row{f.Metric, fmtDur(f.Wall) + fmt.Sprintf(" (%s rows/s)", fmtRate(float64(total)/f.Wall.Seconds())),
			fmtDur(ceil.Wall) + fmt.Sprintf(" (%s rows/s)", fmtRate(float64(total)/ceil.Wall.Seconds())),
			pct(ceil.Wall.Seconds() / f.Wall.Seconds()), "", ""})
	}
	if pg != nil {
		// The ceiling's and the floor's tables are the bench's, not the
		// product's: dropped now, their dirty pages are never written, and
		// the server's checkpoints during the load scenarios flush only
		// what oneroster's import wrote.
		pg.dropCeilings()
	}
	rss := float64(imp.RSSKiB) / mib
	res.add(row{"import: peak RSS", fmt.Sprintf("%.0f MiB", rss), ceilRSSNote, "", "≤ 512 MiB", verdict(rss <= 512, fmt.Sprintf("+%.0f MiB", rss-512))})

	// 2. Serve, a client, a token.
	logf("%s: serve", name)
	srv, err := startServe(ctx, bin, dsn, filepath.Join(dir, "serve.log"))
	if err != nil {
		res.Err = err
		return res
	}
	defer srv.stop()
	a, err := newAPI(ctx, bin, dsn, srv.base, c.Conns)
	if err != nil {
		res.Err = err
		return res
	}
	// A vendor's client under sharing rules: one school, two properties hidden.
	ra, err := newAPI(ctx, bin, dsn, srv.base, c.Conns, "--orgs", restrictedSchool, "--hide", "user.phone user.sms")
	if err != nil {
		res.Err = err
		return res
	}

	// 3. REST under load, each scenario beside the same bytes served from memory.
	scen, err := scenarios(ctx, a, ra)
	if err != nil {
		res.Err = err
		return res
	}
	rps, ceilings := map[string]float64{}, map[string]float64{}
	for _, s := range scen {
		logf("%s: load %s", name, s.name)
		if rps[s.name], ceilings[s.name], err = loadRows(ctx, c, a, s, &res); err != nil {
			res.Err = err
			return res
		}
	}
	// 3b. The GET scenarios again on a second server with no cache at
	// all (--cache-mb 0: no rendered objects, totals or page ids), as a
	// first sync after an import meets them, and that first sync.
	logf("%s: serve with no cache", name)
	if err := coldRows(ctx, c, bin, dsn, dir, a, ra, rps, ceilings, &res, logf); err != nil {
		res.Err = err
		return res
	}
	if full, restricted := rps[usersPage], rps[restrictedUsersPage]; full > 0 && restricted > 0 {
		cost := full / restricted
		res.add(row{Metric: "sharing rules: " + usersPage + " req/s unrestricted ÷ restricted to one school", Value: fmt.Sprintf("%.2f×", cost),
			Target: "≤ 1.5×", Verdict: verdict(cost <= 1.5, fmt.Sprintf("%.2f× over", cost/1.5))})
	}

	// 4. Deep paging and the full pull.
	logf("%s: paging", name)
	full, err := paging(ctx, a, students, &res)
	if err != nil {
		res.Err = err
		return res
	}

	// 5. Change polling: a delta package changes 1% of the users.
	logf("%s: change polling", name)
	if err := polling(ctx, bin, dsn, pkg, dir, a, full, &res); err != nil {
		res.Err = err
		return res
	}

	// 6. Export of the whole district, with the server stopped.
	srv.stop()
	logf("%s: export", name)
	exp, err := runMeasured(ctx, nil, bin, "export", "--db", dsn, filepath.Join(dir, "export"))
	if err != nil {
		res.Err = err
		return res
	}
	_, exported, _ := countRows(filepath.Join(dir, "export"))
	res.add(row{"export: wall time", fmtDur(exp.Wall) + fmt.Sprintf(" (%s rows/s)", fmtRate(float64(exported)/exp.Wall.Seconds())), "", "", "", ""})
	rss = float64(exp.RSSKiB) / mib
	res.add(row{"export: peak RSS", fmt.Sprintf("%.0f MiB", rss), "", "", "≤ 512 MiB", verdict(rss <= 512, fmt.Sprintf("+%.0f MiB", rss-512))})
	return res
}

// sqliteCeiling loads every CSV file of the package into plain TEXT tables
// of a fresh database with the sqlite3 shell's .import.
func sqliteCeiling(ctx context.Context, pkg, db string) (measured, error) {
	files, err := dataFiles(pkg)
	if err != nil {
		return measured{}, err
	}
	os.Remove(db)
	var script strings.Builder
	script.WriteString(".bail on\n.mode csv\n")
	for _, f := range files {
		h, err := csvHeader(f)
		if err != nil {
			return measured{}, err
		}
		table := strings.TrimSuffix(filepath.Base(f), ".csv")
		fmt.Fprintf(&script, "CREATE TABLE %s (%s);\n", quoteIdent(table), textColumns(h))
		fmt.Fprintf(&script, ".import --skip 1 '%s' %s\n", strings.ReplaceAll(f, "'", "''"), table)
	}
	return runMeasured(ctx, strings.NewReader(script.String()), "sqlite3", db)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func textColumns(header []string) string {
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = quoteIdent(strings.TrimPrefix(h, "\ufeff")) + " TEXT"
	}
	return strings.Join(cols, ", ")
}

// pgSchemas is a set of fresh schemas: one for oneroster, one for the
// COPY ceiling, one for the schema floor. drop removes them all.
type pgSchemas struct {
	admin                  *pgx.Conn
	url                    string
	dsn                    string
	store, copied, floored string
	version                string
}

func newPGSchemas(ctx context.Context, pgURL string) (*pgSchemas, error) {
	admin, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	p := &pgSchemas{admin: admin, url: pgURL, store: "bench_" + hex.EncodeToString(b)}
	p.copied, p.floored = p.store+"_copy", p.store+"_floor"
	admin.QueryRow(ctx, "SHOW server_version").Scan(&p.version)
	p.version = "PostgreSQL " + p.version
	for _, s := range []string{p.store, p.copied, p.floored} {
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+s); err != nil {
			p.drop()
			return nil, fmt.Errorf("postgres: %w", err)
		}
	}
	if p.dsn, err = postgres.SchemaURL(pgURL, p.store); err != nil {
		p.drop()
		return nil, err
	}
	return p, nil
}

// dropCeilings drops the ceiling's and the floor's schemas.
func (p *pgSchemas) dropCeilings() { p.dropSchemas(p.copied, p.floored) }

// drop drops every schema and closes the connection.
func (p *pgSchemas) drop() {
	p.dropSchemas(p.store, p.copied, p.floored)
	p.admin.Close(context.Background())
}

func (p *pgSchemas) dropSchemas(names ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, s := range names {
		p.admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+s+" CASCADE")
	}
}

// copyCeiling loads every CSV file into plain text tables with COPY … FROM
// STDIN (FORMAT csv, HEADER true), the file's bytes streamed as they are.
// The work happens in the server, so there is no client RSS to report.
func (p *pgSchemas) copyCeiling(ctx context.Context, pkg string) (measured, error) {
	files, err := dataFiles(pkg)
	if err != nil {
		return measured{}, err
	}
	conn, err := pgx.Connect(ctx, p.url)
	if err != nil {
		return measured{}, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET search_path TO "+p.copied); err != nil {
		return measured{}, err
	}
	start := time.Now()
	for _, f := range files {
		h, err := csvHeader(f)
		if err != nil {
			return measured{}, err
		}
		table := quoteIdent(strings.TrimSuffix(filepath.Base(f), ".csv"))
		if _, err := conn.Exec(ctx, "CREATE TABLE "+table+" ("+textColumns(h)+")"); err != nil {
			return measured{}, err
		}
		fh, err := os.Open(f)
		if err != nil {
			return measured{}, err
		}
		_, err = conn.PgConn().CopyFrom(ctx, fh, "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)")
		fh.Close()
		if err != nil {
			return measured{}, fmt.Errorf("COPY %s: %w", table, err)
		}
	}
	return measured{Wall: time.Since(start)}, nil
}

// server is a running oneroster serve.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
}

func startServe(ctx context.Context, bin, dsn, logPath string, args ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"serve", "--db", dsn, "--addr", addr, "--rate-limit", "-1", "--token-ttl", "12h"}, args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case <-s.done:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("oneroster serve exited: %s", tail(b))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("oneroster serve did not answer /healthz within 60 s")
		}
	}
}

// stop interrupts the server (it drains) and kills it after 15 s.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// newAPI creates a client holding every scope with the CLI, as an operator
// would, and fetches a token for it.
func newAPI(ctx context.Context, bin, dsn, base string, conns int, rules ...string) (*api, error) {
	m, err := runMeasured(ctx, nil, bin, append([]string{"clients", "create", "--db", dsn, "--name", "bench",
		"--scope", strings.Join(auth.ShortNames(auth.AllScopes), " "), "--json"}, rules...)...)
	if err != nil {
		return nil, err
	}
	var cl struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal(m.Stdout, &cl); err != nil || cl.ID == "" {
		return nil, fmt.Errorf("clients create --json: %v: %s", err, m.Stdout)
	}
	req, err := http.NewRequestWithContext(ctx, "POST", base+auth.TokenPath, strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(cl.ID, cl.Secret)
	client := newClient(conns)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return nil, fmt.Errorf("token: status %d: %v", resp.StatusCode, err)
	}
	return &api{base: base, token: tok.AccessToken, client: client}, nil
}

// scenario is one REST workload.
type scenario struct {
	name   string
	target bool // the /users?limit=100 targets apply
	mk     requestFunc
	want   int // the success status; 0 means 200
}

func (s scenario) status() int {
	if s.want == 0 {
		return 200
	}
	return s.want
}

// listIDs reads up to 1000 sourcedIds of a collection.
func listIDs(ctx context.Context, a *api, path, key string) ([]string, error) {
	_, b, err := a.get(ctx, path+q("limit", "1000", "fields", "sourcedId"))
	if err != nil {
		return nil, err
	}
	var page map[string][]struct {
		SourcedID string `json:"sourcedId"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return nil, err
	}
	var ids []string
	for _, x := range page[key] {
		ids = append(ids, x.SourcedID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("GET %s: no %s", path, key)
	}
	return ids, nil
}

// The scenarios the sharing rules' cost is read from, and the school the
// restricted client sees (the generator's first, at every size).
const (
	usersPage           = "GET /users?limit=100"
	restrictedUsersPage = "GET /users?limit=100 as a client restricted to one school, 2 properties hidden"
	restrictedSchool    = "org/sch-001"
)

func scenarios(ctx context.Context, a, restricted *api) ([]scenario, error) {
	users, err := listIDs(ctx, a, rostering+"/users", "users")
	if err != nil {
		return nil, err
	}
	classes, err := listIDs(ctx, a, rostering+"/classes", "classes")
	if err != nil {
		return nil, err
	}
	// PUT bodies: real results as GET returns them, each in two versions
	// with different scores so that every PUT changes the stored row.
	_, b, err := a.get(ctx, gradebook+"/results"+q("limit", "500"))
	if err != nil {
		return nil, err
	}
	var page struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(b, &page); err != nil || len(page.Results) == 0 {
		return nil, fmt.Errorf("GET /results: %v (%d results)", err, len(page.Results))
	}
	type put struct {
		id     string
		bodies [2][]byte
	}
	var puts []put
	for _, r := range page.Results {
		id, _ := r["sourcedId"].(string)
		var p put
		p.id = id
		for v := 0; v < 2; v++ {
			r["score"] = float64(40 + v*7)
			if p.bodies[v], err = json.Marshal(map[string]any{"result": r}); err != nil {
				return nil, err
			}
		}
		puts = append(puts, p)
	}
	filter := "roles.role='student' AND dateLastModified>'2000-01-01T00:00:00Z'"
	z := a.withGzip()
	return []scenario{
		{usersPage, true, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/users?limit=100", nil)
		}, 0},
		{usersPage + ", Accept-Encoding: gzip", false, func(ctx context.Context, i int) (*http.Request, error) {
			return z.request(ctx, "GET", rostering+"/users?limit=100", nil)
		}, 0},
		{restrictedUsersPage, false, func(ctx context.Context, i int) (*http.Request, error) {
			return restricted.request(ctx, "GET", rostering+"/users?limit=100", nil)
		}, 0},
		{"GET /users?filter=roles.role='student' AND dateLastModified>'2000-01-01…'&limit=100", false, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/users"+q("filter", filter, "limit", "100"), nil)
		}, 0},
		{"GET /students?limit=100", false, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/students?limit=100", nil)
		}, 0},
		{"GET /users?filter=roles.role='student'&limit=100", false, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/users"+q("filter", "roles.role='student'", "limit", "100"), nil)
		}, 0},
		{"GET /classes/{id}/students", false, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/classes/"+url.PathEscape(classes[i%len(classes)])+"/students", nil)
		}, 0},
		{"GET /users/{id}", false, func(ctx context.Context, i int) (*http.Request, error) {
			return a.request(ctx, "GET", rostering+"/users/"+url.PathEscape(users[i%len(users)]), nil)
		}, 0},
		{"PUT /results/{id}", false, func(ctx context.Context, i int) (*http.Request, error) {
			p := puts[i%len(puts)]
			return a.request(ctx, "PUT", gradebook+"/results/"+url.PathEscape(p.id), p.bodies[(i/len(puts))%2])
		}, 201},
	}, nil
}

// loadRows runs a scenario against the server, then against a ceiling
// server answering with the bytes of the scenario's first response, and
// returns the server's requests/s.
func loadRows(ctx context.Context, c config, a *api, s scenario, res *engineResult) (rps, ceiling float64, err error) {
	req, err := s.mk(ctx, 0)
	if err != nil {
		return 0, 0, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	var body []byte
	body, err = readAll(resp)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != s.status() {
		return 0, 0, fmt.Errorf("%s: status %d: %s", s.name, resp.StatusCode, tail(body))
	}
	got := runLoad(ctx, newClient(c.Conns), c.Conns, c.Duration, c.MaxRequests, s.status(), s.mk)
	if got.N == 0 {
		// Not one request finished within the bound: say so and go on.
		res.add(row{Metric: s.name + ": requests/s", Value: "none completed in " + c.Duration.String(), Verdict: missedIf(s.target)})
		res.add(row{Metric: s.name + ": p50", Value: "> " + c.Duration.String()})
		res.add(row{Metric: s.name + ": p99", Value: "> " + c.Duration.String(), Verdict: missedIf(s.target)})
		res.note("%s: no request completed within %s (%d errors)%s", s.name, c.Duration, got.Errors, firstErr(got))
		return 0, 0, nil
	}
	hdr := http.Header{"Content-Type": resp.Header.Values("Content-Type")}
	if len(body) == 0 {
		hdr = http.Header{}
	}
	ce, err := startCeiling(200, hdr, body)
	if err != nil {
		return 0, 0, err
	}
	cu, _ := url.Parse(ce.URL)
	ceil := runLoad(ctx, newClient(c.Conns), c.Conns, c.Duration, c.MaxRequests, 200, func(ctx context.Context, i int) (*http.Request, error) {
		r, err := s.mk(ctx, i)
		if err == nil {
			r.URL.Scheme, r.URL.Host, r.Host = cu.Scheme, cu.Host, ""
		}
		return r, err
	})
	ce.Close()
	share := got.RPS / ceil.RPS
	r := row{Metric: s.name + ": requests/s", Value: fmt.Sprintf("%.0f", got.RPS), Ceiling: fmt.Sprintf("%.0f", ceil.RPS), Share: pct(share)}
	p50 := row{Metric: s.name + ": p50", Value: fmtDur(got.P50), Ceiling: fmtDur(ceil.P50)}
	p99 := row{Metric: s.name + ": p99", Value: fmtDur(got.P99), Ceiling: fmtDur(ceil.P99)}
	if s.target {
		r.Target, r.Verdict = "≥ 25% of ceiling", verdict(share >= 0.25, fmt.Sprintf("%.1f× short", 0.25/share))
		p99.Target, p99.Verdict = "< 20 ms", verdict(got.P99 < 20*time.Millisecond, fmt.Sprintf("+%s", fmtDur(got.P99-20*time.Millisecond)))
	}
	res.add(r)
	res.add(p50)
	res.add(p99)
	res.note("%s: %d requests in %s, %d errors; ceiling %d requests in %s (%d-byte response)%s",
		s.name, got.N, fmtDur(got.Elapsed), got.Errors, ceil.N, fmtDur(ceil.Elapsed), len(body), firstErr(got))
	if got.Errors > 0 {
		return got.RPS, ceil.RPS, fmt.Errorf("%s: %d requests failed: %s", s.name, got.Errors, got.FirstErr)
	}
	return got.RPS, ceil.RPS, nil
}

// coldRows runs the GET scenarios on a server with no cache (its rows:
// requests/s beside the same ceiling, the share of it, the cached figure
// and the time of a page against the uncached GET /users?limit=100), then
// a consumer's first sync of /students.
func coldRows(ctx context.Context, c config, bin, dsn, dir string, a, ra *api, rps, ceilings map[string]float64, res *engineResult, logf func(string, ...any)) error {
	srv, err := startServe(ctx, bin, dsn, filepath.Join(dir, "serve-cold.log"), "--cache-mb", "0")
	if err != nil {
		return err
	}
	defer srv.stop()
	ca, cra := a.withBase(srv.base), ra.withBase(srv.base)
	scen, err := scenarios(ctx, ca, cra)
	if err != nil {
		return err
	}
	var base float64
	for _, s := range scen {
		if s.status() != 200 {
			continue // writes: the cache plays no part
		}
		logf("cold: load %s", s.name)
		got := runLoad(ctx, newClient(c.Conns), c.Conns, c.Duration, c.MaxRequests, 200, s.mk)
		if got.Errors > 0 {
			return fmt.Errorf("cold %s: %d requests failed: %s", s.name, got.Errors, got.FirstErr)
		}
		if s.name == usersPage {
			base = got.RPS
		}
		r := row{Metric: "no cache: " + s.name + ": requests/s", Value: fmt.Sprintf("%.0f (%.0f cached)", got.RPS, rps[s.name])}
		if ceil := ceilings[s.name]; ceil > 0 && got.RPS > 0 {
			r.Ceiling, r.Share = fmt.Sprintf("%.0f", ceil), pct(got.RPS/ceil)
		}
		if !strings.HasSuffix(s.name, "{id}") && s.name != usersPage && base > 0 && got.RPS > 0 {
			// A list: its page's time against the uncached /users page.
			ratio := base / got.RPS
			r.Target, r.Verdict = "≤ 3× the time of "+usersPage, verdict(ratio <= 3, fmt.Sprintf("%.1f×", ratio))
			if ratio <= 3 {
				r.Verdict = fmt.Sprintf("met (%.1f×)", ratio)
			}
		}
		res.add(r)
		res.add(row{Metric: "no cache: " + s.name + ": p50", Value: fmtDur(got.P50)})
	}
	logf("cold: every list operation")
	if err := everyList(ctx, ca, res); err != nil {
		return err
	}
	// A consumer's first sync: every page of /students, following Link next.
	t0 := time.Now()
	n, pages, err := pull(ctx, ca, rostering+"/students?limit=100", "users")
	if err != nil {
		return err
	}
	res.add(row{Metric: "no cache: first sync, /students?limit=100 following Link next", Value: fmt.Sprintf("%s (%d students, %d pages, %s a page)",
		fmtDur(time.Since(t0)), n, pages, fmtDur(time.Since(t0)/time.Duration(max(pages, 1))))})
	return nil
}

func firstErr(r loadResult) string {
	if r.FirstErr == "" {
		return ""
	}
	return "; first error: " + r.FirstErr
}

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// timeGets times five requests, path(0) to path(4), and returns the
// median.
func timeGets(ctx context.Context, a *api, path func(i int) string) (time.Duration, error) {
	var ds []time.Duration
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		if _, _, err := a.get(ctx, path(i)); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

// pull GETs a collection page by page, following Link rel="next", and
// counts the objects.
func pull(ctx context.Context, a *api, first, key string) (n, pages int, err error) {
	next := first
	for next != "" {
		resp, b, err := a.get(ctx, next)
		if err != nil {
			return n, pages, err
		}
		var page map[string][]json.RawMessage
		if err := json.Unmarshal(b, &page); err != nil {
			return n, pages, err
		}
		n += len(page[key])
		pages++
		next = nextLink(resp.Header)
		if len(page[key]) == 0 {
			break
		}
	}
	return n, pages, nil
}

// paging measures a page near the end against the first page, and the
// full pull of /users with limit=10000.
func paging(ctx context.Context, a *api, students int, res *engineResult) (time.Duration, error) {
	resp, _, err := a.get(ctx, rostering+"/users?limit=1")
	if err != nil {
		return 0, err
	}
	total, err := strconv.Atoi(resp.Header.Get("X-Total-Count"))
	if err != nil {
		return 0, fmt.Errorf("X-Total-Count: %v", err)
	}
	last := total - 100
	if last < 0 {
		last = 0
	}
	// Five neighbouring offsets on each side, each asked once: the
	// server caches a page's ids under the data version, so repeating one
	// offset would time the cache, not the page. The first deep request
	// walks the offset (its own row below). Both sides are then timed
	// with their objects rendered and cached (one page of 104 first): the
	// first pages are warm from the load scenarios, and a deep page that
	// renders objects the first pages do not would time the object cache,
	// not the depth.
	t0 := time.Now()
	if _, _, err := a.get(ctx, rostering+"/users?limit=100&offset="+strconv.Itoa(last)); err != nil {
		return 0, err
	}
	cold := time.Since(t0)
	for _, off := range []int{0, max(0, last-4)} {
		if _, _, err := a.get(ctx, rostering+"/users?limit=104&offset="+strconv.Itoa(off)); err != nil {
			return 0, err
		}
	}
	first, err := timeGets(ctx, a, func(i int) string { return rostering + "/users?limit=100&offset=" + strconv.Itoa(i) })
	if err != nil {
		return 0, err
	}
	deep, err := timeGets(ctx, a, func(i int) string { return rostering + "/users?limit=100&offset=" + strconv.Itoa(max(0, last-i)) })
	if err != nil {
		return 0, err
	}
	ratio := deep.Seconds() / first.Seconds()
	res.add(row{"deep paging: /users?limit=100&offset=0…4 (median of 5, objects cached)", fmtDur(first), "", "", "", ""})
	res.add(row{fmt.Sprintf("deep paging: /users?limit=100&offset=%d…%d (median of 5, objects cached)", max(0, last-4), last), fmtDur(deep),
		fmtDur(first) + " (offset 0…4)", fmt.Sprintf("%.2f×", ratio), "≤ 2× offset 0", verdict(ratio <= 2, fmt.Sprintf("%.2f×", ratio))})
	res.add(row{fmt.Sprintf("deep paging: first request at offset %d (walks the offset once per data version)", last), fmtDur(cold),
		fmtDur(first) + " (offset 0…4)", fmt.Sprintf("%.2f×", cold.Seconds()/first.Seconds()), "", ""})

	t0 = time.Now()
	a.wire = 0
	n, pages, err := pull(ctx, a, rostering+"/users?limit=10000", "users")
	if err != nil {
		return 0, err
	}
	full, plain := time.Since(t0), a.wire
	proj := time.Duration(float64(full) * 200000 / float64(students))
	tgt, v := "≤ 10 s at 200k", "n/a below 50k students"
	switch {
	case students == 200000:
		v = verdict(full <= 10*time.Second, fmt.Sprintf("%.1f× over", full.Seconds()/10))
	case students >= 50000:
		v = verdict(proj <= 10*time.Second, fmt.Sprintf("%s projected linearly to 200k", fmtDur(proj)))
		if proj <= 10*time.Second {
			v += " (projected: " + fmtDur(proj) + " at 200k)"
		}
	}
	res.add(row{"full pull: /users?limit=10000, following Link next", fmt.Sprintf("%s (%d users, %d pages, %s)", fmtDur(full), n, pages, fmtBytes(plain)), "", "", tgt, v})
	if n != total {
		res.note("full pull returned %d users, X-Total-Count says %d", n, total)
	}
	// The same pull asking for gzip, which a consumer on a district's
	// network should: its bytes beside those of the plain pull.
	z := a.withGzip()
	t0 = time.Now()
	if _, _, err := pull(ctx, z, rostering+"/users?limit=10000", "users"); err != nil {
		return 0, err
	}
	zfull := time.Since(t0)
	res.add(row{"full pull with Accept-Encoding: gzip", fmt.Sprintf("%s (%s, %.1f%% of the plain pull's %s)", fmtDur(zfull), fmtBytes(z.wire),
		100*float64(z.wire)/float64(plain), fmtBytes(plain)), fmtDur(full) + " plain", "", "", ""})
	return full, nil
}

// fmtBytes is a byte count in MB or kB.
func fmtBytes(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1e3)
}

// polling changes 1% of the users with a delta package imported by the
// CLI, then times the change poll against the unfiltered full pull.
func polling(ctx context.Context, bin, dsn, pkg, dir string, a *api, full time.Duration, res *engineResult) error {
	since := time.Now().UTC().Truncate(time.Millisecond)
	changedAt := since.Add(time.Second).Format("2006-01-02T15:04:05.000Z")
	delta := filepath.Join(dir, "delta")
	changed, err := writeDelta(pkg, delta, changedAt)
	if err != nil {
		return err
	}
	m, err := runMeasured(ctx, nil, bin, "import", "--db", dsn, delta)
	if err != nil {
		return err
	}
	res.add(row{fmt.Sprintf("delta import: %d users (1%%) changed", changed), fmtDur(m.Wall), "", "", "", ""})
	path := rostering + "/users" + q("filter", "dateLastModified>'"+since.Format("2006-01-02T15:04:05.000Z")+"'", "limit", "10000")
	var ds []time.Duration
	var n int
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		if n, _, err = pull(ctx, a, path, "users"); err != nil {
			return err
		}
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	poll := ds[1]
	share := poll.Seconds() / full.Seconds()
	res.add(row{"change polling: /users?filter=dateLastModified>'T' (median of 3)", fmt.Sprintf("%s (%d users)", fmtDur(poll), n),
		fmtDur(full) + " (full pull)", pct(share), "≤ 5% of the full pull (1% changed)",
		verdict(share <= 0.05, fmt.Sprintf("%s of the full pull", pct(share)))})
	if n != changed {
		res.note("change poll returned %d users, the delta changed %d", n, changed)
	}
	return nil
}

// writeDelta writes a delta package in which every 100th user of the
// package's users.csv is active with a new preferredGivenName and the given
// dateLastModified; every other file is absent.
func writeDelta(pkg, out, changedAt string) (int, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	in, err := os.Open(filepath.Join(pkg, "manifest.csv"))
	if err != nil {
		return 0, err
	}
	recs, err := csv.NewReader(in).ReadAll()
	in.Close()
	if err != nil {
		return 0, err
	}
	for _, r := range recs {
		if len(r) == 2 && strings.HasPrefix(r[0], "file.") {
			r[1] = "absent"
			if r[0] == "file.users" {
				r[1] = "delta"
			}
		}
	}
	if err := writeCSV(filepath.Join(out, "manifest.csv"), recs); err != nil {
		return 0, err
	}
	in, err = os.Open(filepath.Join(pkg, "users.csv"))
	if err != nil {
		return 0, err
	}
	defer in.Close()
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return 0, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, c := range []string{"status", "dateLastModified", "preferredGivenName"} {
		if _, ok := col[c]; !ok {
			return 0, fmt.Errorf("users.csv has no %s column", c)
		}
	}
	rows := [][]string{header}
	for i := 0; ; i++ {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if i%100 != 0 {
			continue
		}
		rec[col["status"]] = "active"
		rec[col["dateLastModified"]] = changedAt
		rec[col["preferredGivenName"]] = "Bench"
		rows = append(rows, rec)
	}
	return len(rows) - 1, writeCSV(filepath.Join(out, "users.csv"), rows)
}

func writeCSV(path string, recs [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(recs)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func fmtRate(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }

func pct(x float64) string {
	if x < 0.1 {
		return fmt.Sprintf("%.1f%%", 100*x)
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

func missedIf(target bool) string {
	if target {
		return "**missed**"
	}
	return ""
}
