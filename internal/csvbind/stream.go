package csvbind

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// DefaultMaxRecordSize caps one CSV record (one row, quotes included).
// encoding/csv buffers a whole record, so without a cap one unterminated
// quote near the top of a large file would pull the rest of the file into
// memory before failing.
const DefaultMaxRecordSize = 1 << 20

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

var (
	errRecordTooLong = errors.New("csvbind: record too long")
	errEntryTooLarge = errors.New("csvbind: entry too large")
)

// recordGuard sits under the CSV parser and fails the stream as soon as one
// record grows past max bytes. In CSV that is free of syntax errors a line
// feed ends a record exactly when an even number of quotes precede it in
// the record, so tracking quote parity is enough to find record ends without
// parsing. It also remembers where the open quoted field began, to point an
// "unterminated quote" report at the quote itself rather than at the end of
// the file.
type recordGuard struct {
	r   io.Reader
	max int64

	size      int64 // bytes of the current record so far
	total     int64 // bytes read from r, for progress (Reader.BytesRead)
	line, col int   // position of the last byte consumed (col 0: none yet on this line)
	recLine   int   // line where the current record starts
	inQuote   bool
	prev      byte // last byte consumed, to tell "" (escaped quote) from a new field
	qLine     int  // line and column of the quote that opened the current quoted field
	qCol      int
	eof       bool
	err       error
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.total += int64(n)
	b := p[:n]
	if n > 0 && bytes.IndexByte(b, '"') < 0 {
		// No quote in this chunk: parity cannot change, so newlines only
		// end records if we are outside a quoted field. This keeps the
		// common, quote-free case at memchr speed.
		if last := bytes.LastIndexByte(b, '\n'); last >= 0 {
			g.line += bytes.Count(b, []byte{'\n'})
			g.col = n - last - 1
			if g.inQuote {
				g.size += int64(n)
			} else {
				g.size = int64(n - last - 1)
				g.recLine = g.line
			}
		} else {
			g.col += n
			g.size += int64(n)
		}
		g.prev = b[n-1]
	} else {
		for _, c := range b {
			g.size++
			g.col++
			switch c {
			case '"':
				if !g.inQuote && g.prev != '"' {
					g.qLine, g.qCol = g.line, g.col
				}
				g.inQuote = !g.inQuote
			case '\n':
				g.line++
				g.col = 0
				if !g.inQuote {
					g.size = 0
					g.recLine = g.line
				}
			}
			g.prev = c
		}
	}
	if err == io.EOF {
		g.eof = true
	}
	if g.size > g.max {
		g.err = errRecordTooLong
		return n, g.err
	}
	return n, err
}

// entryLimit fails a zip entry that inflates past its cap. archive/zip
// already refuses data beyond the size the central directory declares, and
// Open refuses declared sizes above the cap, so this is a second line of
// defence that costs one subtraction per read.
type entryLimit struct {
	r    io.Reader
	left int64
}

func (l *entryLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errEntryTooLarge
	}
	return n, err
}

// stream is the CSV layer shared by manifest.csv and the data files: BOM,
// record cap, syntax errors turned into problems, and the per-cell text
// rules (UTF-8, no line breaks).
type stream struct {
	file     string
	cr       *csv.Reader
	g        *recordGuard
	bom      int // bytes of BOM skipped, to align guard columns on line 1
	maxEntry int64
	probs    []Problem
	done     bool
	failed   bool // stopped by an error, not by end of file
}

func newStream(file string, rd io.Reader, maxRecord int64) *stream {
	g := &recordGuard{r: rd, max: maxRecord, line: 1, recLine: 1}
	// csv.NewReader reuses a *bufio.Reader of at least the default size, so
	// peeking for the BOM here costs no second buffer.
	br := bufio.NewReaderSize(g, 64<<10)
	s := &stream{file: file, g: g}
	b, _ := br.Peek(len(utf8BOM))
	switch {
	case bytes.Equal(b, utf8BOM):
		_, _ = br.Discard(len(utf8BOM))
		s.bom = len(utf8BOM)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		// Spreadsheet "Unicode text" exports are UTF-16; say so once rather
		// than report every cell as invalid UTF-8.
		s.add(0, 0, CodeEncoding, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
		s.done, s.failed = true, true
	}
	s.cr = csv.NewReader(br)
	s.cr.FieldsPerRecord = -1 // cell counts are checked against the header, with a better message
	s.cr.ReuseRecord = true
	return s
}

// read returns the next record, or nil once the stream has ended or failed.
// The slice is reused by the next call; the strings in it are not.
func (s *stream) read() []string {
	if s.done {
		return nil
	}
	rec, err := s.cr.Read()
	if err == nil {
		return rec
	}
	s.done = true
	if err != io.EOF {
		s.failed = true
		s.fail(err)
	}
	return nil
}

func (s *stream) add(line, col int, code, format string, args ...any) {
	s.probs = append(s.probs, Problem{File: s.file, Line: line, Column: col, Code: code, Message: fmt.Sprintf(format, args...)})
}

// addOffset records a problem at a byte offset of a line whose field the
// parser does not know (a syntax error); the message says the offset, so
// the text form, which shows field numbers, still points at the place.
func (s *stream) addOffset(line, offset int, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...) + fmt.Sprintf(" (at byte %d of line %d)", offset, line)
	s.probs = append(s.probs, Problem{File: s.file, Line: line, Offset: offset, Code: code, Message: msg})
}

