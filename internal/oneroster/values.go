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
