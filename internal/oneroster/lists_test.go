package oneroster

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseUserIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []UserID
		wantErr bool
	}{
		{in: ""},
		{in: "{LDAP:jdoe}", want: []UserID{{"LDAP", "jdoe"}}},
		{in: "{LDAP:cn=jdoe,ou=staff},{LTI:123},{Fed:a:b}", want: []UserID{{"LDAP", "cn=jdoe,ou=staff"}, {"LTI", "123"}, {"Fed", "a:b"}}},
		{in: "LDAP:jdoe", wantErr: true},
		{in: "{LDAP}", wantErr: true},
		{in: "{:x}", wantErr: true},
		{in: "{a:b}, {c:d}", wantErr: true},
		{in: "{a:b}{c:d}", wantErr: true},
		{in: "{a:b},", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseUserIDs(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseUserIDs(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseUserIDs(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseScoreScaleValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []ScoreScaleValue
		wantErr bool
	}{
		{in: ""},
		{in: "{Pass:50}", want: []ScoreScaleValue{{"Pass", "50"}}},
		{in: "{A+:100},{A:94},{A-:90}", want: []ScoreScaleValue{{"A+", "100"}, {"A", "94"}, {"A-", "90"}}},
		{in: "{A:7-10},{60-69:B}", want: []ScoreScaleValue{{"A", "7-10"}, {"60-69", "B"}}},
		{in: "{ratio:1:2}", want: []ScoreScaleValue{{"ratio", "1:2"}}}, // first colon splits
		{in: "{A:}", wantErr: true},
		{in: "{A}", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseScoreScaleValues(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseScoreScaleValues(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseScoreScaleValues(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"9", []string{"9"}},
		{"t1,t2", []string{"t1", "t2"}},
		{"a, b", []string{"a", " b"}}, // values are exact; the reader does not trim either
		{"a,,b", []string{"a", "", "b"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, SplitList(tt.in)); diff != "" {
			t.Errorf("SplitList(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestValidGUID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"abc-123", true},
		{"org/1@district.example_A.b", true},
		{strings.Repeat("a", 255), true},
		{strings.Repeat("a", 256), false},
		{"", false},
		{"a b", false},
		{"é", false},
		{"a,b", false},
		{"a+b", false},
		{"{x}", false},
	}
	for _, tt := range tests {
		if got := ValidGUID(tt.in); got != tt.want {
			t.Errorf("ValidGUID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestQuoteCutsOnRuneBoundary: a long value is cut before the character
// that straddles the limit, never inside it.
func TestQuoteCutsOnRuneBoundary(t *testing.T) {
	s := strings.Repeat("a", QuoteLimit-1) + "é"
	if got, want := Quote(s), `"`+strings.Repeat("a", QuoteLimit-1)+`"…`; got != want {
		t.Errorf("Quote = %s, want %s", got, want)
	}
	if got := Quote("short"); got != `"short"` {
		t.Errorf("Quote(short) = %s", got)
	}
}
