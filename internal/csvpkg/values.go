package csvpkg

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// MaxGUIDLength is the longest identifier the binding allows ("< 256").
const MaxGUIDLength = 255

// guidChar marks the bytes allowed in a GUID: 0-9 A-Z a-z . - _ / @.
var guidChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
		t[c+'a'-'A'] = true
	}
	for _, c := range "._-/@" {
		t[c] = true
	}
	return t
}()

// ValidGUID reports whether s is a valid OneRoster identifier: 1 to 255
// characters from 0-9 A-Z a-z . - _ / @.
func ValidGUID(s string) bool { return guidProblem(s) == "" }

// guidProblem explains why s is not a GUID, or returns "".
func guidProblem(s string) string {
	if s == "" {
		return "is empty"
	}
	for i := 0; i < len(s); i++ {
		if !guidChar[s[i]] {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Sprintf("contains %q, which identifiers may not use (allowed: 0-9 A-Z a-z . - _ / @)", r)
		}
	}
	if len(s) > MaxGUIDLength {
		return fmt.Sprintf("is %d characters long; the limit is %d", len(s), MaxGUIDLength)
	}
	return ""
}

// SplitList splits a comma-separated list cell. A blank cell is an empty
// list (nil); items are returned exactly as written, without trimming,
// because the binding treats values as exact.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// listProblem reports the first empty item of a list cell, or "".
func listProblem(s string) string {
	for i := 1; ; i++ {
		item, rest, more := strings.Cut(s, ",")
		if item == "" {
			return fmt.Sprintf("item %d is empty", i)
		}
		if !more {
			return ""
		}
		s = rest
	}
}

// UserID is one item of users.userIds, written {type:identifier} in CSV.
type UserID struct {
	Type       string
	Identifier string
}

// ScoreScaleValue is one item of scoreScales.scoreScaleValue, written
// {LHS:RHS} in CSV.
type ScoreScaleValue struct {
	LHS string
	RHS string
}

// ParseUserIDs parses a users.userIds cell such as "{LDAP:jdoe},{LTI:123}".
// A blank cell yields nil.
func ParseUserIDs(s string) ([]UserID, error) {
	var out []UserID
	err := eachPair(s, "{type:identifier}", func(l, r string) { out = append(out, UserID{l, r}) })
	if err != nil {
		return nil, fmt.Errorf("csvpkg: invalid userIds %q: %w", s, err)
	}
	return out, nil
}

// ParseScoreScaleValues parses a scoreScales.scoreScaleValue cell such as
// "{A+:100},{A:94}". Each item is split on its first colon, so the
// right-hand side may itself contain colons. A blank cell yields nil.
func ParseScoreScaleValues(s string) ([]ScoreScaleValue, error) {
	var out []ScoreScaleValue
	err := eachPair(s, "{LHS:RHS}", func(l, r string) { out = append(out, ScoreScaleValue{l, r}) })
	if err != nil {
		return nil, fmt.Errorf("csvpkg: invalid scoreScaleValue %q: %w", s, err)
	}
	return out, nil
}

// eachPair walks a list of {left:right} items. Items are separated by "},{"
// rather than by every comma, so that identifiers such as LDAP names
// (cn=x,ou=y) survive; shape names the item form for error messages.
func eachPair(s, shape string, fn func(left, right string)) error {
	if s == "" {
		return nil
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("expected items of the form %s separated by commas", shape)
	}
	inner := s[1 : len(s)-1]
	for i := 1; ; i++ {
		item, rest, more := strings.Cut(inner, "},{")
		if strings.ContainsAny(item, "{}") {
			return fmt.Errorf("item %d is malformed; expected items of the form %s separated by commas, with no spaces", i, shape)
		}
		left, right, ok := strings.Cut(item, ":")
		switch {
		case !ok:
			return fmt.Errorf("item %d {%s} has no colon; expected %s", i, item, shape)
		case left == "" || right == "":
			return fmt.Errorf("item %d {%s} has an empty side; expected %s", i, item, shape)
		}
		fn(left, right)
		if !more {
			return nil
		}
		inner = rest
	}
}

// ParseDateTime parses a CSV DateTime: YYYY-MM-DDTHH:MM:SS, optional
// fraction of 1 to 9 digits, then Z or +00:00. Other offsets are refused
// because the binding demands UTC, and a missing zone is refused because it
// would be ambiguous. The result is in UTC.
func ParseDateTime(s string) (time.Time, error) {
	if why := dateTimeProblem(s); why != "" {
		return time.Time{}, fmt.Errorf("csvpkg: invalid date-time %q: %s", s, why)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil { // unreachable after dateTimeProblem; kept as a safety net
		return time.Time{}, fmt.Errorf("csvpkg: invalid date-time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// FormatDateTime writes t the way the binding recommends producers do:
// UTC with exactly three fractional digits, e.g. 2012-04-23T18:25:43.511Z.
func FormatDateTime(t time.Time) string { return oneroster.FormatTime(t) }

const dateTimeExample = "2006-01-02T15:04:05.000Z"

// dateTimeProblem explains why s is not a CSV DateTime, or returns "".
func dateTimeProblem(s string) string {
	shape := "expected a UTC timestamp like " + dateTimeExample
	if len(s) < 19 || s[10] != 'T' {
		if len(s) == 10 && oneroster.DateProblem(s) == "" {
			return "a date without a time; " + shape
		}
		return shape
	}
	if why := oneroster.DateProblem(s[:10]); why != "" {
		return why
	}
	if !digits(s[11:13]) || s[13] != ':' || !digits(s[14:16]) || s[16] != ':' || !digits(s[17:19]) {
		return shape
	}
	if atoi2(s[11:13]) > 23 || atoi2(s[14:16]) > 59 || atoi2(s[17:19]) > 59 {
		return "time of day out of range; " + shape
	}
	rest := s[19:]
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return "the fraction of a second must have 1 to 9 digits; " + shape
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z" || rest == "+00:00":
		return ""
	case rest == "":
		return "no time zone; " + shape
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest[1:3]) && rest[3] == ':' && digits(rest[4:6]):
		return "offset " + rest + " is not UTC; convert to UTC and write Z"
	}
	return shape
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// validFloat accepts plain decimal notation with an optional exponent, and
// refuses what strconv.ParseFloat would also take but no gradebook means:
// NaN, Inf, hex floats, underscores, and values that overflow.
func validFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	mant := i - start
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		mant += i - f
	}
	if mant == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits(s[i:]) {
			return false
		}
		i = len(s)
	}
	if i != len(s) {
		return false
	}
	// Overflow yields ±Inf; underflow to zero is harmless.
	f, _ := strconv.ParseFloat(s, 64)
	return !math.IsInf(f, 0)
}

// validInteger accepts an optional sign and decimal digits that fit in 64 bits.
func validInteger(s string) bool {
	t := s
	if t != "" && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	if !digits(t) {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}
