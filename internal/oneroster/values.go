package oneroster

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The value rules both bindings and the store share: one definition each.

// TimeLayout is the one form stored date-times take: UTC, milliseconds,
// Z (the CSV binding's recommended DateTime, and what the REST binding
// answers). Stored times compare as text because they all have it.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime writes t in TimeLayout; the zero time (never: a client not
// revoked) is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a stored date-time (TimeLayout); "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(TimeLayout, s)
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form,
// in either case.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// UUIDURN returns the UUID of a urn:uuid: URN (prefix in any case), and
// whether s is one.
func UUIDURN(s string) (string, bool) {
	if len(s) != 45 || !strings.EqualFold(s[:9], "urn:uuid:") || !IsUUID(s[9:]) {
		return "", false
	}
	return s[9:], true
}

// DateProblem explains why s is not a real YYYY-MM-DD date, or returns
// "": both bindings take dates in that one form and say the same of it.
func DateProblem(s string) string {
	if len(s) != 10 || !allDigits(s[0:4]) || s[4] != '-' || !allDigits(s[5:7]) || s[7] != '-' || !allDigits(s[8:10]) {
		return "expected YYYY-MM-DD"
	}
	y, _ := strconv.Atoi(s[0:4])
	m, d := twoDigits(s[5:7]), twoDigits(s[8:10])
	if m < 1 || m > 12 {
		return "month out of range"
	}
	last := daysIn[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		last = 29
	}
	if d < 1 || d > last {
		return fmt.Sprintf("%s %d has no day %d", time.Month(m), y, d)
	}
	return ""
}

var daysIn = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func twoDigits(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// ParseDateTime reads an RFC 3339 date-time, the one form both bindings
// take: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, then
// Z or an offset ±HH:MM (T and Z in either case, as RFC 3339 allows). It
// returns the time in the offset it was written in. When s is not one,
// ok is false and why says what is wrong, or is "" when s does not even
// have the shape; each binding adds the example of what it expects (the
// CSV binding also demands UTC, see csvbind).
func ParseDateTime(s string) (t time.Time, why string, ok bool) {
	if len(s) < 19 || (s[10] != 'T' && s[10] != 't') {
		return time.Time{}, "", false
	}
	if why := DateProblem(s[:10]); why != "" {
		if why == "expected YYYY-MM-DD" {
			why = ""
		}
		return time.Time{}, why, false
	}
	hh, mm, ss := s[11:13], s[14:16], s[17:19]
	if !allDigits(hh) || s[13] != ':' || !allDigits(mm) || s[16] != ':' || !allDigits(ss) {
		return time.Time{}, "", false
	}
	if twoDigits(hh) > 23 || twoDigits(mm) > 59 || twoDigits(ss) > 59 {
		return time.Time{}, "time of day out of range", false
	}
	rest := s[19:]
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, "the fraction of a second must have 1 to 9 digits", false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' && allDigits(rest[1:3]) && allDigits(rest[4:6]):
		if twoDigits(rest[1:3]) > 23 || twoDigits(rest[4:6]) > 59 {
			return time.Time{}, "offset out of range", false
		}
	case rest == "":
		return time.Time{}, "no time zone", false
	default:
		return time.Time{}, "", false
	}
	norm := []byte(s)
	norm[10] = 'T'
	if rest == "z" {
		norm[len(norm)-1] = 'Z'
	}
	t, err := time.Parse(time.RFC3339Nano, string(norm))
	if err != nil { // unreachable after the checks above; a safety net
		return time.Time{}, "", false
	}
	return t, "", true
}
