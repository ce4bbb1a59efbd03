package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := run(t, args...)
		// A test binary has no module version and no VCS stamps.
		if r.code != 0 || !strings.HasPrefix(r.stdout, "oneroster (devel)\n") || !strings.Contains(r.stdout, "commit:") ||
			!strings.Contains(r.stdout, "build time:") || !strings.Contains(r.stdout, "go:") {
			t.Errorf("oneroster %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	r := run(t, "version", "--json")
	var v struct{ Version, GoVersion string }
	if err := json.Unmarshal([]byte(r.stdout), &v); r.code != 0 || err != nil || v.Version != "(devel)" || v.GoVersion == "" {
		t.Errorf("version --json: exit %d %v\n%s", r.code, err, r.stdout)
	}
}
