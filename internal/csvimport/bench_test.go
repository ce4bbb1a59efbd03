package csvimport_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// BenchmarkImportSQLite imports a generated district (2,000 students, or
// ONEROSTER_BENCH_STUDENTS) into a fresh SQLite file per iteration and
// reports rows per second.
func BenchmarkImportSQLite(b *testing.B) {
	dir := b.TempDir()
	students := 2000
	if n, err := strconv.Atoi(os.Getenv("ONEROSTER_BENCH_STUDENTS")); err == nil && n > 0 {
		students = n
	}
	sum, err := generate.Write(filepath.Join(dir, "pkg"), generate.Options{Students: students, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for name, n := range sum.Files {
		if name != "manifest.csv" {
			rows += n
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		rep, err := csvimport.Import(context.Background(), st, filepath.Join(dir, "pkg"), csvimport.Options{})
		if err != nil || !rep.OK {
			b.Fatalf("import: %v %v", err, rep.Problems)
		}
		st.Close()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
