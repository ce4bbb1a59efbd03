package csvbind

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// metadataPrefix starts the only extra columns the binding allows.
const metadataPrefix = "metadata."

// maxHeaderCells bounds the header, and with it the problems one file can
// produce per row: no real file has this many metadata columns, and a
// hostile header of commas would otherwise yield a problem per cell.
const maxHeaderCells = 1024

// Row is one data row of a file.
//
// To keep reading allocation-free, a Row shares its slices and map with the
// Reader: Values, Metadata and Problems are overwritten by the next call to
// Next. The strings themselves are never reused, so copying the slice (or
// the strings you need) is enough to keep them.
type Row struct {
	Line int // line of the row's first cell
	// Values holds the standard columns, indexed like FileSpec.Columns. It
	// always has len(FileSpec.Columns) entries; missing cells of a row with
	// a COLUMN_COUNT problem read as "".
	Values []string
	// Metadata maps the suffix of each metadata.* column ("houseName" for
	// metadata.houseName) to the row's cell, blank cells included. It is nil
	// when the file has no metadata columns.
	Metadata map[string]string
	// Problems holds the row's problems; a row with problems must not be
	// imported.
	Problems []Problem
	// Warnings holds what the reader normalised in Values (warning codes,
	// see Codes); the row is importable.
	Warnings []Problem
}

// Reader streams the rows of one data file and checks every rule that can be
// checked one row at a time. It holds one record in memory, whatever the size
// of the file.
type Reader struct {
	spec  *FileSpec // the layout the file is checked against
	mode  Mode
	s     *stream
	close func() error

	// For the files of a OneRoster 1.1 package (see Package.OpenFile):
	out   *FileSpec     // the layout of Row.Values; spec unless conv says otherwise
	conv  *rowMap       // rewrites rows from spec's layout to out's; nil when they agree
	roles *derivedRoles // set when this Reader is the roles.csv derived from a 1.1 users.csv

	names    []string // header cells
	meta     []string // metadata keys, for cells len(spec.Columns)...
	headerOK bool
	rows     int

	pad      []string
	metadata map[string]string
	probs    []Problem
	warns    []Problem // of the current row
	trailing bool      // the header ended with one empty cell
	// pairs are the columns of the rules across two cells (checkRow):
	// source, learningObjectiveId, subjects, subjectCodes; -1 for none.
	pairs    [4]int
	fwarns   []Problem // of the file (its header)
	curLine  int       // line of the row last returned by Next
	curCells int       // its number of cells; 0 when there is none
}

// NewReader reads one data file from rd, checking it against spec as a file
// in the given mode, which must be Bulk or Delta. It reads the header at
// once, so header problems are in Problems before the first Next. Closing
// the Reader does not close rd.
func NewReader(rd io.Reader, spec *FileSpec, mode Mode) *Reader {
	return newReader(rd, nil, spec, mode, DefaultMaxRecordSize, 0)
}

func newReader(rd io.Reader, closeFn func() error, spec *FileSpec, mode Mode, maxRecord, maxEntry int64) *Reader {
	if mode != Bulk && mode != Delta {
		panic(fmt.Sprintf("csvbind: reader for %s needs mode bulk or delta, not %v", spec.Name, mode))
	}
	s := newStream(spec.Name, rd, maxRecord)
	s.maxEntry = maxEntry
	r := &Reader{spec: spec, out: spec, mode: mode, s: s, close: closeFn}
	r.pairs = [4]int{spec.Columns.Index("source"), spec.Columns.Index("learningObjectiveId"), spec.Columns.Index("subjects"), spec.Columns.Index("subjectCodes")}
	r.readHeader()
	return r
}

// setLayout makes the Reader hand out rows in the layout of out, which
// matches spec by column name (renames aside).
func (r *Reader) setLayout(out *FileSpec, renames map[string]string) {
	r.out = out
	if r.roles != nil {
		r.conv = newRowMap(out, rolesFile, renames)
	} else {
		r.conv = newRowMap(out, r.spec, renames)
	}
	if r.conv != nil {
		r.out = r.conv.out
	}
}

// Spec returns the layout of the rows' Values: the spec given to
// OpenFile. For a OneRoster 1.1 package it is a copy of that spec in which
// the columns 1.1 has nothing for are optional, since they are always
// blank — lineItems.csv's schoolSourcedId is the only required one.
func (r *Reader) Spec() *FileSpec { return r.out }

