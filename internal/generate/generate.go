// Package generate writes a synthetic but realistic OneRoster 1.2.1 bulk CSV
// package for a US school district: one district, about one school per 500
// students, courses and classes, students, teachers, administrators and
// guardians with their roles, profiles, demographics and enrollments,
// (unless Options.NoGradebook) a gradebook: categories, score scales, line
// items, results and learning objectives, and (unless Options.NoResources)
// the district's learning resources and their allocation to courses,
// classes and users.
//
// The same Options always give byte-identical output, so the package can
// back golden tests, demos and benchmarks. Ids deliberately contain '/', '.'
// and '@' (all legal in a OneRoster GUID) so that the REST layer is exercised
// with identifiers that need percent-encoding.
//
// Output is streamed: each file is produced by its own pass over the
// schools, rebuilding one school's plan at a time from the seed, so memory
// stays flat however many students are asked for and the files of a folder
// can be written in parallel.
package generate

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// Options choose the size and the randomness of the district. Zero values
// take the defaults: 1000 students, seed 1, school year 2025-2026, with a
// gradebook and resources. (Seed 0 therefore means seed 1.)
type Options struct {
	Students   int   // number of students; default 1000
	Seed       int64 // default 1
	SchoolYear int   // the calendar year in which the school year ends; default 2026
	// NoGradebook leaves out the eight gradebook files. The rostering files
	// are the same bytes either way: the gradebook draws from random streams
	// of its own.
	NoGradebook bool
	// NoResources leaves out the four resources files (resources,
	// courseResources, classResources, userResources). The other files are
	// the same bytes either way, for the same reason.
	NoResources bool
	// Schools, when above zero, is the number of schools (at least 2);
	// by default one per 500 students. Tests of per-school rules use a
	// few schools with few students.
	Schools int
	// Progress, when set, is called as each file's pass gets through a
	// school and once more at the file's end; calls never overlap, even
	// while Write writes files in parallel. It does not change the output.
	Progress func(Progress)
}

// Progress says how far a generation is. A file is written in one pass
// over the schools, so the schools done say how far its pass is; the
// rows a file will have are only known at its end.
type Progress struct {
	File        string // the file that moved on
	Rows        int    // its rows so far
	Schools, Of int    // schools of its pass done, of all; Of at its end
	// Done of Total estimates the whole package: school passes, each
	// weighted by its file's relative size (see file.cost).
	Done, Total int64
}

// progress counts the school passes of a generation for Options.Progress.
type progress struct {
	mu          sync.Mutex
	fn          func(Progress)
	of          int // schools, the length of every pass
	done, total int64
}

func newProgress(g *generator, files []file) *progress {
	if g.o.Progress == nil {
		return nil
	}
	p := &progress{fn: g.o.Progress, of: len(g.schools)}
	for _, f := range files {
		p.total += weight(f) * int64(p.of)
	}
	return p
}

// weight is a file's share of the work; cost 0 (a few rows) still counts.
func weight(f file) int64 { return int64(f.cost) + 1 }

