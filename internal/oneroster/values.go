package oneroster

import (
	"strings"
	"time"
)

// The value rules both bindings and the store share: one definition each.

// TimeLayout is the one form stored date-times take: UTC, milliseconds,
// Z (the CSV binding's recommended DateTime, and what the REST binding
// answers). Stored times compare as text because they all have it.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime writes t in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored date-time (TimeLayout).
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeLayout, s) }

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