// File returns the name of the file actually read, which problems name:
// the spec's file, except for the roles.csv of a OneRoster 1.1 package,
// which is derived from users.csv. An importer reporting problems it finds
// in the rows (duplicates, references) should name this file, since Row.Line
// and Pos point into it.
func (r *Reader) File() string { return r.spec.Name }

// Problems returns the file-level problems found so far: header, syntax,
// encoding of the header, EMPTY_FILE, read errors. Row problems are only in
// each Row. Call it after Next returns io.EOF for the complete list.
//
// The roles.csv of a OneRoster 1.1 package has no problems of its own here:
// those of users.csv are reported by the users.csv Reader.
func (r *Reader) Problems() []Problem {
	if r.roles != nil {
		return nil
	}
	return r.s.probs
}

// Warnings returns the file-level warnings (a trailing empty header
// cell); those of rows are in each Row.
func (r *Reader) Warnings() []Problem {
	if r.roles != nil {
		return nil
	}
	return r.fwarns
}

// BytesRead returns the bytes of the file read so far (for the roles.csv
// of a OneRoster 1.1 package, of its users.csv). The CSV parser reads
// ahead, so it runs up to a buffer ahead of the rows handed out; at the
// end of a file read whole it is the file's size (see Package.Size).
// Like Next, call it from the goroutine that reads.
func (r *Reader) BytesRead() int64 {
	if r.roles != nil {
		return r.roles.users.BytesRead()
	}
	return r.s.g.total
}

// Close releases the file. It is safe to call more than once.
func (r *Reader) Close() error {
	if r.close == nil {
		return nil
	}
	c := r.close
	r.close = nil
	return c()
}

// Next returns the next data row, or io.EOF when there are no more rows to
// read: at the end of the file, or earlier when a HEADER or CSV_SYNTAX
// problem (see Problems) makes the rest of the file untrustworthy. It never
// returns another error; input faults are problems, not errors.
func (r *Reader) Next() (Row, error) {
	var row Row
	var err error
	if r.roles != nil {
		row, err = r.roles.next()
	} else {
		row, err = r.next()
	}
	if err == nil && r.conv != nil {
		row.Values = r.conv.apply(row.Values)
	}
	if r.roles != nil {
		row.Warnings = nil // the users.csv Reader reports them
	}
	return row, err
}

func (r *Reader) next() (Row, error) {
	if !r.headerOK {
		return Row{}, io.EOF
	}
	rec := r.s.read()
	if rec == nil {
		if !r.s.failed && r.rows == 0 {
			r.s.add(0, 0, CodeEmptyFile, "the file has a header but no data rows; leave it out of the package and mark it absent in manifest.csv")
		}
		r.headerOK = false // later calls return io.EOF without re-reporting
		r.curCells = 0
		return Row{}, io.EOF
	}
	r.rows++
	line, _ := r.s.cr.FieldPos(0)
	r.curLine, r.curCells = line, len(rec)
	row := Row{Line: line, Metadata: r.metadata}
	r.probs, r.warns = r.probs[:0], r.warns[:0]
	nstd := len(r.spec.Columns)
	if len(rec) == len(r.names)+1 && rec[len(rec)-1] == "" {
		// A trailing comma, which some SIS exports put on every row (the
		// header's warning covers rows that match a header ending so).
		if !r.trailing {
			r.warn(len(rec)-1, CodeTrailingCell, "the row has one empty cell more than the header (a trailing comma); it is ignored")
		}
		rec = rec[:len(rec)-1]
		r.curCells = len(rec)
	}
	if len(rec) != len(r.names) {
		r.probs = append(r.probs, Problem{File: r.spec.Name, Line: line, Code: CodeColumnCount,
			Message: fmt.Sprintf("the row has %d cells but the header has %d", len(rec), len(r.names))})
		r.pad = append(r.pad[:0], rec[:min(len(rec), nstd)]...)
		for len(r.pad) < nstd {
			r.pad = append(r.pad, "")
		}
		row.Values = r.pad
	} else {
		row.Values = rec[:nstd]
		for i, v := range rec {
			if r.s.cellOK(i, r.names[i], r.names[i], v, &r.probs) && i < nstd {
				rec[i] = r.checkValue(i, v)
			}
		}
		if len(r.probs) == 0 {
			r.checkRow(row.Values)
		}
	}
	if r.metadata != nil {
		clear(r.metadata)
		for j, key := range r.meta {
			if nstd+j < len(rec) {
				r.metadata[key] = rec[nstd+j]
			}
		}
	}
	row.Problems, row.Warnings = r.probs, r.warns
	return row, nil
}

