package oneroster_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"

	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
)

// schemaSource is the gradebook OpenAPI's pattern for an extension source,
// ^/(?!case$)(?!unknown$)[a-z0-9]+$, in RE2 (which has no look-ahead); the
// official pattern itself is checked in TestSourceOfficialPattern.
var schemaSource = regexp.MustCompile(`^/[a-z0-9]+$`)

func jsonSourceOK(s string) bool {
	return s == "case" || s == "unknown" || schemaSource.MatchString(s) && s != "/case" && s != "/unknown"
}

func TestSourceToJSON(t *testing.T) {
	for stored, want := range map[string]string{
		"case":          "case",
		"unknown":       "unknown",
		"ext:abc":       "/abc",
		"ext:state2":    "/state2",
		"ext:123":       "/123",
		"ext:x":         "/x",
		"ext:Foo.Bar_1": "/xxizxw6lscmfzf6mi",
		"ext:A":         "/xxie",
		"ext:case":      "/xxmnqxgzi",
		"ext:unknown":   "/xxovxgw3tpo5xa",
		"ext:xxabc":     "/xxpb4gcytd", // plain, but starts with the marker
		"ext:xx":        "/xxpb4a",
		"ext:xxl":       "/xxpb4gy",
		// Not stored forms: shown as they are.
		"ext:":        "ext:",
		"ext:a b":     "ext:a b",
		"/abc":        "/abc",
		"CASE":        "CASE",
		"":            "",
		"extabc":      "extabc",
		"ext:ext:abc": "ext:ext:abc",
	} {
		if got := oneroster.SourceToJSON(stored); got != want {
			t.Errorf("SourceToJSON(%q) = %q, want %q", stored, got, want)
		}
	}
}