// report passes on t's progress: at its end, the whole pass.
func (p *progress) report(t *table, end bool) {
	n := min(t.schools, p.of)
	if end {
		n = p.of
	}
	if n == t.reported {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += weight(t.file) * int64(n-t.reported)
	t.reported = n
	p.fn(Progress{File: t.file.name, Rows: t.rows, Schools: n, Of: p.of, Done: p.done, Total: p.total})
}

// Summary tells what was written.
type Summary struct {
	Files                                             map[string]int // data rows (header excluded) per file name, manifest.csv included
	Students, Teachers, Schools, Classes, Enrollments int
}

// file is one CSV file of the package. The files come in lists, one per
// OneRoster service (rostering, gradebook, resources); candidates
// picks the lists the options ask for, and the manifest, Write, WriteZip and
// the tests all work from that.
type file struct {
	name   string
	header []string
	write  func(*generator, *table) error
	cost   int // relative size, to start the biggest passes first
}

var rosteringFiles = []file{
	{"academicSessions.csv", academicSessionsHeader, writeAcademicSessions, 0},
	{"classes.csv", classesHeader, writeClasses, 2},
	{"courses.csv", coursesHeader, writeCourses, 1},
	{"demographics.csv", demographicsHeader, writeDemographics, 5},
	{"enrollments.csv", enrollmentsHeader, writeEnrollments, 9},
	{"orgs.csv", orgsHeader, writeOrgs, 0},
	{"roles.csv", rolesHeader, writeRoles, 6},
	{"userProfiles.csv", userProfilesHeader, writeUserProfiles, 3},
	{"users.csv", usersHeader, writeUsers, 8},
}

var gradebookFiles = []file{
	{"categories.csv", categoriesHeader, writeCategories, 0},
	{"lineItemLearningObjectiveIds.csv", lineItemLearningObjectiveIdsHeader, writeLineItemLearningObjectiveIds, 1},
	{"lineItems.csv", lineItemsHeader, writeLineItems, 2},
	{"lineItemScoreScales.csv", lineItemScoreScalesHeader, writeLineItemScoreScales, 1},
	{"resultLearningObjectiveIds.csv", resultLearningObjectiveIdsHeader, writeResultLearningObjectiveIds, 7},
	{"results.csv", resultsHeader, writeResults, 10},
	{"resultScoreScales.csv", resultScoreScalesHeader, writeResultScoreScales, 6},
	{"scoreScales.csv", scoreScalesHeader, writeScoreScales, 0},
}

var resourceFiles = []file{
	{"classResources.csv", classResourcesHeader, writeClassResources, 2},
	{"courseResources.csv", courseResourcesHeader, writeCourseResources, 0},
	{"resources.csv", resourcesHeader, writeResources, 0},
	{"userResources.csv", userResourcesHeader, writeUserResources, 3},
}

// manifestFiles are the 21 data files of OneRoster 1.2, in the order of the
// binding's manifest table.
var manifestFiles = []string{
	"academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
	"demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales",
	"orgs", "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "roles",
	"scoreScales", "userProfiles", "userResources", "users",
}

const (
	systemName = "oneroster synthetic district generator"
	systemCode = "oneroster-generate"
)

// candidates lists the files that o asks for.
func candidates(o Options) []file {
	fs := slices.Clone(rosteringFiles)
	if !o.NoGradebook {
		fs = append(fs, gradebookFiles...)
	}
	if !o.NoResources {
		fs = append(fs, resourceFiles...)
	}
	return fs
}

// present probes each candidate file and keeps those that get at least one
// row: the binding forbids a file with a header and no data, and a tiny
// district may, say, have no student with an app account. A probe stops at
// the end of the first school that gives the file a row, so it costs about
// one school's share of the pass; only a file that really is empty is
// probed to the end.
func (g *generator) present() ([]file, error) {
	var out []file
	for _, f := range g.files {
		t := &table{cw: csv.NewWriter(io.Discard), probe: true}
		if err := f.write(g, t); err != nil && !errors.Is(err, errStopped) {
			return nil, fmt.Errorf("generate: probing %s: %w", f.name, err)
		}
		if t.rows > 0 {
			out = append(out, f)
		}
	}
	return out, nil
}

func manifestRows(fs []file) [][]string {
	written := map[string]bool{}
	for _, f := range fs {
		written[f.name] = true
	}
	rows := [][]string{{"manifest.version", "1.0"}, {"oneroster.version", "1.2"}}
	for _, name := range manifestFiles {
		mode := "absent"
		if written[name+".csv"] {
			mode = "bulk"
		}
		rows = append(rows, []string{"file." + name, mode})
	}
	return append(rows, []string{"source.systemName", systemName}, []string{"source.systemCode", systemCode})
}

// table is the CSV writer of one file. Rows are written with CRLF line ends,
// as RFC 4180 specifies (readers must accept both), and no BOM.
type table struct {
	cw    *csv.Writer
	rows  int
	stop  *atomic.Bool // set when another file failed, so this pass gives up early
	probe bool         // only asks whether the file gets a row: stop after the first school that gives one
	// For Options.Progress: the file, the checks so far (one per school
	// of a pass over the schools) and the schools last reported.
	prog              *progress
	file              file
	schools, reported int
}

var errStopped = errors.New("generate: stopped")

func newTable(w io.Writer, header []string, stop *atomic.Bool) *table {
	// csv.NewWriter keeps bw as is: it is already a large enough *bufio.Writer.
	cw := csv.NewWriter(bufio.NewWriterSize(w, 1<<20))
	cw.UseCRLF = true
	_ = cw.Write(header) // an error sticks in the buffer and is reported by check or flush
	return &table{cw: cw, stop: stop}
}

func (t *table) put(rec ...string) {
	t.rows++
	_ = t.cw.Write(rec) // see check
}

// check reports a write error or a stop request; passes call it once per
// school rather than once per row.
func (t *table) check() error {
	if err := t.cw.Error(); err != nil {
		return err
	}
	if t.prog != nil {
		t.schools++
		t.prog.report(t, false)
	}
	if t.stop != nil && t.stop.Load() || t.probe && t.rows > 0 {
		return errStopped
	}
	return nil
}

func (t *table) flush() error {
	t.cw.Flush()
	return t.cw.Error()
}

// writeFile runs one pass into w.
func writeFile(g *generator, f file, w io.Writer, stop *atomic.Bool) (int, error) {
	t := newTable(w, f.header, stop)
	t.prog, t.file = g.prog, f
	if err := f.write(g, t); err != nil {
		return 0, err
	}
	if err := t.flush(); err != nil {
		return 0, err
	}
	if t.prog != nil {
		t.prog.report(t, true)
	}
	return t.rows, nil
}

func writeManifest(w io.Writer, fs []file) (int, error) {
	t := newTable(w, []string{"propertyName", "value"}, nil)
	rows := manifestRows(fs)
	for _, r := range rows {
		t.put(r...)
	}
	return len(rows), t.flush()
}

func summary(g *generator, rows map[string]int) Summary {
	return Summary{
		Files:       rows,
		Students:    g.o.Students,
		Teachers:    g.teachers,
		Schools:     len(g.schools),
		Classes:     rows["classes.csv"],
		Enrollments: rows["enrollments.csv"],
	}
}

// Write writes the package into dir, creating it if needed and replacing
// files of the same names. OneRoster files that this package marks absent
// are removed from dir, so that the folder always matches its manifest.
// Files are written in parallel (one pass per file, up to GOMAXPROCS at a
// time); manifest.csv is written last, once every data file is complete.
func Write(dir string, o Options) (Summary, error) {
	g, err := newGenerator(o)
	if err != nil {
		return Summary{}, err
	}
	files, err := g.present()
	if err != nil {
		return Summary{}, err
	}
	g.prog = newProgress(g, files)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	written := map[string]bool{}
	for _, f := range files {
		written[f.name] = true
	}
	for _, name := range manifestFiles {
		if !written[name+".csv"] {
			if err := os.Remove(filepath.Join(dir, name+".csv")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return Summary{}, fmt.Errorf("generate: %w", err)
			}
		}
	}

	order := make([]file, len(files))
	copy(order, files)
	sortByCost(order)
	var (
		mu    sync.Mutex
		rows  = map[string]int{}
		first error
		stop  atomic.Bool
		wg    sync.WaitGroup
		slots = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for _, f := range order {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			n, err := writeFileTo(g, f, filepath.Join(dir, f.name), &stop)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil || errors.Is(first, errStopped) {
					first = err
				}
				stop.Store(true)
				return
			}
			rows[f.name] = n
		})
	}
	wg.Wait()
	if first != nil {
		return Summary{}, first
	}
	n, err := writeManifestTo(filepath.Join(dir, "manifest.csv"), files)
	if err != nil {
		return Summary{}, err
	}
	rows["manifest.csv"] = n
	return summary(g, rows), nil
}