// Pos returns where cell i (indexed like FileSpec.Columns) of the row last
// returned by Next is: its line, field number (see Problem.Column) and
// byte offset, so that problems found after reading — duplicate ids,
// dangling references — point at the same place as the reader's own. A
// cell the row lacks (COLUMN_COUNT) gives the row's line and 0, 0. Like
// Row, it is only valid until the next call to Next.
func (r *Reader) Pos(i int) (line, field, offset int) {
	i = r.src(i)
	if r.roles != nil {
		return r.roles.pos(i)
	}
	if i < 0 || i >= r.curCells {
		return r.curLine, 0, 0
	}
	return r.s.cell(i)
}

// Header returns the header, in the file read, of the column that holds
// cell i (indexed like FileSpec.Columns), or "".
func (r *Reader) Header(i int) string {
	i = r.src(i)
	if r.roles != nil {
		return r.roles.header(i)
	}
	if i < 0 || i >= len(r.names) {
		return ""
	}
	return r.names[i]
}

// src maps index i of Row.Values to the index of its cell in the file.
func (r *Reader) src(i int) int {
	if r.conv == nil {
		return i
	}
	if i < 0 || i >= len(r.conv.src) {
		return -1
	}
	return r.conv.src[i]
}

// checkRow applies the rules that involve two cells of a row whose cells
// are each valid.
func (r *Reader) checkRow(vals []string) {
	if i, j := r.pairs[0], r.pairs[1]; i >= 0 && j >= 0 && vals[i] == "case" {
		if _, ok := oneroster.UUIDURN(vals[j]); !ok {
			r.add(j, CodeCaseID, "%s is not a UUID URN (urn:uuid:<uuid>), which a learningObjectiveId of source case must be", oneroster.Quote(vals[j]))
		}
	}
	if i, j := r.pairs[2], r.pairs[3]; i >= 0 && j >= 0 && vals[i] != "" && vals[j] != "" {
		if n, m := strings.Count(vals[i], ",")+1, strings.Count(vals[j], ",")+1; n != m {
			r.add(j, CodeParallelLists, "subjectCodes has %d items but subjects has %d; the lists are parallel (the n-th code is the n-th subject's)", m, n)
		}
	}
}

// warn records a warning about cell i of the current row.
func (r *Reader) warn(i int, code, format string, args ...any) {
	r.warns = append(r.warns, r.cellProblem(i, code, fmt.Sprintf(format, args...)))
}

// cellProblem is a problem about cell i of the current record.
func (r *Reader) cellProblem(i int, code, msg string) Problem {
	line, field, off := r.s.cell(i)
	p := Problem{File: r.spec.Name, Line: line, Column: field, Offset: off, Code: code, Message: msg}
	if i < len(r.names) {
		p.Header = r.names[i]
	}
	return p
}

// add records a problem about cell i of the current row.
func (r *Reader) add(i int, code, format string, args ...any) {
	r.probs = append(r.probs, r.cellProblem(i, code, fmt.Sprintf(format, args...)))
}

