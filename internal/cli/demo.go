package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/httpapi"
)

func runDemo(ctx context.Context, e *env, args []string) int {
	fs := e.flags("demo", "[--addr HOST:PORT] [--students N] [--db DSN]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (when it is taken and not given explicitly, a free port is used)")
	students := fs.Int("students", 500, "students in the generated district")
	db := fs.String("db", "", "keep the demo data in this database (default: a temporary SQLite file)")
	pos, err := parse(fs, args)
	if err != nil {
		return usageErr(e, fs, err)
	}
	if len(pos) != 0 {
		return usageErr(e, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	addrGiven := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "addr" {
			addrGiven = true
		}
	})

	tmp, err := os.MkdirTemp("", "oneroster-demo-")
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster demo: %v\n", err)
		return ExitRejected
	}
	defer os.RemoveAll(tmp)
	dsn := *db
	if dsn == "" {
		dsn = filepath.Join(tmp, "demo.db")
	}
	pkg := filepath.Join(tmp, "package")
	sum, err := generate.Write(pkg, generate.Options{Students: *students, Seed: 1})
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster demo: generate: %v\n", err)
		return ExitRejected
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster demo: %v\n", err)
		return ExitRejected
	}
	defer st.Close()
	rep, err := csvimport.Import(ctx, st, pkg, csvimport.Options{Source: "demo"})
	if err != nil || !rep.OK {
		fmt.Fprintf(e.stderr, "oneroster demo: import failed: %v\n", err)
		if rep != nil {
			printReport(e, pkg, rep)
		}
		return ExitRejected
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil && !addrGiven && errors.Is(err, syscall.EADDRINUSE) {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster demo: %v (choose another with --addr)\n", err)
		return ExitRejected
	}
	svc := auth.New(st, auth.Config{})
	id, secret, err := svc.CreateClient(ctx, "demo", auth.AllScopes, auth.Rules{})
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster demo: %v\n", err)
		return ExitRejected
	}
	base := "http://" + ln.Addr().String()
	api := base + "/ims/oneroster/rostering/v1p2"
	fmt.Fprintf(e.stdout, `OneRoster 1.2 demo: a synthetic district (%s)
imported in %s into %s

Serving on %s
A demo client holding every scope:
  client_id:     %s
  client_secret: %s

Get a token, then call the API with it:
  TOKEN=$(curl -s -u '%s:%s' -d grant_type=client_credentials %s%s | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -s -H "Authorization: Bearer $TOKEN" '%s/users?limit=2'
  curl -s -H "Authorization: Bearer $TOKEN" '%s/schools'
  curl -s -H "Authorization: Bearer $TOKEN" '%s/students?filter=familyName~%%27son%%27&fields=sourcedId,givenName,familyName&limit=5'
  curl -si -H "Authorization: Bearer $TOKEN" '%s/classes?limit=1&offset=3' | grep -i -e '^link' -e '^x-total-count'
  curl -s -H "Authorization: Bearer $TOKEN" '%s/ims/oneroster/gradebook/v1p2/lineItems?limit=2'
  curl -s -H "Authorization: Bearer $TOKEN" '%s/ims/oneroster/resources/v1p2/resources?limit=2'
  curl -s '%s/discovery/'

Press Ctrl-C to stop.
`, describe(sum), rep.Elapsed.Round(1e6), dsn, api, id, secret, id, secret, base, auth.TokenPath, api, api, api, api, base, base, api)
	return serve(ctx, e, st, ln, nil, nil, httpapi.Config{Auth: svc})
}
