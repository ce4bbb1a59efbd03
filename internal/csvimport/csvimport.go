// Package csvimport loads a OneRoster CSV package into a store. The whole
// package is one transaction: it is read, validated and written file by
// file in dependency order, and committed only when no problem was found,
// so a package with any error leaves the store exactly as it was. Rows are
// streamed and written in batches; what must be remembered across rows
// (ids seen, forward references) is kept in the database transaction, not
// in memory, so memory stays flat whatever the package size.
package csvimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// CodeMassDelete is the importer's own problem code, beside those of
// csvbind and those of the cross-row checks of the store (store.Finding).
const CodeMassDelete = "MASS_DELETE"

// Options tune an import.
type Options struct {
	// Standalone says the store is a scratch one (validate without a
	// database): a reference to a record that is not in the package, from
	// or to a file the package does not carry whole (absent or delta), is
	// counted in Report.Unresolved instead of refused, and the checks
	// across rows that need such files are skipped (Report.ChecksLeft),
	// since the store the package is meant for may hold those records.
	Standalone bool
	// Strict turns warnings (input that is read and normalised, such as a
	// TRUE for true) into problems, for producers checking their exports.
	Strict bool
	// MaxProblems caps the problems reported (default 200); the rest are
	// only counted.
	MaxProblems int
	// Progress, when set, is called after every batch (and once more as
	// each file ends) with how far the import is; see Progress. It is
	// called from the goroutine that called Import.
	Progress func(Progress)
	// Source names the package in the import record.
	Source string
	// SHA256 is the package's hash, recorded with the import.
	SHA256 string
	// Now gives the import time (tests fix it); default time.Now.
	Now func() time.Time
	// MaxDeleteShare is the largest share (0..1) of a type's active records
	// that one bulk file may turn into tobedeleted (default 0.3); beyond it
	// the file is refused with MASS_DELETE unless AllowMassDelete is set.
	// It protects against a partial export silently deleting a district.
	MaxDeleteShare  float64
	AllowMassDelete bool
	// DryRun runs every check and then rolls back: nothing is stored and
	// no history is kept (the validate command).
	DryRun bool
}

// Progress says how far an import is. Sizes are known before anything is
// read (a zip entry's uncompressed size, a file's length), so bytes read
// of bytes total give a fraction that rows cannot: the row count of a
// file is only known at its end.
type Progress struct {
	File string // the file being read
	Rows int    // its rows read so far
	// Bytes of the file read so far, of Size; at the file's end Bytes is
	// Size, even when a syntax error stopped the reading short.
	Bytes, Size int64
	// TotalBytes of TotalSize: the same over every file of the package
	// that the manifest declares (bulk or delta).
	TotalBytes, TotalSize int64
}