// checkValue applies the column's rules to cell i and returns the value
// to import: v, or what a harmless habit of producers meant (a warning
// says so). Each cell gets at most one problem: the first broken rule is
// the one worth fixing.
func (r *Reader) checkValue(i int, v string) string {
	col := &r.spec.Columns[i]
	name := col.Name
	switch {
	case col.Required == schema.ReqDelta && r.mode == Bulk:
		switch {
		case v == "":
		case name == "dateLastModified":
			r.warn(i, CodeStatusInBulk, "dateLastModified is filled (%s) in a bulk file; bulk rows take the import's time, so it is ignored", oneroster.Quote(v))
			v = ""
		default:
			if f := foldValue(col.Values, v); f != "" {
				v = f
			}
			if msg := enumProblem(col, v); msg != "" {
				r.add(i, CodeEnum, "%s", msg)
				return v
			}
			what := "it is imported as any bulk row"
			if v == "tobedeleted" {
				what = "the row marks its record deleted, as a delta row would"
			}
			r.warn(i, CodeStatusInBulk, "status is filled (%s) in a bulk file; bulk semantics apply: %s", oneroster.Quote(v), what)
		}
		return v
	case col.Required == schema.ReqDelta && v == "":
		r.add(i, CodeDeltaFields, "%s is required in a delta file", name)
		return v
	case v == "":
		if col.Required == schema.ReqYes {
			r.add(i, CodeRequired, "%s is required", name)
		}
		return v
	}
	switch col.Format {
	case schema.Enum, schema.Boolean:
		values := col.Values
		if col.Format == schema.Boolean {
			values = booleans
		}
		if f := foldValue(values, v); f != "" {
			r.warn(i, CodeCaseFolded, "%s %s read as %q (the binding's values are case-sensitive)", name, oneroster.Quote(v), f)
			v = f
		}
	case schema.EnumList:
		// Rebuilt only when an item folds: most cells are exact.
		folds := false
		for item := range strings.SplitSeq(v, ",") {
			folds = folds || foldValue(col.Values, item) != ""
		}
		if folds {
			items := strings.Split(v, ",")
			for k, item := range items {
				if f := foldValue(col.Values, item); f != "" {
					items[k] = f
				}
			}
			folded := strings.Join(items, ",")
			r.warn(i, CodeCaseFolded, "%s %s read as %q (the binding's values are case-sensitive)", name, oneroster.Quote(v), folded)
			v = folded
		}
	}
	r.checkFormat(i, col, v)
	return v
}

var booleans = []string{"true", "false"}

// foldValue returns the one value of values that v matches in another
// letter case, or "" when v is a value, matches none or is ambiguous.
func foldValue(values []string, v string) string {
	if slices.Contains(values, v) {
		return ""
	}
	found := ""
	for _, w := range values {
		if strings.EqualFold(v, w) {
			if found != "" {
				return ""
			}
			found = w
		}
	}
	return found
}

// checkFormat checks a non-blank cell against its column's format.
func (r *Reader) checkFormat(i int, col *schema.Column, v string) {
	name := col.Name
	switch col.Format {
	case schema.GUID, schema.GUIDRef:
		if why := oneroster.GUIDProblem(v); why != "" {
			r.add(i, CodeSourcedID, "%s %s %s", name, oneroster.Quote(v), why)
		}
	case schema.GUIDRefList:
		r.eachItem(i, name, v, func(item string) bool {
			if why := oneroster.GUIDProblem(item); why != "" {
				r.add(i, CodeSourcedID, "%s item %s %s", name, oneroster.Quote(item), why)
				return false
			}
			return true
		})
	case schema.StringList:
		r.eachItem(i, name, v, nil)
	case schema.Enum:
		if msg := enumProblem(col, v); msg != "" {
			r.add(i, CodeEnum, "%s%s", msg, r.enumHint(col, v))
		}
	case schema.EnumList:
		r.eachItem(i, name, v, func(item string) bool {
			if msg := enumProblem(col, item); msg != "" {
				r.add(i, CodeEnum, "%s%s", msg, r.enumHint(col, item))
				return false
			}
			return true
		})
	case schema.Boolean:
		if v != "true" && v != "false" {
			r.add(i, CodeBoolean, "%s", vocabProblem(v, name, oneroster.Vocabulary{Values: []string{"true", "false"}}))
		}
	case schema.Integer:
		if !validInteger(v) {
			r.add(i, CodeInteger, "%s is not a valid %s; expected a whole number", oneroster.Quote(v), name)
		}
	case schema.Float:
		if !validFloat(v) {
			r.add(i, CodeNumber, "%s is not a valid %s; expected a decimal number such as 87.5", oneroster.Quote(v), name)
		}
	case schema.Date:
		if why := oneroster.DateProblem(v); why != "" {
			r.add(i, CodeDate, "%s is not a valid %s: %s", oneroster.Quote(v), name, why)
		}
	case schema.DateTime:
		if why := dateTimeProblem(v); why != "" {
			r.add(i, CodeDateTime, "%s is not a valid %s: %s", oneroster.Quote(v), name, why)
		}
	case schema.Year:
		if len(v) != 4 || !digits(v) {
			r.add(i, CodeYear, "%s is not a valid %s; expected four digits (YYYY)", oneroster.Quote(v), name)
		}
	case schema.UserIDList, schema.ScoreScaleValueList:
		parse := func(v string) error { _, err := oneroster.ParseUserIDs(v); return err }
		if col.Format == schema.ScoreScaleValueList {
			parse = func(v string) error { _, err := oneroster.ParseScoreScaleValues(v); return err }
		}
		if err := parse(v); err != nil {
			r.add(i, CodeList, "%s is not a valid %s: %v", oneroster.Quote(v), name, err)
		}
	}
}

