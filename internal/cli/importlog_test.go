package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
)

// logLines parses the JSON log lines of stderr.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] != nil {
			out = append(out, m)
		}
	}
	return out
}

// TestImportLog: an import logs its start and its end on stderr with
// slog (the outcome, what it read and did, its id and duration) while
// stdout keeps the report; a refusal logs at WARN; --log-level and
// ONEROSTER_LOG_FORMAT apply as they do to serve.
func TestImportLog(t *testing.T) {
	dir := t.TempDir()
	pkg, db := filepath.Join(dir, "pkg"), filepath.Join(dir, "l.db")
	if r := run(t, "generate", "--out", pkg, "--students", "40"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "import", "--db", db, "--log-format", "json", "--json", pkg)
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	var rep struct {
		ImportID float64 `json:"importId"`
		Files    []struct{ Rows float64 }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("--json report with logs on: %v\n%s", err, r.stdout)
	}
	var rows float64
	for _, f := range rep.Files {
		rows += f.Rows
	}
	lines := logLines(t, r.stderr)
	if len(lines) != 2 || lines[0]["msg"] != "import started" || lines[1]["msg"] != "import finished" {
		t.Fatalf("log lines: %v\nstderr %s", lines, r.stderr)
	}
	if s := lines[0]; s["package"] != pkg || s["store"] != "sqlite" || s["level"] != "INFO" {
		t.Errorf("start line: %v", s)
	}
	end := lines[1]
	if end["level"] != "INFO" || end["outcome"] != "imported" || end["import_id"] != rep.ImportID || end["rows"] != rows ||
		end["files"] != float64(len(rep.Files)) || end["added"] != rows || end["problems"] != 0.0 || end["duration_ms"] == nil {
		t.Errorf("end line: %v; want import %v, %v rows in %d files", end, rep.ImportID, rows, len(rep.Files))
	}

	// A refusal; the log format from the environment.
	t.Setenv("ONEROSTER_LOG_FORMAT", "json")
	if err := os.WriteFile(filepath.Join(pkg, "orgs.csv"), []byte("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\no1,,,X,nation,,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "import", "--db", db, pkg)
	lines = logLines(t, r.stderr)
	if r.code != cli.ExitRejected || len(lines) != 2 || lines[1]["outcome"] != "rejected" || lines[1]["level"] != "WARN" || lines[1]["problems"].(float64) < 1 {
		t.Errorf("rejected import: exit %d, log %v\n%s", r.code, lines, r.stderr)
	}
	if !strings.Contains(r.stdout, "rejected") {
		t.Errorf("the report is gone from stdout: %q", r.stdout)
	}
	r = run(t, "import", "--db", db, "--log-level", "error", pkg)
	if lines := logLines(t, r.stderr); len(lines) != 0 {
		t.Errorf("--log-level error logged %v", lines)
	}
}
