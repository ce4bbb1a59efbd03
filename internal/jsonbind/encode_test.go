package jsonbind

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
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

// TestObjectiveSourcesRender: stored sources (ext:<name>, as the CSV
// binding writes them) are shown in the JSON form the gradebook OpenAPI
// allows, from link rows and from the assessment tables' JSON text alike;
// nothing else in the set changes.
func TestObjectiveSourcesRender(t *testing.T) {
	rows := func(rs ...[]string) []store.Record {
		var out []store.Record
		for _, r := range rs {
			out = append(out, store.Record{Vals: r})
		}
		return out
	}
	var b buf
	objectives(&b, rows([]string{"ext:abc", "ext:x", "", ""}, []string{"case", caseID1, "", ""},
		[]string{"ext:Foo.Bar_1", "y", "", ""}, []string{"ext:abc", "z", "", ""}, []string{"unknown", "u", "", ""}), false)
	want := `[{"source":"/abc","learningObjectiveIds":["ext:x","z"]},{"source":"case","learningObjectiveIds":["` + caseID1 + `"]},` +
		`{"source":"/xxizxw6lscmfzf6mi","learningObjectiveIds":["y"]},{"source":"unknown","learningObjectiveIds":["u"]}]`
	if string(b) != want {
		t.Errorf("link rows:\n got %s\nwant %s", b, want)
	}
	b = nil
	objectives(&b, rows([]string{"ext:case", "LO-1", "2.50", "B"}, []string{"ext:xxabc", "LO-2", "", ""}), true)
	want = `[{"source":"/xxmnqxgzi","learningObjectiveResults":[{"learningObjectiveId":"LO-1","score":2.5,"textScore":"B"}]},` +
		`{"source":"/xxpb4gcytd","learningObjectiveResults":[{"learningObjectiveId":"LO-2"}]}]`
	if string(b) != want {
		t.Errorf("link rows with scores:\n got %s\nwant %s", b, want)
	}

	for _, tt := range []struct {
		stored, want string
		scores       bool
	}{
		{`[{"source":"case","learningObjectiveIds":["` + caseID1 + `"]}]`, `[{"source":"case","learningObjectiveIds":["` + caseID1 + `"]}]`, false},
		{`[{"source":"ext:abc","learningObjectiveIds":["A.1","ext:abc"]},{"source":"unknown","learningObjectiveIds":["\"q\""]}]`,
			`[{"source":"/abc","learningObjectiveIds":["A.1","ext:abc"]},{"source":"unknown","learningObjectiveIds":["\"q\""]}]`, false},
		{`[{"source":"ext:Foo.Bar_1","learningObjectiveIds":["x"]}]`, `[{"source":"/xxizxw6lscmfzf6mi","learningObjectiveIds":["x"]}]`, false},
		{`[{"source":"ext:xxabc","learningObjectiveResults":[{"learningObjectiveId":"a","score":1e+21,"textScore":"t"},{"learningObjectiveId":"b"}]}]`,
			`[{"source":"/xxpb4gcytd","learningObjectiveResults":[{"learningObjectiveId":"a","score":1e+21,"textScore":"t"},{"learningObjectiveId":"b"}]}]`, true},
		// An id that looks like a source is not one.
		{`[{"source":"unknown","learningObjectiveIds":["ext:abc"]}]`, `[{"source":"unknown","learningObjectiveIds":["ext:abc"]}]`, false},
		// Text no writer stores is shown as it is.
		{`[{"source":"ext:abc",`, `[{"source":"ext:abc",`, false},
	} {
		var b buf
		storedObjectives(&b, tt.stored, tt.scores)
		if string(b) != tt.want {
			t.Errorf("storedObjectives(%s):\n got %s\nwant %s", tt.stored, b, tt.want)
		}
	}
}

// TestObjectivesJSONStoresExt: whatever form a body gives a source in, the
// assessment tables' text holds the stored form, as the link tables do.
func TestObjectivesJSONStoresExt(t *testing.T) {
	for in, want := range map[string]string{
		"ext:abc": "ext:abc", "/abc": "ext:abc", "/xxizxw6lscmfzf6mi": "ext:Foo.Bar_1", "ext:Foo.Bar_1": "ext:Foo.Bar_1",
		"/xxmnqxgzi": "ext:case", "/xxabc": "ext:xxabc", "/xxpb4gcytd": "ext:xxabc", "case": "case", "unknown": "unknown",
	} {
		ids := `["x"]`
		if want == "case" {
			ids = `["` + caseID1 + `"]`
		}
		body := `{"assessmentLineItem": {"title": "t", "learningObjectiveSet": [{"source": "` + in + `", "learningObjectiveIds": ` + ids + `}]}}`
		ws, err := decodeWrapper(oneroster.AssessmentLineItem, []byte(body), false, "ali-1")
		if err != nil {
			t.Errorf("source %s: %v", in, err)
			continue
		}
		if got := ws[0].Vals["learningObjectiveSet"]; got != `[{"source":"`+want+`","learningObjectiveIds":`+ids+`}]` {
			t.Errorf("source %s stored as %s, want source %s", in, got, want)
		}
	}
}

// TestEscapeID: an href built from escapeID survives a client's URL
// resolution (RFC 3986 §5.2.4 removes dot segments) and names the id again.
func TestEscapeID(t *testing.T) {
	base, err := url.Parse("https://sis.example/ims/oneroster/rostering/v1p2/users/")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		".":         "%2E",
		"..":        "%2E%2E",
		"...":       "...",
		"./x":       ".%2Fx",
		"org/sch-1": "org%2Fsch-1",
		"sch.2@x":   "sch.2@x",
		"a b?#%":    "a%20b%3F%23%25",
		"u-1":       "u-1",
	} {
		got := escapeID(id)
		if got != want {
			t.Errorf("escapeID(%q) = %q, want %q", id, got, want)
		}
		ref, err := url.Parse(got)
		if err != nil {
			t.Errorf("escapeID(%q) = %q does not parse: %v", id, got, err)
			continue
		}
		u := base.ResolveReference(ref)
		if u.EscapedPath() != base.EscapedPath()+got {
			t.Errorf("escapeID(%q): %s resolves to %s", id, got, u.EscapedPath())
		}
		if seg, _ := url.PathUnescape(u.EscapedPath()[len(base.EscapedPath()):]); seg != id {
			t.Errorf("escapeID(%q): the resolved href names %q", id, seg)
		}
	}
}
