package oastest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
)

// ecmaTimeout bounds one pattern match. regexp2 backtracks, unlike Go's
// regexp, so a pathological value must not hang the test binary.
const ecmaTimeout = time.Second

// compileECMA compiles JSON Schema patterns with ECMAScript semantics, which
// is what JSON Schema prescribes. Go's RE2 cannot compile the gradebook
// file's negative look-ahead ^/(?!case$)(?!unknown$)[a-z0-9]+$, and using one
// engine for every pattern keeps the three files consistent.
func compileECMA(expr string) (openapi3.RegexMatcher, error) {
	re, err := regexp2.Compile(expr, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = ecmaTimeout
	return ecmaMatcher{re}, nil
}

type ecmaMatcher struct{ re *regexp2.Regexp }

// MatchString reports a timeout as a mismatch: the value fails validation
// instead of passing silently.
func (m ecmaMatcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}

// formats overrides kin-openapi's string formats for our validations only,
// leaving its package-level registry untouched for other users in the same
// test binary. kin-openapi checks date and date-time by default but not uri,
// and its date-time accepts any offset.
var formats = map[string]openapi3.StringFormatValidator{
	"date":      openapi3.NewCallbackValidator(validateDate),
	"date-time": openapi3.NewCallbackValidator(validateDateTime),
	"uri":       openapi3.NewCallbackValidator(validateURI),
}

var (
	dateRE     = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	dateTimeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$`)
	schemeRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
	uriCharsRE = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$`)
)

// validateDate accepts an RFC 3339 full-date that exists in the calendar.
func validateDate(s string) error {
	if !dateRE.MatchString(s) {
		return errors.New("want YYYY-MM-DD")
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("not a calendar date: %v", err)
	}
	return nil
}

// validateDateTime accepts RFC 3339 date-times in UTC only ("Z"): the
// OneRoster information model says DateTimes "MUST contain the UTC timezone",
// and we always emit UTC, so an offset means a bug on our side.
func validateDateTime(s string) error {
	if !dateTimeRE.MatchString(s) {
		return errors.New("want RFC 3339 UTC, YYYY-MM-DDThh:mm:ss[.fff]Z")
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("not a valid date-time: %v", err)
	}
	return nil
}

// validateURI accepts an absolute RFC 3986 URI, as JSON Schema's "uri" means;
// a relative reference such as an href of "/orgs/1" fails on purpose.
func validateURI(s string) error {
	if !schemeRE.MatchString(s) {
		return errors.New("want an absolute URI with a scheme")
	}
	if !uriCharsRE.MatchString(s) {
		return errors.New("contains a character RFC 3986 does not allow unencoded (space, quote, braces, non-ASCII…)")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return errors.New("http(s) URI without a host")
	}
	return nil
}