// enumHint adds to the message for a token outside a 1.1 vocabulary when
// the token is valid in 1.2.
func (r *Reader) enumHint(col *schema.Column, v string) string {
	if !is11(r.spec) {
		return ""
	}
	return enumHint11(r.spec, col, v)
}

// eachItem passes the items of a list cell to fn, without allocating, and
// stops at the first empty item (a LIST problem) or the first item fn
// rejects, so that one cell never yields more than one problem however long
// the list.
func (r *Reader) eachItem(i int, name, v string, fn func(string) bool) {
	for n := 1; ; n++ {
		item, rest, more := strings.Cut(v, ",")
		if item == "" {
			r.add(i, CodeList, "%s item %d is empty; lists are written a,b,c with no empty items", name, n)
			return
		}
		if fn != nil && !fn(item) {
			return
		}
		if !more {
			return
		}
		v = rest
	}
}

// enumProblem explains why v is not a token of col's vocabulary, or "".
func enumProblem(col *schema.Column, v string) string {
	voc := oneroster.Vocabulary{Values: col.Values, Extensible: col.Extensible}
	if voc.Has(v) {
		return ""
	}
	if rest, ok := strings.CutPrefix(v, "ext:"); ok {
		if !col.Extensible {
			return fmt.Sprintf("%s is not a valid %s; this vocabulary is closed, so ext: values are not allowed (expected %s)", oneroster.Quote(v), col.Name, voc.List())
		}
		if !oneroster.ValidExtName(rest) {
			return fmt.Sprintf("%s is not a valid %s; an ext: value must match ext:[A-Za-z0-9._-]+", oneroster.Quote(v), col.Name)
		}
	}
	return vocabProblem(v, col.Name, voc)
}

// vocabProblem builds the message for a token outside a vocabulary, with a
// suggestion when there is one (oneroster.Vocabulary.Suggest).
func vocabProblem(v, name string, voc oneroster.Vocabulary) string {
	if w := voc.Suggest(v); w != "" {
		return fmt.Sprintf("%s is not a valid %s; did you mean %q?", oneroster.Quote(v), name, w)
	}
	return fmt.Sprintf("%s is not a valid %s; expected %s", oneroster.Quote(v), name, voc.List())
}

