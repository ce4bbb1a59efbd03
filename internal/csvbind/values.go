package csvbind

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
)

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

// ParseDateTime parses a CSV DateTime: YYYY-MM-DDTHH:MM:SS, optional
// fraction of 1 to 9 digits, then Z or +00:00. Other offsets are refused
// because the binding demands UTC, and a missing zone is refused because it
// would be ambiguous. The result is in UTC.
func ParseDateTime(s string) (time.Time, error) {
	if why := dateTimeProblem(s); why != "" {
		return time.Time{}, fmt.Errorf("csvbind: invalid date-time %q: %s", s, why)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil { // unreachable after dateTimeProblem; kept as a safety net
		return time.Time{}, fmt.Errorf("csvbind: invalid date-time %q: %w", s, err)
	}
	return t.UTC(), nil
}

const dateTimeExample = "2006-01-02T15:04:05.000Z"

// dateTimeProblem explains why s is not a CSV DateTime, or returns "":
// an RFC 3339 date-time (oneroster.ParseDateTime) with a capital T, in
// UTC (Z or +00:00).
func dateTimeProblem(s string) string {
	shape := "expected a UTC timestamp like " + dateTimeExample
	if len(s) == 10 && oneroster.DateProblem(s) == "" {
		return "a date without a time; " + shape
	}
	if len(s) < 19 || s[10] != 'T' {
		return shape
	}
	if why := oneroster.DateProblem(s[:10]); why != "" {
		return why
	}
	_, why, ok := oneroster.ParseDateTime(s)
	switch {
	case !ok && why == "":
		return shape
	case !ok:
		return why + "; " + shape
	case strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "+00:00"):
		return ""
	case strings.HasSuffix(s, "z"):
		return shape
	}
	return "offset " + s[len(s)-6:] + " is not UTC; convert to UTC and write Z"
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

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
