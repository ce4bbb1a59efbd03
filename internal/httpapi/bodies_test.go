package httpapi_test

// End-to-end tests of what request bodies accept and how it reads back,
// on both engines, every response validated against the official OpenAPI.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/csvexport"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// engines runs fn on a gradebook fixture over SQLite, then over PostgreSQL
// (skipped without ONEROSTER_TEST_POSTGRES_URL).
func engines(t *testing.T, files map[string]string, fn func(t *testing.T, f *fixture, st store.Store)) {
	open := map[string]func(t *testing.T) store.Store{
		"sqlite":   openSQLite,
		"postgres": func(t *testing.T) store.Store { return storetest.OpenPostgres(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			st := open[name](t)
			storetest.MustImport(t, st, storetest.WritePackage(t, files, ""), storetest.T1)
			srv, api, token := newServer(t, st, httpapi.Config{RateLimit: -1})
			fn(t, &fixture{srv: srv, api: api, v: oastest.Load(t, oastest.Gradebook), token: token}, st)
		})
	}
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "gb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// object returns the wrapped object of a single-object response.
func (r response) object(t *testing.T, key string) map[string]any {
	t.Helper()
	o, ok := r.json(t)[key].(map[string]any)
	if !ok {
		t.Fatalf("%s: no %q object in %s", r.req.URL, key, r.body)
	}
	return o
}

// TestDateLeniency: a date given as a date-time (as Google Classroom sends
// scoreDate) is stored as the date written in it, and a lineItem's
// date-times are stored as the dates its CSV file holds, so the package
// the store exports imports again.
func TestDateLeniency(t *testing.T) {
	engines(t, storetest.DistrictFiles(), func(t *testing.T, f *fixture, st store.Store) {
		put := func(path, body string) {
			t.Helper()
			if r := f.send(t, "PUT", gb+path, body); r.status != 201 {
				t.Fatalf("PUT %s: %d %s", path, r.status, r.body)
			}
		}
		put("/results/gc-1", `{"result":{"sourcedId":"gc-1","dateLastModified":"2026-12-02T13:41:05.474Z","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","score":8,"scoreDate":"2026-12-02T13:41:05.474Z"}}`)
		put("/results/gc-2", `{"result":{"sourcedId":"gc-2","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s2"},"scoreStatus":"fully graded","score":8,"scoreDate":"2026-12-02T20:00:00-05:00"}}`)
		put("/lineItems/gc-li", `{"lineItem":{"sourcedId":"gc-li","title":"Essay","assignDate":"2026-12-01T08:00:00-05:00",`+
			`"dueDate":"2026-12-08T23:59:00-05:00","class":{"sourcedId":"cl-1"},"school":{"sourcedId":"org/sch-1"},"category":{"sourcedId":"cat-hw"},"academicSession":{"sourcedId":"gp-1"}}}`)
		put("/assessmentLineItems/gc-ali", `{"assessmentLineItem":{"sourcedId":"gc-ali","title":"Test"}}`)
		put("/assessmentResults/gc-ar", `{"assessmentResult":{"sourcedId":"gc-ar","assessmentLineItem":{"sourcedId":"gc-ali"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"submitted","scoreDate":"2026-12-02T01:00:00+09:00"}}`)

		for path, want := range map[string]map[string]string{
			"/results/gc-1":            {"scoreDate": "2026-12-02"},
			"/results/gc-2":            {"scoreDate": "2026-12-02"}, // 3 December in UTC
			"/assessmentResults/gc-ar": {"scoreDate": "2026-12-02"}, // 1 December in UTC
			"/lineItems/gc-li":         {"assignDate": "2026-12-01T00:00:00.000Z", "dueDate": "2026-12-08T00:00:00.000Z"},
		} {
			key := strings.TrimSuffix(strings.Split(path, "/")[1], "s")
			o := f.get(t, gb+path).object(t, key)
			for prop, v := range want {
				if o[prop] != v {
					t.Errorf("GET %s: %s = %v, want %s", path, prop, o[prop], v)
				}
			}
			if dlm, _ := o["dateLastModified"].(string); strings.HasPrefix(dlm, "2026-12-02T13:41") {
				t.Errorf("GET %s: dateLastModified %s is the client's, not the server's", path, dlm)
			}
		}
		// Stored as a date, the due date is found by a date filter.
		r := f.get(t, gb+"/lineItems?filter="+url.QueryEscape("dueDate='2026-12-08'"))
		if ids := r.ids(t, "lineItems"); len(ids) != 1 || ids[0] != "gc-li" {
			t.Errorf("lineItems due on 2026-12-08: %v", ids)
		}
		if r := f.send(t, "PUT", gb+"/results/gc-1", `{"result":{"sourcedId":"gc-1","dateLastModified":"yesterday","lineItem":{"sourcedId":"li-1"},`+
			`"student":{"sourcedId":"u-s1"},"scoreStatus":"fully graded","scoreDate":"2026-12-02"}}`); r.status != 422 ||
			!strings.Contains(string(r.body), `result.dateLastModified: \"yesterday\" is not a valid date-time`) {
			t.Errorf("dateLastModified yesterday: %d %s", r.status, r.body)
		}

		dir := t.TempDir()
		if _, err := csvexport.Export(context.Background(), st, dir, csvexport.Options{}); err != nil {
			t.Fatal(err)
		}
		csv, err := os.ReadFile(filepath.Join(dir, "lineItems.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(csv), "\ngc-li,,,Essay,,2026-12-01,2026-12-08,") {
			t.Errorf("lineItems.csv does not hold gc-li with its dates:\n%s", csv)
		}
		storetest.MustImport(t, openSQLite(t), dir, storetest.T1)
	})
}

// TestBodyEncoding: a body that is not UTF-8, or escapes half a surrogate
// pair, is refused whole (400) rather than stored with U+FFFD.
func TestBodyEncoding(t *testing.T) {
	f := newGradebookFixture(t)
	for name, tc := range map[string]struct{ comment, bad string }{
		"invalid UTF-8":  {"caf\xe9", "\xe9"},
		"lone surrogate": {`x\ud83d`, `\ud83d`},
	} {
		body := `{"result":{"sourcedId":"enc-1","lineItem":{"sourcedId":"li-1"},"student":{"sourcedId":"u-s1"},` +
			`"scoreStatus":"fully graded","scoreDate":"2025-09-08","comment":"` + tc.comment + `"}}`
		r := f.send(t, "PUT", gb+"/results/enc-1", body)
		want := fmt.Sprintf("malformed JSON at byte %d: ", strings.Index(body, tc.bad)+1)
		if r.status != 400 || r.codeMinor(t) != "invaliddata" || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %s, want 400 saying %q", name, r.status, r.body, want)
		}
	}
	if r := f.get(t, gb+"/results/enc-1"); r.status != 404 {
		t.Errorf("a refused body was stored: %d %s", r.status, r.body)
	}
}
