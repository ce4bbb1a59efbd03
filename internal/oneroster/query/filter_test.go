package query

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// cmpNoOffset compares trees by meaning: a canonical print moves the
// fields, so offsets only match for the input that was parsed.
var cmpNoOffset = cmpopts.IgnoreFields(Comparison{}, "Offset")

func cmpAt(field string, op Op, value string, off int) *Comparison {
	return &Comparison{Field: field, Op: op, Value: value, Offset: off}
}

func and(l, r Expr) *Logical { return &Logical{Op: And, Left: l, Right: r} }
func or(l, r Expr) *Logical  { return &Logical{Op: Or, Left: l, Right: r} }

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  Expr
		canon string // String() of the result; "" means same as in
	}{
		{"empty", "", nil, ""},
		{"blank", "  \t\r\n ", nil, ""},

		{"eq", "familyName='jones'", cmpAt("familyName", OpEq, "jones", 0), ""},
		{"ne", "status!='tobedeleted'", cmpAt("status", OpNe, "tobedeleted", 0), ""},
		{"gt", "score>'80'", cmpAt("score", OpGt, "80", 0), ""},
		{"ge", "score>='80'", cmpAt("score", OpGe, "80", 0), ""},
		{"lt", "score<'80'", cmpAt("score", OpLt, "80", 0), ""},
		{"le", "score<='80'", cmpAt("score", OpLe, "80", 0), ""},
		{"contains", "givenName~'ann'", cmpAt("givenName", OpContains, "ann", 0), ""},

		{"spec example", "familyName='jones' AND dateLastModified>'2015-01-01'",
			and(cmpAt("familyName", OpEq, "jones", 0), cmpAt("dateLastModified", OpGt, "2015-01-01", 23)), ""},
		{"or", "role='student' OR role='teacher'",
			or(cmpAt("role", OpEq, "student", 0), cmpAt("role", OpEq, "teacher", 18)), ""},
		{"and chain groups left", "a='1' AND b='2' AND c='3'",
			and(and(cmpAt("a", OpEq, "1", 0), cmpAt("b", OpEq, "2", 10)), cmpAt("c", OpEq, "3", 20)), ""},
		{"or chain groups left", "a='1' OR b='2' OR c='3'",
			or(or(cmpAt("a", OpEq, "1", 0), cmpAt("b", OpEq, "2", 9)), cmpAt("c", OpEq, "3", 18)), ""},
		{"and binds tighter (right)", "a='1' OR b='2' AND c='3'",
			or(cmpAt("a", OpEq, "1", 0), and(cmpAt("b", OpEq, "2", 9), cmpAt("c", OpEq, "3", 19))), ""},
		{"and binds tighter (left)", "a='1' AND b='2' OR c='3'",
			or(and(cmpAt("a", OpEq, "1", 0), cmpAt("b", OpEq, "2", 10)), cmpAt("c", OpEq, "3", 19)), ""},
		{"parens override precedence", "(a='1' OR b='2') AND c='3'",
			and(or(cmpAt("a", OpEq, "1", 1), cmpAt("b", OpEq, "2", 10)), cmpAt("c", OpEq, "3", 21)), ""},
		{"parens on the right", "a='1' AND (b='2' OR c='3')",
			and(cmpAt("a", OpEq, "1", 0), or(cmpAt("b", OpEq, "2", 11), cmpAt("c", OpEq, "3", 20))), ""},
		{"right-nested same operator keeps parens", "a='1' AND (b='2' AND c='3')",
			and(cmpAt("a", OpEq, "1", 0), and(cmpAt("b", OpEq, "2", 11), cmpAt("c", OpEq, "3", 21))), ""},
		{"redundant parens dropped", "((a='1'))", cmpAt("a", OpEq, "1", 2), "a='1'"},
		{"redundant parens around and", "(a='1' AND b='2') OR c='3'",
			or(and(cmpAt("a", OpEq, "1", 1), cmpAt("b", OpEq, "2", 11)), cmpAt("c", OpEq, "3", 21)),
			"a='1' AND b='2' OR c='3'"},
		{"parens without spaces around AND", "(a='1')AND(b='2')",
			and(cmpAt("a", OpEq, "1", 1), cmpAt("b", OpEq, "2", 11)), "a='1' AND b='2'"},
		{"spaces inside parens", "( a='1' OR b='2' )",
			or(cmpAt("a", OpEq, "1", 2), cmpAt("b", OpEq, "2", 11)), "a='1' OR b='2'"},

		{"spaces around predicate", "familyName = 'x'", cmpAt("familyName", OpEq, "x", 0), "familyName='x'"},
		{"spaces around two-char predicate", "score >= '80'", cmpAt("score", OpGe, "80", 0), "score>='80'"},
		{"extra spaces around AND", "a='1'   AND  b='2'",
			and(cmpAt("a", OpEq, "1", 0), cmpAt("b", OpEq, "2", 13)), "a='1' AND b='2'"},
		{"spaces around everything", "  a='1' OR b='2'  ",
			or(cmpAt("a", OpEq, "1", 2), cmpAt("b", OpEq, "2", 11)), "a='1' OR b='2'"},
		{"tabs and newlines", "a='1'\tAND\nb='2'",
			and(cmpAt("a", OpEq, "1", 0), cmpAt("b", OpEq, "2", 10)), "a='1' AND b='2'"},

		{"space in value", "familyName='van der Berg'", cmpAt("familyName", OpEq, "van der Berg", 0), ""},
		{"leading and trailing spaces kept in value", "a='  x  '", cmpAt("a", OpEq, "  x  ", 0), ""},
		{"email", "email='a.b@example.org'", cmpAt("email", OpEq, "a.b@example.org", 0), ""},
		{"slash and comma", "title='Maths 1/2, set A'", cmpAt("title", OpEq, "Maths 1/2, set A", 0), ""},
		{"predicates in value", "a='x=y!=z<>~'", cmpAt("a", OpEq, "x=y!=z<>~", 0), ""},
		{"AND inside value", "title='Rock AND Roll' OR title='x'",
			or(cmpAt("title", OpEq, "Rock AND Roll", 0), cmpAt("title", OpEq, "x", 25)), ""},
		{"parens inside value", "a='(x)'", cmpAt("a", OpEq, "(x)", 0), ""},
		{"doubled quote", "familyName='O''Brien'", cmpAt("familyName", OpEq, "O'Brien", 0), ""},
		{"only a quote", "a=''''", cmpAt("a", OpEq, "'", 0), ""},
		{"two quotes", "a=''''''", cmpAt("a", OpEq, "''", 0), ""},
		{"quote at both ends", "a='''x'''", cmpAt("a", OpEq, "'x'", 0), ""},
		{"empty value", "middleName=''", cmpAt("middleName", OpEq, "", 0), ""},
		{"empty value then AND", "a='' AND b=''",
			and(cmpAt("a", OpEq, "", 0), cmpAt("b", OpEq, "", 9)), ""},
		{"date", "birthDate<'2010-09-01'", cmpAt("birthDate", OpLt, "2010-09-01", 0), ""},
		{"date-time", "dateLastModified>'2023-01-01T00:00:00Z'",
			cmpAt("dateLastModified", OpGt, "2023-01-01T00:00:00Z", 0), ""},
		{"date-time with fraction and zone", "dateLastModified>='2023-01-01T08:15:30.123+02:00'",
			cmpAt("dateLastModified", OpGe, "2023-01-01T08:15:30.123+02:00", 0), ""},
		{"unicode value", "givenName='Zoë 李 🎓'", cmpAt("givenName", OpEq, "Zoë 李 🎓", 0), ""},
		{"unicode before a clause moves offsets by bytes", "a='é' AND b='1'",
			and(cmpAt("a", OpEq, "é", 0), cmpAt("b", OpEq, "1", 11)), ""},
		{"dotted path", "roles.org.sourcedId='org-12' AND roles.role='teacher'",
			and(cmpAt("roles.org.sourcedId", OpEq, "org-12", 0), cmpAt("roles.role", OpEq, "teacher", 33)), ""},
		{"metadata path", "metadata.x='1'", cmpAt("metadata.x", OpEq, "1", 0), ""},
		{"underscores and digits", "_a1.b_2='x'", cmpAt("_a1.b_2", OpEq, "x", 0), ""},
		{"keyword inside a path", "metadata.AND='x'", cmpAt("metadata.AND", OpEq, "x", 0), ""},
		{"lower-case and is a field name", "and='x'", cmpAt("and", OpEq, "x", 0), ""},
		{"field starting with a keyword", "ORDER='x' OR ANDY='y'",
			or(cmpAt("ORDER", OpEq, "x", 0), cmpAt("ANDY", OpEq, "y", 13)), ""},
		{"delta sync", "dateLastModified>'2024-05-01T12:00:00Z' AND status='active'",
			and(cmpAt("dateLastModified", OpGt, "2024-05-01T12:00:00Z", 0), cmpAt("status", OpEq, "active", 44)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFilter(tt.in)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("ParseFilter(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if got == nil {
				return
			}
			canon := tt.canon
			if canon == "" {
				canon = tt.in
			}
			if s := exprString(got); s != canon {
				t.Errorf("String() = %q, want %q", s, canon)
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // substring of the message
	}{
		{"missing predicate", "familyName", `filter: expected a predicate (=, !=, >, >=, <, <=, ~) after "familyName" at offset 10, got end of input`},
		{"value without predicate", "familyName 'x'", `expected a predicate (=, !=, >, >=, <, <=, ~) after "familyName" at offset 11, got "'x'"`},
		{"double equals", "a=='x'", `unknown predicate "==" at offset 1`},
		{"spaced double equals", "a= ='x'", `expected a value in single quotes after "a=" at offset 3, got "="`},
		{"sql not-equal", "a<>'x'", `unknown predicate "<>" at offset 1`},
		{"bang alone", "a!'x'", `unknown predicate "!"`},
		{"equals tilde", "a=~'x'", `unknown predicate "=~"`},
		{"missing value", "a=", `expected a value in single quotes after "a=" at offset 2, got end of input`},
		{"missing value before AND", "a= AND b='1'", `expected a value in single quotes after "a=" at offset 3, got "AND"`},
		{"unquoted value", "a=x", `expected a value in single quotes after "a=" at offset 2, got "x"`},
		{"unquoted number", "score>80", `expected a value in single quotes after "score>" at offset 6, got "8"`},
		{"double-quoted value", `a="x"`, `expected a value in single quotes after "a=" at offset 2, got "\""`},
		{"missing closing quote", "a='x", `unterminated quoted value starting at offset 2`},
		{"missing opening quote", "a=x'", `expected a value in single quotes after "a=" at offset 2, got "x"`},
		{"quote doubled at end", "a='x''", `unterminated quoted value starting at offset 2`},
		{"single quote only", "a='", `unterminated quoted value starting at offset 2`},
		{"unterminated second value", "a='1' AND b='2", `unterminated quoted value starting at offset 12`},
		{"lower-case and", "a='1' and b='2'", `logical operators are upper case: write "AND" instead of "and" at offset 6`},
		{"mixed-case Or", "a='1' Or b='2'", `write "OR" instead of "Or" at offset 6`},
		{"lower-case and in parens", "(a='1' and b='2')", `write "AND" instead of "and" at offset 7`},
		{"trailing AND", "a='1' AND", `expected a field name after "AND" at offset 9, got end of input`},
		{"trailing OR and spaces", "a='1' OR  ", `expected a field name after "OR" at offset 10, got end of input`},
		{"leading AND", "AND a='1'", `expected a field name at offset 0, got "AND"`},
		{"double AND", "a='1' AND AND b='2'", `expected a field name after "AND" at offset 10, got "AND"`},
		{"AND OR", "a='1' AND OR b='2'", `expected a field name after "AND" at offset 10, got "OR"`},
		{"no operator between clauses", "a='1' b='2'", `expected AND or OR at offset 6, got "b"`},
		{"NOT is unsupported", "a='1' NOT b='2'", `expected AND or OR at offset 6, got "NOT"`},
		{"AND glued to value", "a='1'AND b='2'", `"AND" must be surrounded by spaces at offset 5`},
		{"AND glued to next value", "a='1' AND'x'", `"AND" must be surrounded by spaces at offset 6`},
		{"AND glued to field", "a='1' ANDb='2'", `expected AND or OR at offset 6, got "ANDb"`},
		{"comma separated", "a='1',b='2'", `expected AND or OR at offset 5, got ","`},
		{"garbage", "!!!", `expected a field name at offset 0, got "!!!"`},
		{"digit first", "1a='x'", `expected a field name at offset 0, got "1"`},
		{"value first", "'x'=a", `expected a field name at offset 0, got "'x'"`},
		{"space inside path", "roles. role='x'", `expected a name after "." in field "roles." at offset 6`},
		{"trailing dot", "roles.='x'", `expected a name after "." in field "roles." at offset 6`},
		{"double dot", "a..b='x'", `expected a name after "." in field "a." at offset 2`},
		{"hyphen in field", "date-last='x'", `expected a predicate (=, !=, >, >=, <, <=, ~) after "date" at offset 4, got "-"`},
		{"unicode field", "naïve='x'", `after "na" at offset 2, got "ï"`},
		{"unmatched close", "a='1')", `unmatched ")" at offset 5`},
		{"unclosed open", "(a='1'", `expected AND, OR or ")" at offset 6, got end of input; the "(" at offset 0 is not closed`},
		{"empty parens", "()", `expected a field name after "(" at offset 1, got ")"`},
		{"close after AND", "(a='1' AND)", `expected a field name after "AND" at offset 10, got ")"`},
		{"trailing garbage in parens", "(a='1' x)", `expected AND, OR or ")" at offset 7, got "x"`},
		{"invalid utf-8", "a='\xff'", `invalid UTF-8 at offset 3`},
		{"nul", "a='\x00'", `NUL character at offset 3`},
		{"too long", "a='" + strings.Repeat("x", MaxFilterLength) + "'", `longer than 4096 bytes`},
		{"too many comparisons", strings.Repeat("a='1' OR ", MaxComparisons) + "a='1'", `more than 32 comparisons (at offset 288)`},
		{"too deep", strings.Repeat("(", MaxNesting+1) + "a='1'" + strings.Repeat(")", MaxNesting+1), `parentheses nested deeper than 16 at offset 16`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFilter(tt.in)
			if err == nil {
				t.Fatalf("ParseFilter(%q) = %v, want error containing %q", tt.in, got, tt.want)
			}
			var oe *oneroster.Error
			if !errors.As(err, &oe) || oe.Code != oneroster.CodeInvalidFilterField {
				t.Fatalf("ParseFilter(%q) error %#v is not an invalid_filter_field *oneroster.Error", tt.in, err)
			}
			if !strings.HasPrefix(oe.Message, "filter: ") {
				t.Errorf("message %q lacks the filter: prefix", oe.Message)
			}
			if !strings.Contains(oe.Message, tt.want) {
				t.Errorf("ParseFilter(%q) message\n  %s\nwant it to contain\n  %s", tt.in, oe.Message, tt.want)
			}
		})
	}
}

func TestParseFilterLimitsAccepted(t *testing.T) {
	tests := map[string]string{
		"max comparisons": strings.Repeat("a='1' OR ", MaxComparisons-1) + "a='1'",
		"max nesting":     strings.Repeat("(", MaxNesting) + "a='1'" + strings.Repeat(")", MaxNesting),
		"max length":      "a='" + strings.Repeat("x", MaxFilterLength-4) + "'",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseFilter(in); err != nil {
				t.Fatalf("ParseFilter: %v", err)
			}
		})
	}
}

