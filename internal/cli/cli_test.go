package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
	"slices"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"import"},
		{"import", "a", "b"},
		{"import", filepath.Join(dir, "missing.zip")},
		{"import", "--nope", "x"},
		{"generate"},
		{"generate", "--out", dir, "--students", "0"},
		{"serve", "extra"},
	} {
		if r := run(t, args...); r.code != cli.ExitUsage {
			t.Errorf("oneroster %v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
	}
	if r := run(t, "help"); r.code != 0 || !strings.Contains(r.stdout, "import") {
		t.Errorf("help: exit %d, %q", r.code, r.stdout)
	}
}

func TestGenerateImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	db := filepath.Join(dir, "x.db")
	if r := run(t, "generate", "--out", pkg, "--students", "60", "--seed", "3"); r.code != 0 {
		t.Fatalf("generate: %d %s", r.code, r.stderr)
	}
	// Flags after the path work as well as before it.
	r := run(t, "import", pkg, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "imported") || !strings.Contains(r.stdout, "enrollments.csv") {
		t.Fatalf("import: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// The environment variable is the default database.
	t.Setenv("ONEROSTER_DB", db)
	zip := filepath.Join(dir, "pkg.zip")
	if r := run(t, "generate", "--zip", "--out", zip, "--students", "60", "--seed", "3"); r.code != 0 {
		t.Fatalf("generate --zip: %d %s", r.code, r.stderr)
	}
	r = run(t, "import", zip)
	if r.code != 0 || !strings.Contains(r.stdout, "unchanged") {
		t.Fatalf("re-import of the same district as a zip: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A broken package: exit 1, the problem with its place, nothing stored.
	body, err := os.ReadFile(filepath.Join(pkg, "orgs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(body), "\n", 3)
	lines[1] = strings.Replace(lines[1], ",district,", ",distrct,", 1)
	if err := os.WriteFile(filepath.Join(pkg, "orgs.csv"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "import", pkg)
	if r.code != cli.ExitRejected || !strings.Contains(r.stderr, "orgs.csv:2:") || !strings.Contains(r.stderr, "ENUM") ||
		!strings.Contains(r.stdout, "nothing was imported") || strings.Contains(r.stdout, "added") || !strings.Contains(r.stdout, "problems shown") {
		t.Errorf("broken import: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "import", "--json", pkg)
	if r.code != cli.ExitRejected || !strings.Contains(r.stdout, `"code": "ENUM"`) {
		t.Errorf("--json: exit %d\n%s", r.code, r.stdout)
	}
}

func TestClients(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	r := run(t, "clients", "create", "--db", db, "--name", "lms", "--scope", "roster.readonly roster-core.readonly", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"client_secret"`) {
		t.Fatalf("create: %d %s %s", r.code, r.stdout, r.stderr)
	}
	var created struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil || created.ClientID == "" {
		t.Fatalf("create output: %v %s", err, r.stdout)
	}
	r = run(t, "clients", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, created.ClientID) || strings.Contains(r.stdout, created.ClientSecret) {
		t.Errorf("list: %d %s", r.code, r.stdout)
	}
	if r := run(t, "clients", "rotate", "--db", db, created.ClientID); r.code != 0 || strings.Contains(r.stdout, created.ClientSecret) {
		t.Errorf("rotate: %d %s", r.code, r.stdout)
	}
	if r := run(t, "clients", "revoke", "--db", db, created.ClientID); r.code != 0 {
		t.Errorf("revoke: %d %s", r.code, r.stderr)
	}
	if r := run(t, "clients", "list", "--db", db, "--json"); !strings.Contains(r.stdout, `"revoked_at"`) {
		t.Errorf("list after revoke: %s", r.stdout)
	}
	for _, args := range [][]string{
		{"clients"}, {"clients", "create", "--db", db, "--scope", "roster.readonly"},
		{"clients", "create", "--db", db, "--name", "x", "--scope", "everything"}, {"clients", "revoke", "--db", db},
	} {
		if r := run(t, args...); r.code != cli.ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
	if r := run(t, "clients", "revoke", "--db", db, "orc_nobody"); r.code != cli.ExitRejected {
		t.Errorf("revoke unknown: exit %d", r.code)
	}
}

func TestValidateAndImports(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	db := filepath.Join(dir, "v.db")
	if r := run(t, "generate", "--out", pkg, "--students", "40"); r.code != 0 {
		t.Fatalf("generate: %s", r.stderr)
	}
	if r := run(t, "validate", pkg); r.code != 0 || !strings.Contains(r.stdout, "is valid") {
		t.Fatalf("validate a good package: %d %s %s", r.code, r.stdout, r.stderr)
	}
	body, _ := os.ReadFile(filepath.Join(pkg, "users.csv"))
	// Another letter case is read with a warning; --strict refuses it.
	os.WriteFile(filepath.Join(pkg, "users.csv"), []byte(strings.Replace(string(body), ",true,", ",True,", 1)), 0o644)
	r := run(t, "validate", pkg)
	if r.code != 0 || !strings.Contains(r.stdout, "warning: users.csv:2:") || !strings.Contains(r.stdout, "CASE_FOLDED") || !strings.Contains(r.stdout, "is valid") {
		t.Errorf("validate a package with a warning: %d %s", r.code, r.stdout)
	}
	if r := run(t, "validate", "--strict", pkg); r.code != cli.ExitRejected || !strings.Contains(r.stdout, "refused by --strict") {
		t.Errorf("validate --strict: %d %s", r.code, r.stdout)
	}
	os.WriteFile(filepath.Join(pkg, "users.csv"), []byte(strings.Replace(string(body), ",true,", ",yes,", 1)), 0o644)
	r = run(t, "validate", pkg)
	if r.code != cli.ExitRejected || !strings.Contains(r.stdout, "users.csv:2:") || !strings.Contains(r.stdout, "BOOLEAN") {
		t.Errorf("validate a bad package: %d %s", r.code, r.stdout)
	}
	r = run(t, "validate", "--format", "json", pkg)
	var out struct {
		Valid    bool
		Problems []struct{ File, Code string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Valid || len(out.Problems) == 0 || out.Problems[0].Code != "BOOLEAN" {
		t.Errorf("validate --format json: %v %s", err, r.stdout)
	}
	if r := run(t, "validate", "--format", "xml", pkg); r.code != cli.ExitUsage {
		t.Errorf("validate --format xml: exit %d", r.code)
	}
	// The same package is refused by import, and the refusal is listed.
	if r := run(t, "import", "--db", db, pkg); r.code != cli.ExitRejected {
		t.Errorf("import of the bad package: %d", r.code)
	}
	r = run(t, "imports", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "rejected") || !strings.Contains(r.stdout, "pkg") {
		t.Errorf("imports: %d %s", r.code, r.stdout)
	}
}

// TestClientRules: a client's hide rule is set at creation, shown by list
// (as an array in JSON, absent when the client hides nothing), changed or
// cleared by update; a rule naming a property that does not exist, or a
// required one, is refused naming it, and nothing changes.
func TestClientRules(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	r := run(t, "clients", "create", "--db", db, "--name", "reading app", "--scope", "roster.readonly", "--hide", "user.sms,user.phone demographics", "--json")
	var created struct {
		ClientID string   `json:"client_id"`
		Hide     []string `json:"hide"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil || r.code != 0 {
		t.Fatalf("create: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if want := []string{"demographics", "user.phone", "user.sms"}; !slices.Equal(created.Hide, want) {
		t.Errorf("create --json hide = %v, want %v", created.Hide, want)
	}
	if r := run(t, "clients", "create", "--db", db, "--name", "lms", "--scope", "roster.readonly"); r.code != 0 || strings.Contains(r.stdout, "hide:") {
		t.Errorf("create without a rule: %d %s", r.code, r.stdout)
	}
	list := func() map[string][]string {
		t.Helper()
		r := run(t, "clients", "list", "--db", db, "--json")
		var cs []struct {
			ID   string   `json:"client_id"`
			Hide []string `json:"hide"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &cs); err != nil {
			t.Fatalf("list: %v %s", err, r.stdout)
		}
		if strings.Count(r.stdout, `"hide"`) != 1 && len(cs) == 2 && len(cs[0].Hide)+len(cs[1].Hide) > 0 {
			t.Errorf("an unrestricted client has a hide key: %s", r.stdout)
		}
		m := map[string][]string{}
		for _, c := range cs {
			m[c.ID] = c.Hide
		}
		return m
	}
	if got := list()[created.ClientID]; len(got) != 3 {
		t.Errorf("list: hide %v", got)
	}
	if r := run(t, "clients", "list", "--db", db); !strings.Contains(r.stdout, "demographics user.phone user.sms") {
		t.Errorf("list (table) does not show the rule: %s", r.stdout)
	}
	for rule, want := range map[string]string{
		"user.givenName": "user.givenName is required by the standard",
		"user.fax":       `user has no property "fax"`,
	} {
		r := run(t, "clients", "update", "--db", db, created.ClientID, "--hide", rule)
		if r.code != cli.ExitRejected || !strings.Contains(r.stderr, want) {
			t.Errorf("update --hide %q: %d %s; want %q", rule, r.code, r.stderr, want)
		}
	}
	if got := list()[created.ClientID]; len(got) != 3 {
		t.Errorf("a refused update changed the rule: %v", got)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--hide", "user.email"); r.code != 0 || !strings.Contains(r.stdout, "hides user.email") {
		t.Errorf("update --hide: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if got := list()[created.ClientID]; !slices.Equal(got, []string{"user.email"}) {
		t.Errorf("after update: %v", got)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--hide", "", "--scope", "roster-core.readonly"); r.code != 0 || !strings.Contains(r.stdout, "hides nothing") {
		t.Errorf("update clearing the rule: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if got := list()[created.ClientID]; got != nil {
		t.Errorf("after clearing: %v", got)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID); r.code != cli.ExitUsage {
		t.Errorf("update without a change: exit %d", r.code)
	}
	if r := run(t, "clients", "update", "--db", db, "orc_nobody", "--hide", ""); r.code != cli.ExitRejected {
		t.Errorf("update of an unknown client: exit %d", r.code)
	}
}

// TestClientOrgs: a client's orgs rule names orgs the store holds (an
// unknown one is refused by name, and nothing changes), is shown by list,
// and --all-orgs lifts it.
func TestClientOrgs(t *testing.T) {
	dir := t.TempDir()
	pkg, db := filepath.Join(dir, "pkg"), filepath.Join(dir, "o.db")
	if r := run(t, "generate", "--out", pkg, "--students", "30", "--seed", "4"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "import", "--db", db, pkg); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "clients", "create", "--db", db, "--name", "x", "--scope", "roster.readonly", "--orgs", "org/sch-001 no-such-school")
	if r.code != cli.ExitRejected || !strings.Contains(r.stderr, `no org has sourcedId "no-such-school"`) {
		t.Errorf("create with an unknown org: %d %s", r.code, r.stderr)
	}
	r = run(t, "clients", "create", "--db", db, "--name", "reading app", "--scope", "roster.readonly", "--orgs", "org/sch-002 org/sch-001 org/sch-001", "--json")
	var created struct {
		ClientID string   `json:"client_id"`
		Orgs     []string `json:"orgs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil || !slices.Equal(created.Orgs, []string{"org/sch-001", "org/sch-002"}) {
		t.Fatalf("create --orgs: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--hide", "demographics user.phone"); r.code != 0 {
		t.Fatalf("update --hide: %s", r.stderr)
	}
	out := filepath.Join(dir, "vendor")
	if r := run(t, "export", "--db", db, "--client", created.ClientID, out); r.code != 0 {
		t.Fatalf("export --client: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "demographics.csv")); err == nil {
		t.Error("export --client wrote the demographics the client may not see")
	}
	if _, err := os.Stat(filepath.Join(out, "users.csv")); err != nil {
		t.Errorf("export --client: %v", err)
	}
	if r := run(t, "export", "--db", db, "--client", "orc_nobody", filepath.Join(dir, "none")); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "--client") {
		t.Errorf("export --client of an unknown client: %d %s", r.code, r.stderr)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--orgs", "nope"); r.code != cli.ExitRejected {
		t.Errorf("update --orgs with an unknown org: exit %d", r.code)
	}
	if r := run(t, "clients", "list", "--db", db); !strings.Contains(r.stdout, "org/sch-001 org/sch-002") {
		t.Errorf("list after a refused update: %s", r.stdout)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--all-orgs"); r.code != 0 || !strings.Contains(r.stdout, "sees every org") {
		t.Errorf("update --all-orgs: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "clients", "list", "--db", db, "--json"); strings.Contains(r.stdout, `"orgs"`) || !strings.Contains(r.stdout, `"usage": {`) || !strings.Contains(r.stdout, `"30d"`) {
		t.Errorf("list after --all-orgs: %s", r.stdout)
	}
	if r := run(t, "clients", "list", "--db", db); !strings.Contains(r.stdout, "LAST_USED") || !strings.Contains(r.stdout, "REQUESTS_24H") {
		t.Errorf("list (table) has no usage columns: %s", r.stdout)
	}
	if r := run(t, "clients", "update", "--db", db, created.ClientID, "--orgs", "org/sch-001", "--all-orgs"); r.code != cli.ExitUsage {
		t.Errorf("--orgs with --all-orgs: exit %d", r.code)
	}
}

// TestRefusals: generate and export do not write over something without
// --force; --since and a missing database folder are answered in words,
// not with Go's or SQLite's internals.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	pkg, db := filepath.Join(dir, "pkg"), filepath.Join(dir, "r.db")
	if r := run(t, "generate", "--out", pkg, "--students", "10"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "generate", "--out", pkg, "--students", "10"); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "is not empty") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("generate over a package: %d %s", r.code, r.stderr)
	}
	if r := run(t, "generate", "--out", pkg, "--students", "10", "--force"); r.code != 0 {
		t.Errorf("generate --force: %d %s", r.code, r.stderr)
	}
	if r := run(t, "import", "--db", db, pkg); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, "export", "--db", db, pkg); r.code != cli.ExitRejected || !strings.Contains(r.stderr, "--force") {
		t.Errorf("export over a package: %d %s", r.code, r.stderr)
	}
	if r := run(t, "export", "--db", db, "--force", pkg); r.code != 0 {
		t.Errorf("export --force: %d %s", r.code, r.stderr)
	}
	r := run(t, "export", "--db", db, "--since", "yesterday", filepath.Join(dir, "d"))
	if r.code != cli.ExitUsage || !strings.Contains(r.stderr, `--since "yesterday" is not an RFC 3339 date-time`) || strings.Contains(r.stderr, "2006-01-02") {
		t.Errorf("--since yesterday: %d %s", r.code, r.stderr)
	}
	r = run(t, "import", "--db", filepath.Join(dir, "no", "such", "folder", "x.db"), pkg)
	if r.code == 0 || !strings.Contains(r.stderr, "does not exist") || strings.Contains(r.stderr, "(14)") {
		t.Errorf("import into a missing folder: %d %s", r.code, r.stderr)
	}
}
