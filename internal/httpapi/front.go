package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// The front of the server: what a request goes through before the mux
// routes it.

// frontPath rewrites an escaped request path into the one form the mux
// routes without answering a redirect (an HTML body no OneRoster consumer
// expects): empty segments go, so a trailing or doubled slash answers as
// the clean path, and "." and ".." segments are sent escaped, so the mux
// does not clean them away. They are sourcedIds, not directions: "." and
// ".." are valid ids in the CSV binding, and an API whose paths end in
// ids has no relative references to resolve. It reports whether the path
// changed.
func frontPath(escaped string) (string, bool) {
	if escaped == "" { // a CONNECT request's authority form
		return "/", true
	}
	if !strings.Contains(escaped, "//") && !strings.Contains(escaped, "/.") &&
		(escaped == "/" || !strings.HasSuffix(escaped, "/")) {
		return escaped, false
	}
	var b strings.Builder
	b.Grow(len(escaped) + 8)
	for seg := range strings.SplitSeq(escaped, "/") {
		switch seg {
		case "":
			continue
		case ".":
			seg = "%2E"
		case "..":
			seg = "%2E%2E"
		}
		b.WriteByte('/')
		b.WriteString(seg)
	}
	if b.Len() == 0 {
		return "/", true
	}
	return b.String(), b.String() != escaped
}

// withFrontPath returns r with its URL's path in the form of frontPath,
// or r itself when it already is. Path and RawPath change together, so
// that EscapedPath gives the new form (and the mux matches it) and the
// wildcards get the unescaped segments.
func withFrontPath(r *http.Request) *http.Request {
	p, changed := frontPath(r.URL.EscapedPath())
	if !changed {
		return r
	}
	unescaped, err := url.PathUnescape(p)
	if err != nil { // cannot happen: the server parsed the path
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path, r2.URL.RawPath = unescaped, p
	return r2
}

// escapeID is the path segment of a sourcedId in an href: escaped like
// any segment, and "." and ".." as %2E and %2E%2E, which url.PathEscape
// leaves as they are and a client resolving the URL would remove.
func escapeID(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}
