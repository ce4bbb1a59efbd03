package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/store"
)

// Importer loads the CSV package at dir into st, as the CSV importer
// does. The suite is given one rather than importing the importer: the
// importer's own tests run the suite, and a store's conformance must not
// depend on one client of it. An import stopped by the end of ctx
// returns an error that wraps the context's cause.
type Importer func(ctx context.Context, st store.Store, dir string, o ImportOptions) (*Imported, error)

// ImportOptions are the settings of an import that the suite varies.
type ImportOptions struct {
	// Now is the import's time; zero means the clock.
	Now time.Time
	// Progress, when set, is called after every batch with the file and
	// the rows read from it so far.
	Progress func(file string, rows int)
}

// Imported is the outcome of an import, in the terms the suite checks.
type Imported struct {
	// OK says the package was accepted and stored.
	OK bool
	// Problems are the reasons for a refusal, each as
	// "file:line:column: CODE: message".
	Problems []string
	// Files counts what the import did with each file, by file name
	// ("users.csv").
	Files map[string]FileCounts
}

// FileCounts counts the rows of one file by what the import did with them.
type FileCounts struct {
	Added, Updated, Unchanged, Deleted int
}

// MustImport imports the package at dir with imp at time now and fails
// the test unless it is accepted.
func MustImport(t testing.TB, imp Importer, st store.Store, dir string, now time.Time) *Imported {
	t.Helper()
	rep, err := imp(context.Background(), st, dir, ImportOptions{Now: now})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if !rep.OK {
		t.Fatalf("import rejected:\n%s", strings.Join(rep.Problems, "\n"))
	}
	return rep
}
