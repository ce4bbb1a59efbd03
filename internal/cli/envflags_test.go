package cli_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
)

// TestServeHelpNamesEveryVariable: serve --help lists every flag with the
// variable the one rule gives it.
func TestServeHelpNamesEveryVariable(t *testing.T) {
	r := run(t, "serve", "--help")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("serve --help: exit %d, stderr %q", r.code, r.stderr)
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		name, ok := strings.CutPrefix(sc.Text(), "  -")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, " ")
		sc.Scan()
		want := "(env ONEROSTER_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + ")"
		if !strings.Contains(sc.Text(), want) {
			t.Errorf("serve --help: -%s says %q, want it to name %s", name, sc.Text(), want)
		}
		n++
	}
	if n < 8 {
		t.Errorf("serve --help lists %d flags:\n%s", n, r.stdout)
	}
	for _, v := range []string{"ONEROSTER_ADDR", "ONEROSTER_DB", "ONEROSTER_PUBLIC_URL", "ONEROSTER_TOKEN_TTL", "ONEROSTER_CACHE_MB"} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("serve --help does not name %s", v)
		}
	}
}

// TestServeFlagsFromEnv: the address, database and public URL come from
// the environment; a flag on the command line wins over its variable.
func TestServeFlagsFromEnv(t *testing.T) {
	t.Setenv("ONEROSTER_DB", newDB(t))
	t.Setenv("ONEROSTER_ADDR", "127.0.0.1:0")
	t.Setenv("ONEROSTER_PUBLIC_URL", "https://from-env.example")
	t.Setenv("ONEROSTER_MAX_LIMIT", "not a number") // overridden below: never read
	addr, stop := startServe(t, "--max-limit", "50")
	if got := discoveryServer(t, addr); got != "https://from-env.example/ims/oneroster/rostering/v1p2" {
		t.Errorf("with ONEROSTER_PUBLIC_URL: discovery's server %q", got)
	}
	stop()

	t.Setenv("ONEROSTER_MAX_LIMIT", "")
	addr, _ = startServe(t, "--public-url", "https://from-flag.example")
	if got := discoveryServer(t, addr); got != "https://from-flag.example/ims/oneroster/rostering/v1p2" {
		t.Errorf("with --public-url and ONEROSTER_PUBLIC_URL: discovery's server %q", got)
	}
}

func discoveryServer(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/ims/oneroster/rostering/v1p2/discovery")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct{ Servers []struct{ URL string } }
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Servers) == 0 {
		t.Fatalf("discovery: %d %v %.200s", res.StatusCode, err, b)
	}
	return doc.Servers[0].URL
}

// TestServeBadEnvValue: a value a flag refuses is a usage error that
// names the variable and what it wants, before anything is opened.
func TestServeBadEnvValue(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"ONEROSTER_MAX_LIMIT", "lots", "a whole number"},
		{"ONEROSTER_TOKEN_TTL", "1hour", "a duration"},
		{"ONEROSTER_RATE_LIMIT", "fast", "a number"},
		{"ONEROSTER_CACHE_MB", "64MB", "a whole number"},
		{"ONEROSTER_LOG_FORMAT", "yaml", "one of text, json"},
		{"ONEROSTER_LOG_LEVEL", "loud", "one of debug, info, warn, error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			r := run(t, "serve", "--db", newDB(t), "--addr", "127.0.0.1:0")
			if r.code != cli.ExitUsage || !strings.Contains(r.stderr, tc.name+`="`+tc.value+`"`) || !strings.Contains(r.stderr, tc.want) ||
				strings.Contains(r.stderr, "parse error") || r.stdout != "" {
				t.Errorf("%s=%s: exit %d\nstdout %q\nstderr %q", tc.name, tc.value, r.code, r.stdout, r.stderr)
			}
		})
	}
}
