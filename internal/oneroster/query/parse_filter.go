package query

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Limits on a filter. The filter comes straight from an unauthenticated
// part of the URL and is compiled into a database query, so its size and
// the recursion it causes are bounded well above any real-world filter.
const (
	MaxFilterLength = 4096 // bytes of the decoded filter
	MaxComparisons  = 32
	MaxNesting      = 16 // depth of parentheses
)

const predicateList = "=, !=, >, >=, <, <=, ~"

// ParseFilter parses the value of the filter parameter, already URL-decoded.
// An empty or all-blank filter means "no filter" and gives (nil, nil). Errors
// are *oneroster.Error with code invalid_filter_field, the code the standard
// uses for bad filters, and say what is wrong at which byte offset.
func ParseFilter(s string) (Expr, error) {
	if len(s) > MaxFilterLength {
		return nil, filterErr("longer than %d bytes", MaxFilterLength)
	}
	if strings.TrimLeft(s, " \t\r\n") == "" {
		return nil, nil
	}
	// Invalid UTF-8 and NUL would otherwise reach the database, where
	// PostgreSQL rejects them with an error that surfaces as a 500.
	if !utf8.ValidString(s) {
		return nil, filterErr("invalid UTF-8 at offset %d", invalidUTF8At(s))
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return nil, filterErr("NUL character at offset %d", i)
	}
	p := &parser{src: s}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tEOF:
		return e, nil
	case tRParen:
		return nil, filterErr("unmatched %q at offset %d", ")", p.tok.off)
	}
	return nil, p.afterOperandErr(`AND or OR`, "")
}

type tokKind int

const (
	tEOF     tokKind = iota
	tName            // a field path or a keyword; dotted paths are one token
	tOp              // a run of predicate characters, valid or not
	tValue           // a quoted value
	tLParen          // (
	tRParen          // )
	tIllegal         // one character that starts no token
)

type token struct {
	kind   tokKind
	text   string // as written in the input
	val    string // tValue only: the text between the quotes, undoubled
	off    int    // byte offset of text in the input
	spaced bool   // whitespace comes before the token
}

type parser struct {
	src   string
	pos   int   // where the lexer continues
	tok   token // current token
	prev  token // last consumed token, for "after …" in messages
	count int   // comparisons so far
	depth int   // open parentheses
}

func isSpace(c byte) bool     { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || '0' <= c && c <= '9' }
func isPredChar(c byte) bool  { return c == '=' || c == '!' || c == '<' || c == '>' || c == '~' }

// advance consumes the current token and lexes the next one. The lexer is
// driven by the parser, one token ahead, so lexing never runs past an error.
func (p *parser) advance() error {
	p.prev = p.tok
	start := p.pos
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
	t := token{off: p.pos, spaced: p.pos > start}
	if p.pos == len(p.src) {
		t.kind = tEOF
		p.tok = t
		return nil
	}
	end := p.pos + 1
	switch c := p.src[p.pos]; {
	case isNameStart(c):
		t.kind = tName
		var err error
		if end, err = p.scanName(p.pos); err != nil {
			return err
		}
	case c == '\'':
		t.kind = tValue
		var err error
		if end, t.val, err = p.scanValue(p.pos); err != nil {
			return err
		}
	case isPredChar(c):
		// Taking the whole run lets "==" or "<>" be reported as one unknown
		// predicate rather than as a stray character after a valid one.
		t.kind = tOp
		for end < len(p.src) && isPredChar(p.src[end]) {
			end++
		}
	case c == '(':
		t.kind = tLParen
	case c == ')':
		t.kind = tRParen
	default:
		t.kind = tIllegal
		_, n := utf8.DecodeRuneInString(p.src[p.pos:])
		end = p.pos + n
	}
	t.text = p.src[p.pos:end]
	p.pos = end
	p.tok = t
	return nil
}

// scanName reads name *("." name) from start and returns its end.
func (p *parser) scanName(start int) (int, error) {
	i := start
	for {
		if i == len(p.src) || !isNameStart(p.src[i]) {
			return 0, filterErr("expected a name after %q in field %s at offset %d",
				".", oneroster.Quote(p.src[start:i]), i)
		}
		i++
		for i < len(p.src) && isNameChar(p.src[i]) {
			i++
		}
		if i == len(p.src) || p.src[i] != '.' {
			return i, nil
		}
		i++
	}
}