// A hostile filter must not be reflected back at length.
func TestParseFilterErrorEchoIsBounded(t *testing.T) {
	long := strings.Repeat("x", 1000)
	inputs := []string{
		long,
		long + "='1'x",
		"a='1' " + long,
		"a=" + long,
		long + "==" + "'1'",
		"a" + strings.Repeat(".b", 400) + ".",
		"a" + strings.Repeat("=", 1000) + "'1'",
	}
	for _, in := range inputs {
		_, err := ParseFilter(in)
		if err == nil {
			t.Fatalf("ParseFilter(%.20q...) succeeded", in)
		}
		msg := oneroster.MessageOf(err)
		if strings.Contains(msg, strings.Repeat("x", oneroster.QuoteLimit+1)) || len(msg) > 300 {
			t.Errorf("message too long (%d bytes): %s", len(msg), msg)
		}
	}
}

func TestFields(t *testing.T) {
	e, err := ParseFilter("a='1' OR (b='2' AND c='3') OR d='4'")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Fields(e) {
		got = append(got, c.Field)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, got); diff != "" {
		t.Errorf("Fields mismatch (-want +got):\n%s", diff)
	}
	if Fields(nil) != nil {
		t.Errorf("Fields(nil) should be nil")
	}
}

func TestStringOfHandBuiltTrees(t *testing.T) {
	a, b, c := cmpAt("a", OpEq, "1", 0), cmpAt("b", OpNe, "it's", 0), cmpAt("c", OpContains, "", 0)
	tests := []struct {
		e    Expr
		want string
	}{
		{a, "a='1'"},
		{b, "b!='it''s'"},
		{and(a, b), "a='1' AND b!='it''s'"},
		{and(and(a, b), c), "a='1' AND b!='it''s' AND c~''"},
		{and(a, and(b, c)), "a='1' AND (b!='it''s' AND c~'')"},
		{or(or(a, b), c), "a='1' OR b!='it''s' OR c~''"},
		{or(a, or(b, c)), "a='1' OR (b!='it''s' OR c~'')"},
		{or(and(a, b), c), "a='1' AND b!='it''s' OR c~''"},
		{or(a, and(b, c)), "a='1' OR b!='it''s' AND c~''"},
		{and(or(a, b), c), "(a='1' OR b!='it''s') AND c~''"},
		{and(a, or(b, c)), "a='1' AND (b!='it''s' OR c~'')"},
		{and(or(a, b), or(b, c)), "(a='1' OR b!='it''s') AND (b!='it''s' OR c~'')"},
	}
	for _, tt := range tests {
		if got := exprString(tt.e); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		back, err := ParseFilter(tt.want)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.want, err)
			continue
		}
		if diff := cmp.Diff(tt.e, back, cmpNoOffset); diff != "" {
			t.Errorf("ParseFilter(%q) mismatch (-want +got):\n%s", tt.want, diff)
		}
	}
}

