package query

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// FuzzParseFilter checks that no input makes the parser panic, that every
// failure is a client-facing invalid_filter_field error of bounded size,
// and that a successful parse survives print → parse → print unchanged.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"",
		"   ",
		"familyName='jones'",
		"familyName = 'jones'",
		"familyName='jones' AND dateLastModified>'2015-01-01'",
		"dateLastModified>'2023-01-01T00:00:00Z'",
		"a='1' OR b!='2' AND c~'3'",
		"(a>='1' OR b<='2') AND (c<'3' OR d>'4')",
		"(a='1')AND(b='2')",
		"roles.org.sourcedId='org-12' AND roles.role='teacher'",
		"familyName='O''Brien'",
		"a=''''",
		"a=''",
		"title='Rock AND Roll'",
		"email='a@b.c/d,e'",
		"givenName='Zoë 李'",
		"a='1' and b='2'",
		"a=='x'",
		"a='x",
		"a='1' AND",
		"((((a='1'))))",
		"a='1')",
		"(a='1'",
		"roles.='x'",
		"a='\xff'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseFilter(s)
		if err != nil {
			var oe *oneroster.Error
			if !errors.As(err, &oe) || oe.Code != oneroster.CodeInvalidFilterField {
				t.Fatalf("error %#v is not an invalid_filter_field *oneroster.Error", err)
			}
			// Two echoes of at most oneroster.QuoteLimit input bytes, each of which
			// strconv.Quote may grow fourfold, plus the fixed text.
			if len(oe.Message) > 2*4*oneroster.QuoteLimit+200 {
				t.Fatalf("message of %d bytes: %s", len(oe.Message), oe.Message)
			}
			return
		}
		if e == nil {
			return
		}
		checkOffsets(t, s, e)
		p1 := exprString(e)
		if !utf8.ValidString(p1) {
			t.Fatalf("print of %q is not UTF-8: %q", s, p1)
		}
		// Printing may add spaces that parentheses made optional, so a
		// filter at the length limit can print slightly longer.
		if len(p1) > MaxFilterLength {
			return
		}
		e2, err := ParseFilter(p1)
		if err != nil {
			t.Fatalf("ParseFilter(%q) ok, but its print %q fails: %v", s, p1, err)
		}
		if diff := cmp.Diff(e, e2, cmpNoOffset); diff != "" {
			t.Fatalf("print %q of %q parses to another tree (-first +second):\n%s", p1, s, diff)
		}
		if p2 := exprString(e2); p2 != p1 {
			t.Fatalf("print not stable: %q then %q", p1, p2)
		}
	})
}
