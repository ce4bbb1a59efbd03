// Package importtest hands the CSV importer to tests in the store
// conformance suite's terms (storetest.Importer). The suite cannot import
// csvimport itself: csvimport's own tests run against the suite's
// fixtures, and the suite must stay below every store and every client
// of one.
package importtest

import (
	"context"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

// Import is csvimport.Import as a storetest.Importer.
func Import(ctx context.Context, st store.Store, dir string, o storetest.ImportOptions) (*storetest.Imported, error) {
	var opts csvimport.Options
	if o.Progress != nil {
		opts.Progress = func(p csvimport.Progress) { o.Progress(p.File, p.Rows) }
	}
	if !o.Now.IsZero() {
		opts.Now = func() time.Time { return o.Now }
	}
	rep, err := csvimport.Import(ctx, st, dir, opts)
	if rep == nil {
		return nil, err
	}
	out := &storetest.Imported{OK: rep.OK, Files: make(map[string]storetest.FileCounts, len(rep.Files))}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, p.String())
	}
	for _, f := range rep.Files {
		out.Files[f.File] = storetest.FileCounts{Added: f.Added, Updated: f.Updated, Unchanged: f.Unchanged, Deleted: f.Deleted}
	}
	return out, err
}

// MustImport imports the package at dir at time now and fails the test
// unless it is accepted.
func MustImport(t testing.TB, st store.Store, dir string, now time.Time) {
	t.Helper()
	storetest.MustImport(t, Import, st, dir, now)
}