func TestStringDoesNotPanicOnNil(t *testing.T) {
	var c *Comparison
	var l *Logical
	_ = c.String()
	_ = l.String()
	_ = (&Logical{Op: And}).String()
	_ = (&Logical{Op: Or, Left: c, Right: l}).String()
}

func exprString(e Expr) string {
	switch x := e.(type) {
	case *Comparison:
		return x.String()
	case *Logical:
		return x.String()
	}
	return ""
}

// TestRoundTripRandomTrees is the property that String is an inverse of
// ParseFilter: for any tree within the limits, printing and parsing gives
// the same tree back.
func TestRoundTripRandomTrees(t *testing.T) {
	r := rand.New(rand.NewPCG(20240501, 1))
	for i := range 5000 {
		want := randomExpr(r, 5) // at most 2^5 = MaxComparisons leaves
		s := exprString(want)
		got, err := ParseFilter(s)
		if err != nil {
			t.Fatalf("case %d: ParseFilter(%q): %v", i, s, err)
		}
		if diff := cmp.Diff(want, got, cmpNoOffset); diff != "" {
			t.Fatalf("case %d: ParseFilter(%q) mismatch (-want +got):\n%s", i, s, diff)
		}
		checkOffsets(t, s, got)
	}
}

// checkOffsets holds the parser to its promise that Offset points at the
// field in the input.
func checkOffsets(t *testing.T, s string, e Expr) {
	t.Helper()
	for _, c := range Fields(e) {
		if c.Offset < 0 || !strings.HasPrefix(s[c.Offset:], c.Field) {
			t.Fatalf("in %q, offset %d of field %q is wrong", s, c.Offset, c.Field)
		}
	}
}

