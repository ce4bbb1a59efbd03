// Package cli implements the oneroster command: one function per
// subcommand, all driven through Run so that tests call exactly what a
// user types. Configuration arrives through flags and the environment
// and is passed down explicitly; nothing is global.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0
	ExitRejected = 1 // the command ran and found problems (or failed)
	ExitUsage    = 2
	// ExitCancelled: an import or validate stopped by Ctrl-C or SIGTERM
	// (128 + SIGINT, what shells report for an interrupted command).
	ExitCancelled = 130
)

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

// env is what a command writes to and reads its defaults from.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"import", "[--db DSN] PATH", "import a OneRoster CSV package (zip or folder)", runImport},
		{"validate", "[--format text|json] PATH", "check a CSV package without importing it", runValidate},
		{"imports", "[--db DSN] [--json] | show ID", "list past imports, newest first; show one with its whole report", runImports},
		{"export", "[--db DSN] [--since RFC3339] OUT", "write the store as a CSV package (bulk, or delta since a time)", runExport},
		{"backup", "[--db DSN] [--force] OUT", "copy a SQLite store to OUT, consistent while serve runs", runBackup},
		{"serve", "[--db DSN] [--addr HOST:PORT]", "serve the OneRoster 1.2 REST API", runServe},
		{"clients", "create|list|revoke|rotate [--db DSN]", "manage the OAuth 2.0 clients of the API", runClients},
		{"generate", "--out DIR [--students N] [--seed S] [--zip]", "write a synthetic district package", runGenerate},
		{"demo", "[--addr HOST:PORT] [--students N]", "generate a small district, import it and serve it", runDemo},
		{"healthcheck", "[--timeout D] [URL]", "ask a running serve for /healthz (or URL); exit 0 when it answers 200", runHealthcheck},
		{"version", "[--json]", "print the version, commit and build time of this binary", runVersion},
	}
}

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		// Asked for: the usage is the answer, on stdout. "help COMMAND"
		// is "COMMAND --help".
		if len(args) > 1 && args[0] == "help" {
			return Run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return ExitOK
	case "-version", "--version":
		return runVersion(ctx, e, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "oneroster: unknown command %q\n\n", args[0])
	usage(stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: oneroster COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %-45s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "--db takes a SQLite file path or a postgres:// URL; default $ONEROSTER_DB, else oneroster.db.")
	fmt.Fprintln(w, "Run 'oneroster COMMAND -h' for the flags of a command.")
}

// flags makes a flag set that prints nothing while it parses: usageErr
// prints the error and the usage once, on stderr, or for -h on stdout.
func (e *env) flags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: oneroster %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before or after positional arguments
// (oneroster import pkg.zip --db x works as well as the documented order).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (e *env) dbFlag(fs *flag.FlagSet) *string {
	def := e.getenv("ONEROSTER_DB")
	if def == "" {
		def = "oneroster.db"
	}
	return fs.String("db", def, "database: a SQLite file path, or a postgres:// URL (env ONEROSTER_DB)")
}

// openStore opens the store a DSN names: postgres:// or postgresql:// URLs
// select PostgreSQL, anything else is a SQLite file path.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	if isPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	// SQLite would say "unable to open database file (14)" from the
	// first migration: say which folder is missing instead.
	if dir := filepath.Dir(dsn); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("cannot create the database %s: the folder %s does not exist", dsn, dir)
		}
	}
	return sqlite.Open(ctx, dsn)
}

// refuseNonEmpty refuses to write a package over a folder or file that
// already holds something, unless force: a mistyped --out must not mix a
// new package into another, or replace a file the operator wanted.
func refuseNonEmpty(out string, force bool) error {
	if force {
		return nil
	}
	fi, err := os.Stat(out)
	if err != nil {
		return nil // nothing there
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s already exists; give --force to replace it", out)
	}
	entries, err := os.ReadDir(out)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty (%d entries); give --force to write the package into it anyway (OneRoster files in it are replaced, others stay)", out, len(entries))
	}
	return nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// usageErr answers a command line the command cannot run: the error and
// the command's usage on stderr, exit 2; or, for -h and --help, the usage
// alone on stdout, exit 0.
func usageErr(e *env, fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return ExitOK
	}
	fs.SetOutput(e.stderr)
	if err != nil {
		fmt.Fprintf(e.stderr, "oneroster %s: %v\n", fs.Name(), err)
	}
	fs.Usage()
	return ExitUsage
}

// openExisting is openStore for the commands that only read what an
// import or a client registration stored: a SQLite path that names no
// file is refused, where opening it would create an empty database and
// answer as if the district had no data. The error says how to make one.
func openExisting(ctx context.Context, dsn string) (store.Store, error) {
	if !isPostgres(dsn) {
		if _, err := os.Stat(dsn); errors.Is(err, os.ErrNotExist) {
			return nil, &missingDB{dsn}
		}
	}
	return openStore(ctx, dsn)
}

// storeErr reports an error opening the store of command cmd: exit 2 for
// a database that does not exist (the command line named the wrong one),
// 1 for anything else.
func storeErr(e *env, cmd string, err error) int {
	fmt.Fprintf(e.stderr, "oneroster %s: %v\n", cmd, err)
	var m *missingDB
	if errors.As(err, &m) {
		return ExitUsage
	}
	return ExitRejected
}

// missingDB is openExisting's refusal.
type missingDB struct{ path string }

func (m *missingDB) Error() string {
	return fmt.Sprintf("no database at %s (--db or $ONEROSTER_DB names it; default oneroster.db in the working directory); "+
		"create it with \"oneroster import --db %s PACKAGE\" or \"oneroster clients create --db %s --name NAME --scope SCOPES\"",
		m.path, m.path, m.path)
}