// addCell records a problem about field i of the record last read, whose
// column has the given header.
func (s *stream) addCell(i int, header, code, format string, args ...any) {
	line, field, off := s.cell(i)
	s.probs = append(s.probs, Problem{File: s.file, Line: line, Column: field, Header: header, Offset: off, Code: code, Message: fmt.Sprintf(format, args...)})
}

// cell returns where field i of the record last read starts: its line,
// field number and byte offset.
func (s *stream) cell(i int) (line, field, offset int) {
	line, offset = s.cr.FieldPos(i)
	return line, i + 1, offset
}

// fail turns the error that ended the stream into a problem. Positions come
// from the parser where it gives them, else from the guard.
func (s *stream) fail(err error) {
	qLine, qCol := s.g.qLine, s.g.qCol
	if qLine == 1 {
		qCol -= s.bom
	}
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		s.addOffset(pe.Line, pe.Column, CodeCSVSyntax, `bare " in an unquoted field; quote the whole field and double the quotes inside it ("")`)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		if s.g.eof && s.g.inQuote && (pe.Line > qLine || pe.Line == qLine && pe.Column > qCol) {
			s.addOffset(qLine, qCol, CodeCSVSyntax, "quoted field is never closed; the file ends inside it")
		} else {
			s.addOffset(pe.Line, pe.Column, CodeCSVSyntax, `unexpected " in a quoted field; a quote inside a quoted field must be doubled ("")`)
		}
	case errors.As(err, &pe):
		s.addOffset(pe.Line, pe.Column, CodeCSVSyntax, "%v", pe.Err)
	case errors.Is(err, errRecordTooLong):
		if s.g.inQuote {
			s.addOffset(qLine, qCol, CodeCSVSyntax, "quoted field is still open after %d bytes; a closing quote is probably missing", s.g.max)
		} else {
			s.add(s.g.recLine, 0, CodeCSVSyntax, "record is longer than %d bytes", s.g.max)
		}
	case errors.Is(err, errEntryTooLarge):
		s.add(0, 0, CodePackageUnsafe, "%s inflates to more than %d bytes, the per-file limit; the rest of the file is not read", s.file, s.maxEntry)
	default:
		s.add(0, 0, CodePackageUnreadable, "reading %s failed: %v", s.file, err)
	}
}

// cellOK applies the text rules every cell obeys and reports a breach;
// name is the column name used in messages, header the column's header
// ("" for a header cell itself).
func (s *stream) cellOK(i int, name, header, v string, probs *[]Problem) bool {
	// Most cells are short and plain ASCII; one pass settles them.
	plain := true
	for j := 0; j < len(v); j++ {
		if c := v[j]; c >= utf8.RuneSelf || c < 0x20 && c != '\t' || c == 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return true
	}
	if !utf8.ValidString(v) {
		off := 0
		for off < len(v) {
			r, size := utf8.DecodeRuneInString(v[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		line, field, at := s.cell(i)
		*probs = append(*probs, Problem{File: s.file, Line: line, Column: field, Header: header, Offset: at, Code: CodeEncoding, Message: fmt.Sprintf("%s is not valid UTF-8 (byte 0x%02X at offset %d of the cell); save the file as UTF-8", name, v[off], off)})
		return false
	}
	if strings.IndexByte(v, '\n') >= 0 || strings.IndexByte(v, '\r') >= 0 {
		line, field, off := s.cell(i)
		*probs = append(*probs, Problem{File: s.file, Line: line, Column: field, Header: header, Offset: off, Code: CodeLineBreak, Message: fmt.Sprintf("%s contains a line break; the CSV binding forbids line breaks inside cells", name)})
		return false
	}
	// A NUL or another control character is no text a person typed, and
	// PostgreSQL refuses a NUL in text outright (without saying where).
	for j := 0; j < len(v); j++ {
		if c := v[j]; c < 0x20 && c != '\t' || c == 0x7f {
			line, field, off := s.cell(i)
			*probs = append(*probs, Problem{File: s.file, Line: line, Column: field, Header: header, Offset: off, Code: CodeControlChar,
				Message: fmt.Sprintf("%s holds the control character 0x%02X at byte %d of the cell; remove it (a tab is allowed)", name, c, j+1)})
			return false
		}
	}
	return true
}