var (
	nameAlphabet  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"
	valueFragment = []string{
		"", "'", "''", " ", "x", "jones", "AND", " OR ", "(", ")", "=", "!=", "~", "@", "/", ",",
		"2023-01-01T00:00:00Z", "é", "李", "🎓", "\t", "\n", "\\", "\"", "%27", "a='1'",
	}
	ops = []Op{OpEq, OpNe, OpGt, OpGe, OpLt, OpLe, OpContains}
)

func randomExpr(r *rand.Rand, depth int) Expr {
	if depth == 0 || r.IntN(3) == 0 {
		return randomComparison(r)
	}
	op := And
	if r.IntN(2) == 0 {
		op = Or
	}
	return &Logical{Op: op, Left: randomExpr(r, depth-1), Right: randomExpr(r, depth-1)}
}

func randomComparison(r *rand.Rand) *Comparison {
	var field []string
	for range 1 + r.IntN(3) {
		field = append(field, randomName(r))
	}
	var v strings.Builder
	for range r.IntN(5) {
		v.WriteString(valueFragment[r.IntN(len(valueFragment))])
	}
	return &Comparison{Field: strings.Join(field, "."), Op: ops[r.IntN(len(ops))], Value: v.String()}
}

func randomName(r *rand.Rand) string {
	for {
		b := []byte{nameAlphabet[r.IntN(53)]} // a letter or _
		for range r.IntN(6) {
			b = append(b, nameAlphabet[r.IntN(len(nameAlphabet))])
		}
		// AND and OR are refused as whole first names; rare, so retry.
		if s := string(b); s != And && s != Or {
			return s
		}
	}
}
