package csvimport_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/csvimport"
	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/store"
	"github.com/oneroster/oneroster/internal/store/postgres/pgtest"
	"github.com/oneroster/oneroster/internal/store/sqlite"
)

// benchPackage generates a district (2,000 students, or
// ONEROSTER_BENCH_STUDENTS) and returns its folder and data row count.
func benchPackage(b *testing.B) (string, int) {
	b.Helper()
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
	return filepath.Join(dir, "pkg"), rows
}

// benchImport imports the package into a fresh store per iteration (the
// first import of a district) and reports rows per second. Opening the
// store is not timed. It also reports the CPU time of this process per
// import, steadier than wall time on a shared machine (for PostgreSQL it
// leaves out the server's share).
func benchImport(b *testing.B, open func(b *testing.B) store.Store) {
	pkg, rows := benchPackage(b)
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := open(b)
		c0 := cpuTime()
		b.StartTimer()
		rep, err := csvimport.Import(context.Background(), st, pkg, csvimport.Options{})
		if err != nil || !rep.OK {
			b.Fatalf("import: %v %v", err, rep.Problems)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the user and system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportSQLite imports into a fresh SQLite file per iteration.
func BenchmarkImportSQLite(b *testing.B) {
	benchImport(b, func(b *testing.B) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		return st
	})
}

// BenchmarkImportPostgres imports into a fresh schema per iteration of the
// database named by ONEROSTER_TEST_POSTGRES_URL (skipped when unset).
func BenchmarkImportPostgres(b *testing.B) {
	pgtest.URL(b) // skip early without PostgreSQL
	benchImport(b, func(b *testing.B) store.Store { return pgtest.Open(b) })
}
