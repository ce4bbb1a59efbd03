package oneroster

import (
	"testing"
	"time"
)

func TestUUIDs(t *testing.T) {
	for s, want := range map[string]bool{
		"2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b": true,
		"2B1F5C9A-3C1D-4E8F-9A6B-1C2D3E4F5A6B": true,
		"2b1f5c9a3c1d4e8f9a6b1c2d3e4f5a6b":     false, // no hyphens
		"2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6":  false,
		"2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6g": false,
		"2b1f5c9a_3c1d-4e8f-9a6b-1c2d3e4f5a6b": false,
	} {
		if got := IsUUID(s); got != want {
			t.Errorf("IsUUID(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{
		"urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b": true,
		"URN:UUID:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b": true,
		"2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b":          false,
		"urn:uuid:2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6x": false,
		"urn:uuid:": false,
	} {
		if _, got := UUIDURN(s); got != want {
			t.Errorf("UUIDURN(%q) = %v", s, got)
		}
	}
}

func TestTimeLayout(t *testing.T) {
	at := time.Date(2026, 12, 2, 13, 41, 5, 474_000_000, time.FixedZone("EST", -5*3600))
	s := FormatTime(at)
	if s != "2026-12-02T18:41:05.474Z" {
		t.Fatalf("FormatTime = %s", s)
	}
	back, err := ParseTime(s)
	if err != nil || !back.Equal(at) {
		t.Errorf("ParseTime(%s) = %v, %v", s, back, err)
	}
}

func TestDateProblem(t *testing.T) {
	for s, want := range map[string]string{
		"2024-02-29": "",
		"2023-02-29": "February 2023 has no day 29",
		"2100-02-29": "February 2100 has no day 29",
		"2000-02-29": "",
		"2024-13-01": "month out of range",
		"2024-1-01":  "expected YYYY-MM-DD",
		"2024/01/01": "expected YYYY-MM-DD",
		"1/09/2022":  "expected YYYY-MM-DD",
	} {
		if got := DateProblem(s); got != want {
			t.Errorf("DateProblem(%q) = %q, want %q", s, got, want)
		}
	}
}