func TestSourceFromJSON(t *testing.T) {
	for in, want := range map[string]string{
		"case":               "case",
		"unknown":            "unknown",
		"/abc":               "ext:abc",
		"/123":               "ext:123",
		"/xxizxw6lscmfzf6mi": "ext:Foo.Bar_1",
		"/xxmnqxgzi":         "ext:case",
		"/xxovxgw3tpo5xa":    "ext:unknown",
		"/xxpb4gcytd":        "ext:xxabc",
		"/xxpb4gy":           "ext:xxl",
		// Valid under the schema but not written by SourceToJSON: the plain
		// name. "l" is no base32; mfrgg is abc, which is written /abc; "if"
		// decodes to "A" only by ignoring trailing bits ("A" is /xxie);
		// 6d decodes to bytes outside the ext alphabet.
		"/xxl":     "ext:xxl",
		"/xx":      "ext:xx",
		"/xxmfrgg": "ext:xxmfrgg",
		"/xxif":    "ext:xxif",
		"/xxae":    "ext:xxae",
	} {
		got, ok := oneroster.SourceFromJSON(in)
		if !ok || got != want {
			t.Errorf("SourceFromJSON(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "/", "/case", "/unknown", "/ABC", "/a-b", "/a.b", "/a_b", "abc", "ext:abc", "Case", " case", "//abc", "/abc/", "/é"} {
		if got, ok := oneroster.SourceFromJSON(in); ok {
			t.Errorf("SourceFromJSON(%q) = %q, want refused", in, got)
		}
	}
}

// extAlphabet is every byte an ext name may hold.
const extAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-"

// strings up to n bytes long over alphabet, the empty one excluded.
func allStrings(alphabet string, n int) []string {
	out, prev := []string{}, []string{""}
	for l := 1; l <= n; l++ {
		var next []string
		for _, p := range prev {
			for i := 0; i < len(alphabet); i++ {
				next = append(next, p+alphabet[i:i+1])
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// checkStored asserts the properties of the mapping at one stored source.
func checkStored(t *testing.T, stored string, seen map[string]string) {
	t.Helper()
	j := oneroster.SourceToJSON(stored)
	if !jsonSourceOK(j) {
		t.Fatalf("SourceToJSON(%q) = %q, which the schema refuses", stored, j)
	}
	back, ok := oneroster.SourceFromJSON(j)
	if !ok || back != stored {
		t.Fatalf("SourceFromJSON(SourceToJSON(%q) = %q) = %q, %v", stored, j, back, ok)
	}
	if seen != nil {
		if other, dup := seen[j]; dup && other != stored {
			t.Fatalf("%q and %q both map to %q", other, stored, j)
		}
		seen[j] = stored
	}
}

// TestSourceMappingExhaustive checks every stored source with a name of up
// to three bytes, and the plain names that look like their encodings: each
// maps to a value the schema accepts, no two to the same one, and the JSON
// form maps back.
func TestSourceMappingExhaustive(t *testing.T) {
	names := allStrings(extAlphabet, 3)
	names = append(names, "case", "unknown", "xxabc", "xxxx", strings.Repeat("Z", 200))
	seen := make(map[string]string, len(names)+2)
	checkStored(t, "case", seen)
	checkStored(t, "unknown", seen)
	for _, n := range names {
		checkStored(t, "ext:"+n, seen)
		// ext:xxie must not be shown as /xxie, the encoding of ext:A.
		if j := oneroster.SourceToJSON("ext:" + n); strings.HasPrefix(j, "/"+oneroster.SourceMarker) {
			checkStored(t, "ext:"+j[1:], seen)
		}
	}
}

// TestSourceFromJSONExhaustive checks every JSON source the schema allows
// of up to four characters after the slash, and those after the marker: each
// is taken, to a valid stored form, which reads back as sent unless it is a
// marked name SourceToJSON does not write, which reads back encoded.
func TestSourceFromJSONExhaustive(t *testing.T) {
	var ins []string
	for _, r := range allStrings("abcdefghijklmnopqrstuvwxyz0123456789", 3) {
		ins = append(ins, "/"+r, "/"+oneroster.SourceMarker+r)
	}
	ins = append(ins, "case", "unknown", "/xx")
	for _, in := range ins {
		if !jsonSourceOK(in) {
			continue
		}
		stored, ok := oneroster.SourceFromJSON(in)
		if !ok {
			t.Fatalf("SourceFromJSON(%q) refused a value the schema allows", in)
		}
		if name, ext := strings.CutPrefix(stored, "ext:"); !(stored == "case" || stored == "unknown" || ext && oneroster.ValidExtName(name)) {
			t.Fatalf("SourceFromJSON(%q) = %q, not a stored form", in, stored)
		}
		switch again := oneroster.SourceToJSON(stored); {
		case again == in:
		case strings.HasPrefix(in, "/"+oneroster.SourceMarker) && stored == "ext:"+in[1:]:
		default:
			t.Fatalf("%q is stored as %q, which reads back as %q", in, stored, again)
		}
	}
}

func FuzzSourceMapping(f *testing.F) {
	for _, s := range []string{"abc", "Foo.Bar_1", "case", "unknown", "xxabc", "xx", "/xxpb4gy", "/xxmfrgg", "/abc", "ext:abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if oneroster.ValidExtName(s) {
			checkStored(t, "ext:"+s, nil)
		}
		stored, ok := oneroster.SourceFromJSON(s)
		if ok != jsonSourceOK(s) {
			t.Fatalf("SourceFromJSON(%q) ok = %v, but the schema says %v", s, ok, !ok)
		}
		if !ok {
			return
		}
		if again := oneroster.SourceToJSON(stored); again != s && stored != "ext:"+s[1:] {
			t.Fatalf("%q is stored as %q, which reads back as %q", s, stored, again)
		}
	})
}

// TestSourceOfficialPattern checks the JSON forms against the pattern as
// the official gradebook file spells it, with ECMAScript semantics.
func TestSourceOfficialPattern(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(oastest.Dir(t), "onerosterv1p2gradebookservice_openapi3_v1p0.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					AnyOf []struct {
						Pattern string   `json:"pattern"`
						Enum    []string `json:"enum"`
					} `json:"anyOf"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, schema := range []string{"LearningObjectiveSetDType", "LearningObjectiveScoreSetDType"} {
		alts := doc.Components.Schemas[schema].Properties["source"].AnyOf
		if len(alts) != 2 || alts[0].Pattern != `^/(?!case$)(?!unknown$)[a-z0-9]+$` || strings.Join(alts[1].Enum, ",") != "case,unknown" {
			t.Fatalf("%s.source is not the pattern and enum this mapping was written for: %+v", schema, alts)
		}
		re := regexp2.MustCompile(alts[0].Pattern, regexp2.ECMAScript)
		stored := []string{"case", "unknown"}
		for _, n := range append(allStrings(extAlphabet, 2), "case", "unknown", "xxabc", "Foo.Bar_1") {
			stored = append(stored, "ext:"+n)
		}
		for _, s := range stored {
			j := oneroster.SourceToJSON(s)
			if ok, _ := re.MatchString(j); !ok && j != "case" && j != "unknown" {
				t.Errorf("%s: %q is shown as %q, which the official pattern refuses", schema, s, j)
			}
		}
		for _, bad := range []string{"/case", "/unknown", "ext:abc"} {
			if ok, _ := re.MatchString(bad); ok {
				t.Errorf("the official pattern matches %q; the mapping assumes it does not", bad)
			}
		}
	}
}