// readHeader checks the header row. Rows are only read when it is right:
// with a column missing or shifted, every row would report noise.
func (r *Reader) readHeader() {
	rec := r.s.read()
	if rec == nil {
		if !r.s.failed {
			r.s.add(0, 0, CodeHeader, "the file is empty; the header row is mandatory")
		}
		return
	}
	headerLine, _ := r.s.cr.FieldPos(0)
	if n := len(rec); n > 2 && rec[n-1] == "" && rec[n-2] != "" {
		line, field, off := r.s.cell(n - 1)
		r.fwarns = append(r.fwarns, Problem{File: r.spec.Name, Line: line, Column: field, Offset: off, Code: CodeTrailingCell,
			Message: "the header ends with an empty cell (a trailing comma); it is ignored, and so is one empty cell at the end of each row"})
		rec = rec[:n-1]
		r.trailing = true
	}
	if len(rec) > maxHeaderCells {
		r.s.add(headerLine, 0, CodeHeader, "the header has %d cells; at most %d are supported", len(rec), maxHeaderCells)
		return
	}
	names := slices.Clone(rec)
	std := r.spec.Columns
	before := len(r.s.probs)

	present := make(map[string]bool, len(names))
	lastStd := -1
	for i, n := range names {
		present[n] = true
		if r.spec.Columns.Index(n) >= 0 {
			lastStd = i
		}
	}
	var missing []string
	for _, c := range std {
		if !present[c.Name] {
			missing = append(missing, c.Name)
		}
	}

	seen := make(map[string]bool, len(names))
	var stdCells []int
	for i, n := range names {
		if strings.IndexByte(n, '\r') >= 0 && strings.IndexByte(n, '\n') < 0 {
			// encoding/csv only ends lines at LF, so a file saved with
			// classic-Mac CR line ends arrives as one enormous line.
			r.s.addCell(i, n, CodeHeader, "the header runs into the next line at a bare carriage return; save the file with LF or CRLF line endings")
			return
		}
		if !r.s.cellOK(i, fmt.Sprintf("header cell %d", i+1), "", n, &r.s.probs) {
			continue
		}
		if seen[n] {
			r.s.addCell(i, n, CodeHeader, "duplicate column %q", n)
			continue
		}
		seen[n] = true
		switch {
		case strings.HasPrefix(n, metadataPrefix):
			switch {
			case n == metadataPrefix:
				r.s.addCell(i, n, CodeHeader, "metadata column needs a name after %q", metadataPrefix)
			case i < lastStd:
				r.s.addCell(i, n, CodeHeader, "metadata column %q must come after all standard columns", n)
			default:
				r.meta = append(r.meta, n[len(metadataPrefix):])
			}
		case r.spec.Columns.Index(n) >= 0:
			stdCells = append(stdCells, i)
		default:
			r.s.addCell(i, n, CodeHeader, "%s", unknownColumn(r.spec, n, missing))
		}
	}
	for _, m := range missing {
		r.s.add(headerLine, 0, CodeHeader, "missing column %q", m)
	}
	if len(r.s.probs) == before {
		for k, i := range stdCells {
			if names[i] != std[k].Name {
				r.s.addCell(i, names[i], CodeHeader, "column %q is out of order; %q belongs here (the standard order is %s)",
					names[i], std[k].Name, strings.Join(r.spec.Columns.Names(), ","))
				break
			}
		}
	}
	r.names = names
	r.headerOK = len(r.s.probs) == before
	if !r.headerOK {
		r.fwarns = nil // the header's problems say it all
	}
	if len(r.meta) > 0 {
		r.metadata = make(map[string]string, len(r.meta))
	}
}

// unknownColumn words the problem for a header cell that is not a column
// of spec, pointing at the likely intended column when there is one.
func unknownColumn(spec *FileSpec, n string, missing []string) string {
	if n == "" {
		return "empty column name; is there a stray comma in the header?"
	}
	if is11(spec) {
		if hint := hint11(spec, n); hint != "" {
			return fmt.Sprintf("unknown column %q; %s", n, hint)
		}
	} else if hint, ok := legacyHints[spec.Name][n]; ok {
		return fmt.Sprintf("unknown column %q; %s", n, hint)
	}
	if s := suggest(n, missing); s != "" {
		return fmt.Sprintf("unknown column %q; did you mean %q?", n, s)
	}
	return fmt.Sprintf("unknown column %q; extra columns must be named metadata.<name> and come after the standard columns", n)
}

// suggest returns the candidate that n most plausibly misspells: one that
// differs only in case or surrounding spaces, else the single nearest within
// two edits. It returns "" rather than guess between equals.
func suggest(n string, candidates []string) string {
	t := strings.TrimSpace(n)
	if len(t) > 64 { // no name is that long; and edit distance is quadratic
		return ""
	}
	for _, c := range candidates {
		if strings.EqualFold(t, c) {
			return c
		}
	}
	best, bestD, tie := "", 3, false
	lt := strings.ToLower(t)
	for _, c := range candidates {
		d := editDistance(lt, strings.ToLower(c))
		switch {
		case d < bestD:
			best, bestD, tie = c, d, false
		case d == bestD:
			tie = true
		}
	}
	if tie || best == "" || bestD*2 >= len(best) {
		return ""
	}
	return best
}

// editDistance is the optimal-string-alignment distance, in bytes: like
// Levenshtein, but a swap of two neighbours ("nmae") counts as one edit,
// because that is how people mistype.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
