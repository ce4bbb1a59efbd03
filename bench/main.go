// Command bench is the performance suite of issue 7. It builds the
// oneroster binary, generates a synthetic district, and drives the binary
// as a user would (separate processes: import, serve, clients, export) on
// SQLite and/or PostgreSQL, measuring each figure beside its ceiling in the
// same run, then writes the figures into BENCHMARKS.md.
//
//	go run ./bench [-size small|50k|200k|N] [-db sqlite|postgres|both] [-pg URL] [-duration 10s] [-out BENCHMARKS.md]
//
// See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is one run of the suite.
type config struct {
	Size        string
	DB          string // sqlite, postgres or both
	PGURL       string
	Duration    time.Duration // per load scenario
	MaxRequests int           // per load scenario
	Conns       int
	Out         string // the markdown file to write the section into
	Cache       string // where generated packages are cached
	Keep        bool   // keep the temporary folder
	Repo        string // the module root (found from the working directory when empty)
	Command     string // the command line, for the report
	Log         io.Writer
}

func main() {
	var c config
	flag.StringVar(&c.Size, "size", "small", "district size: small (2000 students), 50k, 200k, or a number of students")
	flag.StringVar(&c.DB, "db", "sqlite", "engine: sqlite, postgres or both")
	flag.StringVar(&c.PGURL, "pg", os.Getenv("ONEROSTER_BENCH_POSTGRES_URL"), "PostgreSQL URL (a fresh schema is created in it and dropped afterwards); env ONEROSTER_BENCH_POSTGRES_URL")
	flag.DurationVar(&c.Duration, "duration", 10*time.Second, "time bound of each load scenario")
	flag.IntVar(&c.MaxRequests, "max-requests", 200000, "count bound of each load scenario")
	flag.IntVar(&c.Conns, "conns", 32, "connections of the load generator")
	flag.StringVar(&c.Out, "out", "", "markdown file to write the results section into (default: BENCHMARKS.md at the repository root)")
	flag.StringVar(&c.Cache, "cache", filepath.Join(os.TempDir(), "oneroster-bench-cache"), "folder where generated packages are cached per size")
	flag.BoolVar(&c.Keep, "keep", false, "keep the temporary folder (databases, exports, logs)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	c.Command = "go run ./bench " + strings.Join(os.Args[1:], " ")
	c.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// students maps -size to a number of students.
func students(size string) (int, error) {
	switch strings.ToLower(size) {
	case "small":
		return 2000, nil
	case "50k":
		return 50000, nil
	case "200k":
		return 200000, nil
	}
	n, err := strconv.Atoi(size)
	if err != nil || n < 10 {
		return 0, fmt.Errorf("-size %q: want small, 50k, 200k or a number of students ≥ 10", size)
	}
	return n, nil
}

// findRepo walks up from the working directory to the module root.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/oneroster/oneroster\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the github.com/oneroster/oneroster module")
		}
		dir = parent
	}
}

func run(ctx context.Context, c config) error {
	if c.Log == nil {
		c.Log = io.Discard
	}
	n, err := students(c.Size)
	if err != nil {
		return err
	}
	var engines []string
	switch c.DB {
	case "sqlite", "postgres":
		engines = []string{c.DB}
	case "both":
		engines = []string{"sqlite", "postgres"}
	default:
		return fmt.Errorf("-db %q: want sqlite, postgres or both", c.DB)
	}
	if c.DB != "sqlite" && c.PGURL == "" {
		return fmt.Errorf("-db %s needs -pg URL", c.DB)
	}
	if c.Conns <= 0 || c.Duration <= 0 || c.MaxRequests <= 0 {
		return fmt.Errorf("-conns, -duration and -max-requests must be positive")
	}
	if c.Repo == "" {
		if c.Repo, err = findRepo(); err != nil {
			return err
		}
	}
	if c.Out == "" {
		c.Out = filepath.Join(c.Repo, "BENCHMARKS.md")
	}
	tmp, err := os.MkdirTemp("", "oneroster-bench-")
	if err != nil {
		return err
	}
	if c.Keep {
		fmt.Fprintf(c.Log, "bench: keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	logf := func(format string, a ...any) { fmt.Fprintf(c.Log, "bench: "+format+"\n", a...) }

	logf("building oneroster")
	bin := filepath.Join(tmp, "oneroster")
	if out, err := command(ctx, c.Repo, "go", "build", "-o", bin, "./cmd/oneroster").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	pkg, err := ensurePackage(ctx, c, bin, n, logf)
	if err != nil {
		return err
	}
	counts, total, err := countRows(pkg)
	if err != nil {
		return err
	}
	logf("package %s: %d data rows (%d users, %d results)", pkg, total, counts["users.csv"], counts["results.csv"])

	rep := report{Size: c.Size, Students: n, Rows: total, Counts: counts, Command: c.Command, Date: time.Now().UTC(),
		Machine: machine(), Commit: gitCommit(ctx, c.Repo), Duration: c.Duration, MaxRequests: c.MaxRequests, Conns: c.Conns}
	var firstErr error
	for _, name := range engines {
		logf("--- %s", name)
		res := runEngine(ctx, c, name, bin, pkg, total, n, filepath.Join(tmp, name), logf)
		if res.Err != nil {
			logf("%s failed: %v", name, res.Err)
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", name, res.Err)
			}
		}
		rep.Engines = append(rep.Engines, res)
		if ctx.Err() != nil {
			break
		}
	}
	if err := writeReport(c.Out, rep); err != nil {
		return err
	}
	logf("wrote %s", c.Out)
	return firstErr
}
