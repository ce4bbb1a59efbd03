package oneroster

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxGUIDLength is the longest identifier the bindings allow ("< 256").
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

// GUIDRule says in words what ValidGUID accepts, for messages.
const GUIDRule = "1 to 255 characters from 0-9 A-Z a-z . - _ / @"

// ValidGUID reports whether s is a valid OneRoster identifier (GUIDRule).
func ValidGUID(s string) bool { return GUIDProblem(s) == "" }

// GUIDProblem explains why s is not a GUID, or returns "".
func GUIDProblem(s string) string {
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

// SplitList splits a stored list value (the CSV binding's comma-separated
// cell). A blank value is an empty list (nil); items are returned exactly
// as written, without trimming, because values are exact.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// UserID is one item of a user's userIds, stored {type:identifier}.
type UserID struct {
	Type       string
	Identifier string
}

// ScoreScaleValue is one item of a score scale's scoreScaleValue, stored
// {LHS:RHS}.
type ScoreScaleValue struct {
	LHS string
	RHS string
}

// ParseUserIDs parses a stored userIds value such as
// "{LDAP:jdoe},{LTI:123}". A blank value yields nil; the error says what
// is wrong with which item.
func ParseUserIDs(s string) ([]UserID, error) {
	var out []UserID
	err := eachPair(s, "{type:identifier}", func(l, r string) { out = append(out, UserID{l, r}) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ParseScoreScaleValues parses a stored scoreScaleValue such as
// "{A+:100},{A:94}". Each item is split on its first colon, so the
// right-hand side may itself contain colons. A blank value yields nil.
func ParseScoreScaleValues(s string) ([]ScoreScaleValue, error) {
	var out []ScoreScaleValue
	err := eachPair(s, "{LHS:RHS}", func(l, r string) { out = append(out, ScoreScaleValue{l, r}) })
	if err != nil {
		return nil, err
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