func writeFileTo(g *generator, f file, path string, stop *atomic.Bool) (int, error) {
	return create(path, f.name, func(w io.Writer) (int, error) { return writeFile(g, f, w, stop) })
}

func writeManifestTo(path string, fs []file) (int, error) {
	return create(path, "manifest.csv", func(w io.Writer) (int, error) { return writeManifest(w, fs) })
}

func create(path, name string, write func(io.Writer) (int, error)) (n int, err error) {
	out, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("generate: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("generate: %w", cerr)
		}
	}()
	n, err = write(out)
	if err != nil && !errors.Is(err, errStopped) {
		err = fmt.Errorf("generate: writing %s: %w", name, err)
	}
	return n, err
}

func sortByCost(fs []file) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].cost > fs[j-1].cost; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// WriteZip writes the package to w as a zip archive with every file at the
// root, manifest.csv first. Entries are deflated at the fastest level: the
// data compresses well anyway and generation, not I/O, is the bottleneck.
// Entry times are fixed so that the archive bytes depend on the options only.
func WriteZip(w io.Writer, o Options) (Summary, error) {
	g, err := newGenerator(o)
	if err != nil {
		return Summary{}, err
	}
	files, err := g.present()
	if err != nil {
		return Summary{}, err
	}
	g.prog = newProgress(g, files)
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	modified := time.Date(g.o.SchoolYear-1, time.August, 1, 0, 0, 0, 0, time.UTC)
	entry := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
	}
	rows := map[string]int{}
	ew, err := entry("manifest.csv")
	if err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	if rows["manifest.csv"], err = writeManifest(ew, files); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	for _, f := range files {
		ew, err := entry(f.name)
		if err != nil {
			return Summary{}, fmt.Errorf("generate: %w", err)
		}
		if rows[f.name], err = writeFile(g, f, ew, nil); err != nil {
			return Summary{}, fmt.Errorf("generate: writing %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	return summary(g, rows), nil
}

// header is the header row of a table's file.
func header(table string) []string { return schema.ByName(table).Columns.Names() }
