package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestStr pins the JSON string writer on the inputs that need care.
func TestStr(t *testing.T) {
	for in, want := range map[string]string{
		"":                     `""`,
		"plain ascii 123":      `"plain ascii 123"`,
		`say "hi" \ bye`:       `"say \"hi\" \\ bye"`,
		"tab\there\nnl\rcr":    `"tab\there\nnl\rcr"`,
		"\x00\x01\x1f\x7f":     `"\u0000\u0001\u001f` + "\x7f" + `"`,
		"é ü 漢字 🙂":             `"é ü 漢字 🙂"`,
		"line\u2028para\u2029": `"line\u2028para\u2029"`,
		"bad \xff byte":        `"bad \ufffd byte"`,
		"\xe2\x82":             `"\ufffd\ufffd"`,
	} {
		var b buf
		b.str(in)
		if string(b) != want {
			t.Errorf("str(%q) = %s, want %s", in, b, want)
		}
	}
	var b buf
	b.strs("http://h", "/users/", "a%2Fb", `"q"`)
	if want := `"http://h/users/a%2Fb\"q\""`; string(b) != want {
		t.Errorf("strs = %s, want %s", b, want)
	}
}

// FuzzStr: whatever the bytes, the output is one valid JSON string that
// decodes to the input with each invalid byte replaced by U+FFFD.
func FuzzStr(f *testing.F) {
	for _, s := range []string{"", "abc", "\"\\\n\x00", "\xff\xfe", "漢\u2028", strings.Repeat("x", 100) + "\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b buf
		b.str(s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("str(%q) = %s: not JSON: %v", s, b, err)
		}
		if want := string([]rune(s)); got != want {
			t.Fatalf("str(%q) decodes to %q, want %q", s, got, want)
		}
	})
}
