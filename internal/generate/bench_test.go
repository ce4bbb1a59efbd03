package generate

import (
	"flag"
	"io"
	"runtime"
	"testing"
)

// benchStudents sizes the benchmarks; a one-off district-scale measurement is
// go test ./internal/generate/ -run '^$' -bench Write -benchtime=1x -gen.students=200000
var (
	benchStudents    = flag.Int("gen.students", 20000, "students in the benchmark district")
	benchNoGradebook = flag.Bool("gen.nogradebook", false, "benchmark without the gradebook files")
	benchNoResources = flag.Bool("gen.noresources", false, "benchmark without the resources files")
)

func BenchmarkWrite(b *testing.B) {
	n := *benchStudents
	dir := b.TempDir()
	var sum Summary
	for b.Loop() {
		var err error
		if sum, err = Write(dir, Options{Students: n, NoGradebook: *benchNoGradebook, NoResources: *benchNoResources}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/student")
	reportRows(b, sum)
}

func BenchmarkWriteZip(b *testing.B) {
	n := *benchStudents
	var sum Summary
	for b.Loop() {
		var err error
		if sum, err = WriteZip(io.Discard, Options{Students: n, NoGradebook: *benchNoGradebook, NoResources: *benchNoResources}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/student")
	reportRows(b, sum)
}

func reportRows(b *testing.B, sum Summary) {
	rows := 0
	for _, n := range sum.Files {
		rows += n
	}
	b.ReportMetric(float64(rows), "rows")
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapSys)/(1<<20), "MB-heap-sys")
}
