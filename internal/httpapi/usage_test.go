package httpapi_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/httpapi"
)

// TestUsageFigures (issue 16 item 6): each client's requests and the
// records it received are counted in memory and written in a batch, not
// once per request; FlushUsage writes what is pending.
func TestUsageFigures(t *testing.T) {
	ctx := context.Background()
	_, st := generatedDistrict(t, 60, 3)
	svc := auth.New(st, auth.Config{})
	id, secret, err := svc.CreateClient(ctx, "app", auth.AllScopes, auth.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := svc.Issue(ctx, id, secret, "", "test")
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(st, httpapi.Config{Logger: warnLogger, Auth: svc, RateLimit: -1})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, token: tok}
	const base = "/ims/oneroster/rostering/v1p2"
	user := f.do(t, "GET", base+"/users?limit=1", false).ids(t, "users")[0] // 1 record
	f.do(t, "GET", base+"/users/"+user, false)                              // 1
	f.do(t, "GET", base+"/users?limit=10&offset=2", false)                  // 10
	f.do(t, "GET", base+"/users?limit=2000", false)                         // all of them (bulk)
	f.do(t, "GET", base+"/users/no-such-user", false)                       // 0
	all := len(f.do(t, "GET", base+"/users?limit=5000", false).ids(t, "users"))
	if u, _ := st.UsageSince(ctx, time.Now().Add(-time.Hour)); u[id].Requests != 0 {
		t.Errorf("the figures were written before a batch was due: %+v", u[id])
	}
	if err := api.FlushUsage(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.UsageSince(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := u[id]
	if want := int64(1 + 1 + 10 + all + 0 + all); got.Requests != 6 || got.Records != want || time.Since(got.LastUsed) > time.Minute {
		t.Errorf("usage %+v; want 6 requests, %d records, used just now", got, want)
	}
	if err := api.FlushUsage(ctx); err != nil { // nothing pending: nothing added
		t.Fatal(err)
	}
	if u, _ := st.UsageSince(ctx, time.Now().Add(-time.Hour)); u[id].Requests != 6 {
		t.Errorf("a second flush added again: %+v", u[id])
	}
}