// FileStats counts what an import did with one file.
type FileStats struct {
	File      string `json:"file"`
	Mode      string `json:"mode"`
	Rows      int    `json:"rows"`
	Added     int    `json:"added"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Deleted   int    `json:"deleted"`
}

// Report is the outcome of an import.
type Report struct {
	ImportID int64             `json:"importId,omitempty"`
	OK       bool              `json:"ok"`
	Files    []FileStats       `json:"files"`
	Problems []csvbind.Problem `json:"problems"`
	Dropped  int               `json:"problemsNotShown"`
	// Warnings say what was read and normalised (see csvbind.Codes): one
	// per file, code and column, at its first place, counting the others.
	Warnings []csvbind.Problem `json:"warnings"`
	// Unresolved counts the references a standalone validate left to the
	// import (see Options.Standalone); ChecksLeft names the checks it
	// skipped, "results.csv NOT_ENROLLED".
	Unresolved int      `json:"referencesLeftToImport,omitempty"`
	ChecksLeft []string `json:"checksLeftToImport,omitempty"`
	warnAt     map[string]*warning
	pending    []*warning    // of the current file
	Elapsed    time.Duration `json:"elapsedNs"`
	Touched    int64         `json:"usersTouchedByRoleChanges"`
	byFile     map[string]*FileStats
}

func (r *Report) add(max int, p csvbind.Problem) {
	if len(r.Problems) < max {
		r.Problems = append(r.Problems, p)
	} else {
		r.Dropped++
	}
}

// warn records a warning, or, with strict, a problem. Warnings of one
// kind (file, code, column) are one entry that counts the others; they
// reach Warnings, in line and column order, at flushWarnings.
func (r *Report) warn(max int, strict bool, p csvbind.Problem) {
	if strict {
		p.Message += " (a warning, refused by --strict)"
		r.add(max, p)
		return
	}
	key := p.File + "\x00" + p.Code + "\x00" + strconv.Itoa(p.Column)
	if r.warnAt == nil {
		r.warnAt = map[string]*warning{}
	}
	if w := r.warnAt[key]; w != nil {
		w.more++
		return
	}
	w := &warning{p: p}
	r.warnAt[key] = w
	r.pending = append(r.pending, w)
}

type warning struct {
	p    csvbind.Problem
	more int
}

func (r *Report) flushWarnings() {
	sort.SliceStable(r.pending, func(i, j int) bool {
		a, b := r.pending[i].p, r.pending[j].p
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	for _, w := range r.pending {
		if w.more > 0 {
			w.p.Message += fmt.Sprintf(" (and %d more alike in this file)", w.more)
		}
		r.Warnings = append(r.Warnings, w.p)
	}
	r.pending = r.pending[:0]
	clear(r.warnAt)
}

// Failed reports whether any problem was found.
func (r *Report) Failed() bool { return len(r.Problems)+r.Dropped > 0 }

// refSpec describes the references of one column.
type refSpec struct {
	col    int
	target string // table (CSV base name)
	list   bool
	typ    string // required org/session type of the target, "" for any
	notTyp string // forbidden type of the target
}

// ErrCancelled is the error of an import whose context ended (Ctrl-C,
// SIGTERM): its transaction was rolled back, the store is as it was.
// The error returned also wraps the context's cause, for callers that
// tell a deadline from a cancellation.
var ErrCancelled = errors.New("import cancelled; nothing was imported, the store is unchanged")

// Import reads the package at path (a zip file or a folder) into st. It
// returns an error only when the import could not run (I/O, database);
// problems with the package are in the report, and then nothing is stored.
func Import(ctx context.Context, st store.Store, path string, o Options) (*Report, error) {
	started := time.Now()
	rep, err := run(ctx, st, path, o)
	if err != nil && ctx.Err() != nil {
		// Whatever the interrupted statement said (context canceled, sql:
		// statement is closed), the import was stopped: say that, and keep
		// it in the history.
		err = fmt.Errorf("%w (%w)", ErrCancelled, context.Cause(ctx))
		if !o.DryRun {
			summary, _ := json.Marshal(map[string]any{"ok": false, "cancelled": true})
			if rerr := st.RecordImport(context.WithoutCancel(ctx), store.ImportRecord{StartedAt: started, FinishedAt: time.Now(),
				Source: o.Source, SHA256: o.SHA256, Outcome: "cancelled", Report: string(summary)}); rerr != nil {
				return nil, errors.Join(err, rerr)
			}
		}
		return nil, err
	}
	if err == nil && rep != nil && !rep.OK && !o.DryRun {
		// The transaction is gone; the history keeps the refusal.
		summary, _ := json.Marshal(rep)
		if rerr := st.RecordImport(context.WithoutCancel(ctx), store.ImportRecord{StartedAt: started, FinishedAt: time.Now(),
			Source: o.Source, SHA256: o.SHA256, Outcome: "rejected", Report: string(summary)}); rerr != nil {
			return rep, rerr
		}
	}
	return rep, err
}

func run(ctx context.Context, st store.Store, path string, o Options) (*Report, error) {
	if o.MaxProblems <= 0 {
		o.MaxProblems = 200
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxDeleteShare <= 0 {
		o.MaxDeleteShare = 0.3
	}
	start := time.Now()
	rep := &Report{byFile: map[string]*FileStats{}}
	defer func() { rep.Elapsed = time.Since(start) }()

	pkg, err := csvbind.Open(path)
	if err != nil {
		var p csvbind.Problem
		if errors.As(err, &p) {
			rep.add(o.MaxProblems, p)
			return rep, nil
		}
		return nil, err
	}
	defer pkg.Close()
	man, probs := pkg.Manifest()
	for _, p := range probs {
		rep.add(o.MaxProblems, p)
	}
	for _, p := range pkg.Warnings() {
		rep.warn(o.MaxProblems, o.Strict, p)
	}
	rep.flushWarnings()
	if man == nil || rep.Failed() {
		return rep, nil
	}
	tx, err := st.BeginImport(ctx, o.Source, o.SHA256)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	at := o.Now()
	im := &importer{tx: tx, rep: rep, o: o, at: at, now: oneroster.FormatTime(at), pkg: pkg, man: man, broken: map[string]bool{}, unchecked: map[string]int{}}
	tx.SetComplete(func(table string) bool { return !im.broken[table] && (!o.Standalone || im.whole(table)) })
	for _, spec := range csvbind.Files {
		if man.Mode(spec.Name) != csvbind.Absent {
			im.totalSize += pkg.Size(spec)
		}
	}
	for _, spec := range csvbind.Files {
		mode := man.Mode(spec.Name)
		if mode == csvbind.Absent {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		size := pkg.Size(spec)
		if err := im.file(ctx, pkg, spec, mode, size); err != nil {
			return nil, err
		}
		// The file is through, read whole or stopped short by a problem:
		// the overall count moves on by its size either way, so that it
		// ends at the total.
		if im.reported != size {
			im.progress(spec.Name, im.rep.byFile[spec.Name].Rows, size, size)
		}
		im.doneSize += size
		im.reported = -1
	}
	if rep.byFile["users.csv"] != nil {
		findings, err := tx.Findings(ctx, store.AfterAllFiles, o.MaxProblems)
		if err != nil {
			return nil, err
		}
		if err := im.place(findings, csvbind.FileByName("users.csv")); err != nil {
			return nil, err
		}
		for _, f := range findings {
			rep.add(o.MaxProblems, csvbind.Problem{File: "users.csv", Line: f.Line, Column: 1, Header: "sourcedId", Offset: 1, Code: f.Code, Message: f.Message})
		}
	}
	if o.Standalone {
		rep.ChecksLeft = tx.Skipped()
	}
	im.reportUnchecked(tx.Skipped())
	if rep.Failed() {
		return rep, nil
	}
	if o.DryRun {
		rep.OK = true
		return rep, nil // the deferred Rollback undoes everything
	}
	if rep.Touched, err = tx.TouchOwners(ctx, at); err != nil {
		return nil, err
	}
	rep.ImportID = tx.ID()
	rep.OK = true
	rep.Elapsed = time.Since(start)
	summary, _ := json.Marshal(rep)
	if err := tx.Finish(ctx, "imported", string(summary)); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	committed = true
	return rep, nil
}

type importer struct {
	tx  store.ImportTx
	rep *Report
	o   Options
	at  time.Time // the import's time
	now string    // at as the rows' dateLastModified
	// file is the file problems of the current file name: for a 1.1
	// package's roles, derived from users.csv, that is users.csv, whose
	// lines and columns they carry.
	curFile string
	curMode csvbind.Mode
	headers []string // of the current file, indexed like Row.Values
	// broken marks the tables whose file could not be read whole (header,
	// syntax, size): references into them are not each reported as
	// dangling, but counted in unchecked, by target, for one line.
	broken    map[string]bool
	unchecked map[string]int
	pkg       *csvbind.Package
	man       *csvbind.Manifest
	// totalSize is the bytes of every file to read, doneSize those of
	// the files read so far (for Progress).
	totalSize, doneSize int64
	reported            int64 // the bytes last reported of the current file
}

// progress reports bytes of size read from file, if asked to.
func (im *importer) progress(file string, rows int, bytes, size int64) {
	if im.o.Progress == nil {
		return
	}
	bytes = min(bytes, size) // a file that grew since it was sized
	im.reported = bytes
	im.o.Progress(Progress{File: file, Rows: rows, Bytes: bytes, Size: size,
		TotalBytes: im.doneSize + bytes, TotalSize: im.totalSize})
}

type row struct {
	line int
	cols []int // field number of each cell, for messages
	offs []int // byte offset of each cell
	vals []string
	meta string
	hash string // contentHash of the row's values and metadata
	// bad rows had problems of their own: they are only recorded as seen,
	// so that the bulk step does not delete them and references to them
	// do not repeat their error.
	bad bool
}

// batchSize is the rows read before the store is asked about them: each
// batch costs a few statements (ids seen, references, writes), a round
// trip each on PostgreSQL, so fewer, larger batches pay off up to a few
// thousand rows; the batch is the only per-row state held in memory.
const batchSize = 5000

func (im *importer) problem(p csvbind.Problem) { im.rep.add(im.o.MaxProblems, p) }

// reportUnchecked says, in one problem per file that could not be read,
// how many references into it and which checks were left unchecked.
func (im *importer) reportUnchecked(skipped []string) {
	for _, spec := range csvbind.Files {
		table := spec.Table
		if !im.broken[table] {
			continue
		}
		var checks []string
		for _, s := range skipped {
			file, code, _ := strings.Cut(s, " ")
			if file != spec.Name { // a check of another file that needed this one
				checks = append(checks, file+" "+code)
			}
		}
		n := im.unchecked[table]
		if n == 0 && len(checks) == 0 {
			continue
		}
		msg := fmt.Sprintf("%d references to %s were not checked, since the file could not be read whole (its problems above say why)", n, spec.Name)
		if len(checks) > 0 {
			msg += "; nor were the checks " + strings.Join(checks, ", ")
		}
		im.problem(csvbind.Problem{File: spec.Name, Code: csvbind.CodeUnchecked, Message: msg})
	}
}

// whole reports whether the package carries table whole: a bulk file.
func (im *importer) whole(table string) bool { return im.man.Mode(table+".csv") == csvbind.Bulk }

// leftToStore reports, for a standalone validate, whether a reference
// from the current file to a record of target that is not in the package
// may still resolve in the store the package is meant for.
func (im *importer) leftToStore(target string) bool {
	return im.o.Standalone && !im.whole(target)
}

// cellProblem is a problem about cell i (indexed like Row.Values) of a
// row of the current file, at the place the reader gave it.
func (im *importer) cellProblem(r row, i int, code, msg string) csvbind.Problem {
	return csvbind.Problem{File: im.curFile, Line: r.line, Column: r.cols[i], Offset: r.offs[i], Header: im.headers[i], Code: code, Message: msg}
}

func (im *importer) warning(p csvbind.Problem) { im.rep.warn(im.o.MaxProblems, im.o.Strict, p) }

func (im *importer) file(ctx context.Context, pkg *csvbind.Package, spec *csvbind.FileSpec, mode csvbind.Mode, size int64) error {
	table := spec.Table
	stats := &FileStats{File: spec.Name, Mode: mode.String()}
	problemsBefore := len(im.rep.Problems) + im.rep.Dropped
	im.rep.Files = append(im.rep.Files, *stats)
	im.rep.byFile[spec.Name] = stats
	first := len(im.rep.Problems)
	defer func() {
		im.rep.Files[len(im.rep.Files)-1] = *stats
		// A file's problems are found in passes (cells, duplicates,
		// references, checks across rows): shown in line and column
		// order, the same on every run.
		ps := im.rep.Problems[first:]
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].Line != ps[j].Line {
				return ps[i].Line < ps[j].Line
			}
			return ps[i].Column < ps[j].Column
		})
		im.rep.flushWarnings()
	}()

	r, err := pkg.OpenFile(spec, mode)
	if err != nil {
		var p csvbind.Problem
		if errors.As(err, &p) {
			im.problem(p)
			im.broken[table] = true
			return nil
		}
		return err
	}
	defer r.Close()
	im.curFile, im.curMode = r.File(), mode
	im.headers = make([]string, len(r.Spec().Columns))
	for i := range im.headers {
		im.headers[i] = r.Header(i)
	}
	// On a table's first load every row is new and none can go missing:
	// no lookup of stored rows, no bulk deletion step.
	empty, err := im.tx.BeginFile(ctx, table)
	if err != nil {
		return err
	}

	var refs []refSpec
	for i, c := range spec.Columns {
		if c.Ref == "" {
			continue
		}
		rs := refSpec{col: i, target: c.Ref, list: c.Format == schema.GUIDRefList}
		rs.typ, rs.notTyp = schema.RefTypeRule(spec.Table, c.Name)
		refs = append(refs, rs)
	}
	if table == "demographics" {
		// A demographics record shares the sourcedId of its user.
		refs = append(refs, refSpec{col: 0, target: "users"})
	}

	// The file is read, parsed and hashed on its own goroutine one batch
	// ahead of the writes, so the two overlap on two cores. A batch
	// carries the problems found while reading it, reported when it is
	// written: the order of problems stays that of a single pass.
	batches := make(chan batch, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(batches)
		return readBatches(gctx, r, batches)
	})
	err = func() error {
		for b := range batches {
			for _, p := range b.problems {
				im.problem(p)
			}
			for _, p := range b.warnings {
				im.warning(p)
			}
			stats.Rows += b.read
			if err := im.flush(ctx, spec, table, mode, empty, refs, b.rows, stats); err != nil {
				return err
			}
			im.progress(spec.Name, stats.Rows, b.bytes, size)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		// Unblock and end the reader before the file is closed.
		go func() {
			for range batches {
			}
		}()
		g.Wait()
		return err
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, p := range r.Problems() {
		im.problem(p)
		switch p.Code {
		case csvbind.CodeHeader, csvbind.CodeCSVSyntax, csvbind.CodeEncoding, csvbind.CodePackageUnsafe, csvbind.CodePackageUnreadable:
			// The rest of the file (or all of it) was not read.
			im.broken[table] = true
		}
	}
	for _, p := range r.Warnings() {
		im.warning(p)
	}
	for _, rs := range refs {
		if rs.target != table {
			continue
		}
		missing, err := im.tx.CheckPending(ctx, table, table, im.o.MaxProblems)
		if err != nil {
			return err
		}
		for _, m := range missing {
			if !m.Deleted && im.leftToStore(table) {
				im.rep.Unresolved++
				continue
			}
			if !m.Deleted && im.broken[table] {
				im.unchecked[table]++
				continue
			}
			msg := fmt.Sprintf("%s %q does not match any row of %s or any stored record", selfRefName(spec, table), m.ID, spec.Name)
			if m.Deleted {
				msg = fmt.Sprintf("%s %q refers to a record of %s that is tobedeleted", selfRefName(spec, table), m.ID, spec.Name)
			}
			im.problem(csvbind.Problem{File: im.curFile, Line: m.Line, Column: m.Column, Header: selfRefName(spec, table), Code: csvbind.CodeDanglingRef, Message: msg})
		}
		break
	}
	findings, err := im.tx.Findings(ctx, table, im.o.MaxProblems)
	if err != nil {
		return err
	}
	if err := im.place(findings, spec); err != nil {
		return err
	}
	for _, f := range findings {
		im.problem(csvbind.Problem{File: im.curFile, Line: f.Line, Column: 1, Header: "sourcedId", Offset: 1, Code: f.Code, Message: f.Message})
	}
	if mode == csvbind.Bulk && !empty {
		missing, active, err := im.tx.CountMissing(ctx, table)
		if err != nil {
			return err
		}
		fileFailed := len(im.rep.Problems)+im.rep.Dropped > problemsBefore
		switch {
		case fileFailed:
			// The package is refused anyway; a deletion count computed
			// from a file with bad rows would only add noise.
		case !im.o.AllowMassDelete && missing > 0 && float64(missing) > im.o.MaxDeleteShare*float64(active):
			im.problem(csvbind.Problem{File: im.curFile, Code: CodeMassDelete,
				Message: fmt.Sprintf("this bulk file would turn %d of the %d stored %s (%.0f%%) into tobedeleted, more than the %.0f%% allowed; "+
					"if the file really is complete, import with --allow-mass-delete", missing, active, table,
					100*float64(missing)/float64(active), 100*im.o.MaxDeleteShare)})
		default:
			n, err := im.tx.MarkMissing(ctx, table, im.at)
			if err != nil {
				return err
			}
			stats.Deleted += int(n)
		}
	}
	return im.tx.EndFile(ctx, table)
}

// firstLines sets, for every id of lines, the line of the first row of
// spec's file that has it. The store does not keep the lines of a first
// load (store.ImportTx.Seen): the file is read again, on the error path
// only, for the few ids a problem names.
func (im *importer) firstLines(spec *csvbind.FileSpec, lines map[string]int) error {
	r, err := im.pkg.OpenFile(spec, im.man.Mode(spec.Name))
	if err != nil {
		return err
	}
	defer r.Close()
	left := len(lines)
	for left > 0 {
		rw, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if line, ok := lines[rw.Values[0]]; ok && line == 0 {
			lines[rw.Values[0]] = rw.Line
			left--
		}
	}
	return nil
}

// place gives findings of spec's file without a line (after a first
// load) their line, and keeps each check's findings in line order.
func (im *importer) place(findings []store.Finding, spec *csvbind.FileSpec) error {
	unknown := map[string]int{}
	for _, f := range findings {
		if f.Line == 0 {
			unknown[f.ID] = 0
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	if err := im.firstLines(spec, unknown); err != nil {
		return err
	}
	for i := range findings {
		if findings[i].Line == 0 {
			findings[i].Line = unknown[findings[i].ID]
		}
	}
	for lo := 0; lo < len(findings); {
		hi := lo + 1
		for hi < len(findings) && findings[hi].Code == findings[lo].Code {
			hi++
		}
		group := findings[lo:hi]
		sort.SliceStable(group, func(i, j int) bool { return group[i].Line < group[j].Line })
		lo = hi
	}
	return nil
}

// batch is up to batchSize rows read from a file, with the problems found
// in them and the number of lines they took (rows without a valid
// sourcedId are counted but not kept).
type batch struct {
	rows     []row
	problems []csvbind.Problem
	warnings []csvbind.Problem
	read     int
	bytes    int64 // of the file read when the batch was cut
}

// readBatches reads r to its end and sends its rows in batches.
func readBatches(ctx context.Context, r *csvbind.Reader, out chan<- batch) error {
	b := batch{rows: make([]row, 0, batchSize)}
	send := func() error {
		b.bytes = r.BytesRead()
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		b = batch{rows: make([]row, 0, batchSize)}
		return nil
	}
	for {
		rw, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b.read++
		b.warnings = append(b.warnings, rw.Warnings...)
		if len(rw.Problems) > 0 {
			b.problems = append(b.problems, rw.Problems...)
			if !oneroster.ValidGUID(rw.Values[0]) {
				continue
			}
			_, c, o := r.Pos(0)
			b.rows = append(b.rows, row{line: rw.Line, cols: []int{c}, offs: []int{o}, vals: []string{rw.Values[0]}, bad: true})
		} else {
			cols, offs := make([]int, len(rw.Values)), make([]int, len(rw.Values))
			for i := range cols {
				_, cols[i], offs[i] = r.Pos(i)
			}
			vals := append([]string(nil), rw.Values...)
			meta := metadataJSON(rw.Metadata)
			b.rows = append(b.rows, row{line: rw.Line, cols: cols, offs: offs, vals: vals, meta: meta, hash: contentHash(vals[3:], meta)})
		}
		if len(b.rows) == batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// selfRefName names the column of a file that refers to its own file.
func selfRefName(spec *csvbind.FileSpec, table string) string {
	for _, c := range spec.Columns {
		if c.Ref == table {
			return c.Name
		}
	}
	return "reference"
}

func metadataJSON(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	obj := make(map[string]string, len(m))
	for k, v := range m {
		if v != "" {
			obj[strings.TrimPrefix(k, "metadata.")] = v
		}
	}
	if len(obj) == 0 {
		return ""
	}
	b, _ := json.Marshal(obj) // map keys are sorted, so equal content gives equal text
	return string(b)
}

// flush writes one batch: duplicate check, reference check, then an
// upsert of the rows that are new or changed.
func (im *importer) flush(ctx context.Context, spec *csvbind.FileSpec, table string, mode csvbind.Mode, empty bool, refs []refSpec, batch []row, stats *FileStats) error {
	if len(batch) == 0 {
		return nil
	}
	ids := make([]string, len(batch))
	lines := make([]int, len(batch))
	for i, r := range batch {
		ids[i], lines[i] = r.vals[0], r.line
	}
	dups, err := im.tx.Seen(ctx, table, ids, lines)
	if err != nil {
		return err
	}
	unknown := map[string]int{}
	for i, first := range dups {
		if first == 0 {
			unknown[ids[i]] = 0
		}
	}
	if len(unknown) > 0 {
		if err := im.firstLines(spec, unknown); err != nil {
			return err
		}
		for i, first := range dups {
			if first == 0 {
				dups[i] = unknown[ids[i]]
			}
		}
	}
	bad := make([]bool, len(batch))
	var rejIDs []string
	var rejLines []int
	for i, r := range batch {
		bad[i] = r.bad
		if r.bad {
			rejIDs, rejLines = append(rejIDs, r.vals[0]), append(rejLines, r.line)
		}
	}
	if len(rejIDs) > 0 {
		if err := im.tx.Reject(ctx, table, rejIDs, rejLines); err != nil {
			return err
		}
	}
	for _, i := range slices.Sorted(maps.Keys(dups)) {
		first := dups[i]
		if bad[i] {
			continue
		}
		bad[i] = true
		im.problem(im.cellProblem(batch[i], 0, csvbind.CodeDuplicateID, fmt.Sprintf("sourcedId %q already appears on line %d", ids[i], first)))
	}
	if err := im.checkRefs(ctx, spec, table, refs, batch, bad); err != nil {
		return err
	}
	// Rows refused here are recorded as rejected too, so that references
	// to them in later files do not repeat their problem.
	var refused []string
	var refusedLines []int
	for i, r := range batch {
		if bad[i] && !r.bad {
			refused, refusedLines = append(refused, r.vals[0]), append(refusedLines, r.line)
		}
	}
	if len(refused) > 0 {
		if err := im.tx.Reject(ctx, table, refused, refusedLines); err != nil {
			return err
		}
	}

	var existing map[string]store.Existing
	if !empty {
		if existing, err = im.tx.Existing(ctx, table, ids); err != nil {
			return err
		}
	}
	cols := make([]string, 0, len(spec.Columns)+2)
	for _, c := range spec.Columns {
		cols = append(cols, c.Name)
	}
	cols = append(cols, "metadata", "contentHash")
	var out [][]string
	for i, r := range batch {
		if bad[i] {
			continue
		}
		hash := r.hash
		old, exists := existing[r.vals[0]]
		status, dlm := "active", im.now
		switch {
		case mode == csvbind.Delta:
			status, dlm = r.vals[1], normTime(r.vals[2])
		case r.vals[1] == "tobedeleted":
			// A bulk row marked so (STATUS_IN_BULK) marks its record
			// deleted, as a delta row would.
			status = "tobedeleted"
		}
		switch {
		case !exists:
			stats.Added++
		case old.Hash == hash && old.Status == status:
			stats.Unchanged++
			continue
		case status == "tobedeleted":
			stats.Deleted++
		default:
			stats.Updated++
		}
		vals := make([]string, 0, len(cols))
		vals = append(vals, r.vals[0], status, dlm)
		vals = append(vals, r.vals[3:]...)
		vals = append(vals, r.meta, hash)
		out = append(out, vals)
	}
	// Rows are written even after a problem was found elsewhere: later
	// files resolve their references against them, and the transaction is
	// rolled back at the end anyway.
	return im.tx.Upsert(ctx, table, cols, out)
}

// checkRefs resolves the batch's references against the store (which,
// inside the transaction, already holds the earlier files and batches).
func (im *importer) checkRefs(ctx context.Context, spec *csvbind.FileSpec, table string, refs []refSpec, batch []row, bad []bool) error {
	inBatch := map[string]bool{}
	for _, r := range batch {
		inBatch[r.vals[0]] = true
	}
	for _, rs := range refs {
		want := map[string]bool{}
		for i, r := range batch {
			if bad[i] {
				continue
			}
			for _, id := range idsOf(r.vals[rs.col], rs.list) {
				want[id] = true
			}
		}
		if len(want) == 0 {
			continue
		}
		ids := make([]string, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		found, err := im.tx.Resolve(ctx, rs.target, ids)
		if err != nil {
			return err
		}
		var missing []string
		for id := range want {
			if _, ok := found[id]; !ok && rs.target != table {
				missing = append(missing, id)
			}
		}
		rejected, err := im.tx.RejectedLines(ctx, rs.target, missing)
		if err != nil {
			return err
		}
		var pending []store.PendingRef
		for i, r := range batch {
			if bad[i] {
				continue
			}
			active := r.vals[1] != "tobedeleted"
			for _, id := range idsOf(r.vals[rs.col], rs.list) {
				t, ok := found[id]
				col := spec.Columns[rs.col].Name
				switch {
				case !ok && rs.target == table:
					// A target in this batch is written with it; an active
					// row still needs it active at the end of the file.
					if active || !inBatch[id] {
						pending = append(pending, store.PendingRef{Line: r.line, Column: r.cols[rs.col], ID: id, Active: active})
					}
				case active && rs.target == table && (t.Status == "tobedeleted" || im.curMode == csvbind.Delta):
					// A later row of this file may list it again (a
					// guardian a delta removed, back in the next bulk),
					// or, in a delta, delete it: the file's rows decide,
					// once it is complete. (A bulk file's rows are all
					// active, so an active target stays so.)
					pending = append(pending, store.PendingRef{Line: r.line, Column: r.cols[rs.col], ID: id, Active: true})
				case !ok && rejected[id] > 0:
					// The target row was in the package but had problems of
					// its own, already reported on its line.
					bad[i] = true
				case !ok && im.leftToStore(rs.target):
					im.rep.Unresolved++
				case !ok && im.broken[rs.target]:
					// Its file's own problem says why: no line per reference.
					bad[i] = true
					im.unchecked[rs.target]++
				case !ok:
					bad[i] = true
					im.problem(im.cellProblem(r, rs.col, csvbind.CodeDanglingRef,
						fmt.Sprintf("%s %q does not match any row of %s.csv or any stored record", col, id, rs.target)))
				case active && t.Status == "tobedeleted":
					bad[i] = true
					im.problem(im.cellProblem(r, rs.col, csvbind.CodeDanglingRef,
						fmt.Sprintf("%s %q refers to a record of %s.csv that is tobedeleted", col, id, rs.target)))
				case !schema.RefTypeOK(rs.typ, t.Type):
					bad[i] = true
					im.problem(im.cellProblem(r, rs.col, csvbind.CodeRefType,
						fmt.Sprintf("%s %q is of type %q, not %q", col, id, t.Type, rs.typ)))
				case rs.notTyp != "" && t.Type == rs.notTyp:
					bad[i] = true
					im.problem(im.cellProblem(r, rs.col, csvbind.CodeRefType,
						fmt.Sprintf("%s %q is a %s; a line item belongs to a term or grading period", col, id, t.Type)))
				}
			}
		}
		if len(pending) > 0 {
			if err := im.tx.AddPending(ctx, table, pending); err != nil {
				return err
			}
		}
	}
	return nil
}

func idsOf(v string, list bool) []string {
	if v == "" {
		return nil
	}
	if list {
		return oneroster.SplitList(v)
	}
	return []string{v}
}

func contentHash(vals []string, meta string) string {
	h := sha256.New()
	for _, v := range vals {
		io.WriteString(h, v)
		h.Write([]byte{0})
	}
	io.WriteString(h, meta)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// normTime renders a valid CSV date-time in the stored form.
func normTime(s string) string {
	t, err := csvbind.ParseDateTime(s)
	if err != nil {
		return s
	}
	return oneroster.FormatTime(t)
}
