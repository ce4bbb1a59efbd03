package csvbind

import (
	"strings"
	"testing"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
)

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "2012-04-23T18:25:43.511Z", want: time.Date(2012, 4, 23, 18, 25, 43, 511e6, time.UTC)},
		{in: "2012-04-23T18:25:43Z", want: time.Date(2012, 4, 23, 18, 25, 43, 0, time.UTC)},
		{in: "2012-04-23T18:25:43.123456789+00:00", want: time.Date(2012, 4, 23, 18, 25, 43, 123456789, time.UTC)},
		{in: "2024-02-29T00:00:00Z", want: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{in: "2012-04-23T18:25:43", wantErr: "no time zone"},
		{in: "2012-04-23T18:25:43+02:00", wantErr: "offset +02:00 is not UTC"},
		{in: "2012-04-23T18:25:43-00:00", wantErr: "offset -00:00 is not UTC"},
		{in: "2012-04-23 18:25:43Z", wantErr: "expected a UTC timestamp"},
		{in: "2012-04-23t18:25:43z", wantErr: "expected a UTC timestamp"},
		{in: "2012-04-23T18:25:43.Z", wantErr: "1 to 9 digits"},
		{in: "2012-04-23T18:25:43.1234567890Z", wantErr: "1 to 9 digits"},
		{in: "2012-04-23T24:00:00Z", wantErr: "time of day out of range"},
		{in: "2023-02-29T00:00:00Z", wantErr: "February 2023 has no day 29"},
		{in: "2012-04-23", wantErr: "a date without a time"},
		{in: "", wantErr: "expected a UTC timestamp"},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDateTime(%q) error = %v, want it to mention %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2012, 4, 23, 18, 25, 43, 511e6, time.UTC), "2012-04-23T18:25:43.511Z"},
		{time.Date(2012, 4, 23, 18, 25, 43, 0, time.UTC), "2012-04-23T18:25:43.000Z"},
		{time.Date(2012, 4, 23, 18, 25, 43, 999999999, time.UTC), "2012-04-23T18:25:43.999Z"}, // truncated, never rounded into the next second
		{time.Date(2012, 4, 23, 20, 25, 43, 0, time.FixedZone("CEST", 2*3600)), "2012-04-23T18:25:43.000Z"},
	}
	for _, tt := range tests {
		got := oneroster.FormatTime(tt.in)
		if got != tt.want {
			t.Errorf("oneroster.FormatTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseDateTime(got)
		if err != nil || !back.Equal(tt.in.Truncate(time.Millisecond)) {
			t.Errorf("ParseDateTime(oneroster.FormatTime(%v)) = %v, %v", tt.in, back, err)
		}
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	floats := map[string]bool{
		"0": true, "0.0": true, "87.5": true, "-1": true, "+2.": true, ".5": true, "1e3": true, "1E-3": true, "1e-400": true,
		"": false, ".": false, "NaN": false, "Inf": false, "0x1p-2": false, "1_000": false, "1e": false, "1e999": false, "1,5": false, " 1": false,
	}
	for in, want := range floats {
		if got := validFloat(in); got != want {
			t.Errorf("validFloat(%q) = %v, want %v", in, got, want)
		}
	}
	ints := map[string]bool{
		"0": true, "40": true, "-3": true, "+7": true,
		"": false, "1.0": false, "1e2": false, "99999999999999999999": false, "-": false,
	}
	for in, want := range ints {
		if got := validInteger(in); got != want {
			t.Errorf("validInteger(%q) = %v, want %v", in, got, want)
		}
	}
}
