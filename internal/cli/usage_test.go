package cli_test

import (
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/cli"
)

// TestHelpOnStdout: asked for, the usage is the answer: stdout, exit 0.
// Not asked for (no command), it goes to stderr with exit 2.
func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := run(t, args...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "usage: oneroster COMMAND") || !strings.Contains(r.stdout, "version") {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{{"import", "--help"}, {"help", "import"}, {"serve", "-h"}, {"clients", "--help"}} {
		r := run(t, args...)
		if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "usage: oneroster "+args[len(args)-1]) > 1 ||
			!strings.Contains(r.stdout, "usage: oneroster ") || !strings.Contains(r.stdout, "-db") {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := run(t); r.code != cli.ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "usage: oneroster COMMAND") {
		t.Errorf("oneroster: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestWrongFlagUsageOnce: a flag the command does not know, or a bad
// value, is said once and the usage printed once, on stderr.
func TestWrongFlagUsageOnce(t *testing.T) {
	for _, args := range [][]string{
		{"import", "--nope", "x"},
		{"serve", "--max-limit", "lots"},
		{"export", "--db"},
		{"clients", "list", "--bogus"},
		{"imports", "-x"},
	} {
		r := run(t, args...)
		if r.code != cli.ExitUsage || r.stdout != "" || strings.Count(r.stderr, "usage: oneroster "+args[0]) != 1 ||
			strings.Count(r.stderr, "oneroster "+args[0]+": ") != 1 {
			t.Errorf("oneroster %v: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
