package httpapi

import (
	"net/url"
	"testing"
)

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