// scanValue reads a quoted value whose opening quote is at start and
// returns the end and the value with doubled quotes made single.
func (p *parser) scanValue(start int) (int, string, error) {
	var b strings.Builder
	from := start + 1 // start of the text not yet copied to b
	for i := start + 1; i < len(p.src); i++ {
		if p.src[i] != '\'' {
			continue
		}
		if i+1 < len(p.src) && p.src[i+1] == '\'' {
			b.WriteString(p.src[from : i+1])
			i++
			from = i + 1
			continue
		}
		if b.Len() == 0 {
			return i + 1, p.src[from:i], nil // common case: no copy
		}
		b.WriteString(p.src[from:i])
		return i + 1, b.String(), nil
	}
	return 0, "", filterErr("unterminated quoted value starting at offset %d "+
		"(write a quote inside a value as '')", start)
}

func (p *parser) isKeyword(kw string) bool {
	return p.tok.kind == tName && p.tok.text == kw
}

func (p *parser) parseOr() (Expr, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isKeyword(Or) {
		if err := p.consumeLogical(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: Or, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) parseAnd() (Expr, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.isKeyword(And) {
		if err := p.consumeLogical(); err != nil {
			return nil, err
		}
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		left = &Logical{Op: And, Left: left, Right: right}
	}
	return left, nil
}

// consumeLogical consumes AND or OR. The spaces around it are required
// because the standard writes them, but a parenthesis is as clear a
// boundary, so "(a='1')AND(b='2')" is accepted too.
func (p *parser) consumeLogical() error {
	kw := p.tok
	if !kw.spaced && p.prev.kind != tRParen {
		return filterErr("%q must be surrounded by spaces at offset %d", kw.text, kw.off)
	}
	if err := p.advance(); err != nil {
		return err
	}
	// Only a value can touch the keyword on the right (a name would have
	// merged into it); anything else is better reported as a missing field.
	if !p.tok.spaced && p.tok.kind == tValue {
		return filterErr("%q must be surrounded by spaces at offset %d", kw.text, kw.off)
	}
	return nil
}

func (p *parser) parsePrimary() (Expr, error) {
	switch {
	case p.tok.kind == tLParen:
		open := p.tok.off
		p.depth++
		if p.depth > MaxNesting {
			return nil, filterErr("parentheses nested deeper than %d at offset %d", MaxNesting, open)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.afterOperandErr(`AND, OR or ")"`, fmt.Sprintf(`; the "(" at offset %d is not closed`, open))
		}
		p.depth--
		return e, p.advance()
	case p.tok.kind == tName && p.tok.text != And && p.tok.text != Or:
		return p.parseComparison()
	}
	// A field named AND or OR is refused: it would only ever be a mistake
	// such as "a='1' AND OR b='2'", and the message is clearer this way.
	after := ""
	if p.prev.kind == tName || p.prev.kind == tLParen {
		after = " after " + oneroster.Quote(p.prev.text)
	}
	return nil, filterErr("expected a field name%s at offset %d, got %s", after, p.tok.off, describe(p.tok))
}

func (p *parser) parseComparison() (Expr, error) {
	field := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tOp {
		return nil, filterErr("expected a predicate (%s) after %s at offset %d, got %s",
			predicateList, oneroster.Quote(field.text), p.tok.off, describe(p.tok))
	}
	op := Op(p.tok.text)
	switch op {
	case OpEq, OpNe, OpGt, OpGe, OpLt, OpLe, OpContains:
	default:
		return nil, filterErr("unknown predicate %s at offset %d; use one of %s",
			oneroster.Quote(p.tok.text), p.tok.off, predicateList)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tValue {
		return nil, filterErr("expected a value in single quotes after %s at offset %d, got %s",
			oneroster.Quote(field.text+string(op)), p.tok.off, describe(p.tok))
	}
	p.count++
	if p.count > MaxComparisons {
		return nil, filterErr("more than %d comparisons (at offset %d)", MaxComparisons, field.off)
	}
	c := &Comparison{Field: field.text, Op: op, Value: p.tok.val, Offset: field.off}
	return c, p.advance()
}

// afterOperandErr reports the token that follows a complete operand where
// only the tokens in want may come. Lower-case and/or get their own message
// because they are the most common mistake.
func (p *parser) afterOperandErr(want, why string) error {
	t := p.tok
	if t.kind == tName && (strings.EqualFold(t.text, And) || strings.EqualFold(t.text, Or)) {
		return filterErr("logical operators are upper case: write %q instead of %q at offset %d",
			strings.ToUpper(t.text), t.text, t.off)
	}
	return filterErr("expected %s at offset %d, got %s%s", want, t.off, describe(t), why)
}

func filterErr(format string, args ...any) error {
	return oneroster.Errorf(oneroster.CodeInvalidFilterField, "filter: "+format, args...)
}

func describe(t token) string {
	if t.kind == tEOF {
		return "end of input"
	}
	return oneroster.Quote(t.text)
}

func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
	}
	return len(s)
}
