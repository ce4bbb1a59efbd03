package oneroster

import (
	"encoding/base32"
	"strings"
)

// A learning objective's source has two spellings. The CSV binding, and so
// our tables, write an extension as ext:<name> with name in
// [A-Za-z0-9._-]+; the gradebook OpenAPI allows only "case", "unknown" or
// a path-like /<name> matching ^/(?!case$)(?!unknown$)[a-z0-9]+$. Every
// stored source must still be shown in a form the schema accepts, and a
// client that PUTs back what it read must write the same stored value, so
// the JSON form is a reversible, injective function of the stored one:
//
//   - ext:<name> is /<name> when name is lower-case letters and digits, is
//     not case or unknown, and does not start with SourceMarker;
//   - any other ext:<name> is /<SourceMarker><base32 of name>, lower-case
//     and unpadded (RFC 4648's alphabet, whose digits 2-7 the pattern
//     allows). A plain name that starts with the marker is encoded too,
//     or /xx… could mean two stored names;
//   - case and unknown are themselves.

// SourceMarker starts the JSON form of an encoded extension source.
const SourceMarker = "xx"

var sourceEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// SourceToJSON returns the JSON form of a stored learning-objective source.
// A value that is not a stored form (no writer stores one) is returned as
// it is.
func SourceToJSON(stored string) string {
	name, ok := strings.CutPrefix(stored, "ext:")
	if !ok || !ValidExtName(name) {
		return stored
	}
	if plainSourceName(name) {
		return "/" + name
	}
	return "/" + SourceMarker + sourceEncoding.EncodeToString([]byte(name))
}

// SourceFromJSON returns the stored form of a source in its JSON form
// (case, unknown or /<name>), or false when s is none of them. It inverts
// SourceToJSON. A /<name> that SourceToJSON would not write (one starting
// with the marker that is not an encoding we make) still matches the
// schema, so it is taken as the plain name ext:<name> rather than refused;
// it then reads back encoded.
func SourceFromJSON(s string) (string, bool) {
	if s == "case" || s == "unknown" {
		return s, true
	}
	r, ok := strings.CutPrefix(s, "/")
	if !ok || !lowerAlnum(r) || r == "case" || r == "unknown" {
		return "", false
	}
	if enc, ok := strings.CutPrefix(r, SourceMarker); ok {
		// Re-encoding rejects the other spellings base32 decodes to the same
		// bytes (non-zero trailing bits) and the encodings of plain names.
		if b, err := sourceEncoding.DecodeString(enc); err == nil && ValidExtName(string(b)) && SourceToJSON("ext:"+string(b)) == s {
			return "ext:" + string(b), true
		}
	}
	return "ext:" + r, true
}

// ValidExtName reports whether s may follow ext: in an extensible
// vocabulary: one or more of [A-Za-z0-9._-] (csv-binding.md §8).
func ValidExtName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

func plainSourceName(name string) bool {
	return lowerAlnum(name) && name != "case" && name != "unknown" && !strings.HasPrefix(name, SourceMarker)
}

func lowerAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}
