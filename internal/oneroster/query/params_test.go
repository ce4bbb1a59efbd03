package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
)

func TestParse(t *testing.T) {
	coll := Options{DefaultLimit: 100, MaxLimit: 1000, Collection: true}
	single := Options{DefaultLimit: 100, MaxLimit: 1000}
	tests := []struct {
		name  string
		query string // raw query string, decoded by url.ParseQuery like a server does
		opts  Options
		want  Params
	}{
		{"defaults", "", coll, Params{Limit: 100}},
		{"unknown params ignored", "page=2&role=student&Limit=5", coll, Params{Limit: 100}},
		{"zero options use the standard default", "", Options{Collection: true}, Params{Limit: 100}},
		{"custom default", "", Options{DefaultLimit: 25, MaxLimit: 1000, Collection: true}, Params{Limit: 25}},
		{"default above max is capped", "", Options{DefaultLimit: 500, MaxLimit: 50, Collection: true}, Params{Limit: 50}},

		{"limit", "limit=10", coll, Params{Limit: 10}},
		{"limit with plus sign", "limit=%2B10", coll, Params{Limit: 10}},
		{"limit one", "limit=1", coll, Params{Limit: 1}},
		{"limit at max", "limit=1000", coll, Params{Limit: 1000}},
		{"limit above max is clamped", "limit=5000", coll, Params{Limit: 1000}},
		{"limit at int32 max is clamped", "limit=2147483647", coll, Params{Limit: 1000}},
		{"no max takes up to int32", "limit=2147483647", Options{Collection: true}, Params{Limit: 1<<31 - 1}},
		{"max above int32 is int32", "limit=2147483647", Options{MaxLimit: 1 << 40, Collection: true}, Params{Limit: 1<<31 - 1}},

		{"offset", "offset=20", coll, Params{Limit: 100, Offset: 20}},
		{"offset zero", "offset=0", coll, Params{Limit: 100}},
		{"offset at int32 max", "offset=2147483647", coll, Params{Limit: 100, Offset: 1<<31 - 1}},

		{"sort", "sort=familyName", coll, Params{Limit: 100, Sort: []string{"familyName"}}},
		{"sort list", "sort=familyName,givenName", coll, Params{Limit: 100, Sort: []string{"familyName", "givenName"}}},
		{"sort list with spaces", "sort=familyName,+givenName+", coll, Params{Limit: 100, Sort: []string{"familyName", "givenName"}}},
		{"sort dotted", "sort=course.sourcedId", coll, Params{Limit: 100, Sort: []string{"course.sourcedId"}}},
		{"sort empty is default order", "sort=", coll, Params{Limit: 100}},
		{"sort blank is default order", "sort=++", coll, Params{Limit: 100}},
		{"orderBy asc", "sort=a&orderBy=asc", coll, Params{Limit: 100, Sort: []string{"a"}}},
		{"orderBy desc", "sort=a&orderBy=desc", coll, Params{Limit: 100, Sort: []string{"a"}, Desc: true}},
		{"orderBy without sort", "orderBy=desc", coll, Params{Limit: 100, Desc: true}},

		{"filter", "filter=familyName%3D%27jones%27", coll,
			Params{Limit: 100, Filter: cmpAt("familyName", OpEq, "jones", 0)}},
		{"filter with plus as space", "filter=familyName%3D%27van+der+Berg%27+AND+x%3D%271%27", coll,
			Params{Limit: 100, Filter: and(cmpAt("familyName", OpEq, "van der Berg", 0), cmpAt("x", OpEq, "1", 30))}},
		{"filter empty", "filter=", coll, Params{Limit: 100}},
		{"filter blank", "filter=+++", coll, Params{Limit: 100}},

		{"fields", "fields=givenName,familyName", coll, Params{Limit: 100, Fields: []string{"givenName", "familyName"}}},
		{"fields repeated are joined", "fields=givenName&fields=familyName,sourcedId", coll,
			Params{Limit: 100, Fields: []string{"givenName", "familyName", "sourcedId"}}},
		{"fields with spaces", "fields=givenName,+familyName", coll, Params{Limit: 100, Fields: []string{"givenName", "familyName"}}},
		{"fields on a single object", "fields=sourcedId", single, Params{Fields: []string{"sourcedId"}}},

		{"single object ignores collection params", "limit=0&offset=-1&sort=%21&orderBy=up&filter=%27&limit=5", single, Params{}},
		{"everything", "limit=10&offset=30&sort=familyName&orderBy=desc&filter=status%3D%27active%27&fields=sourcedId,status", coll,
			Params{Limit: 10, Offset: 30, Sort: []string{"familyName"}, Desc: true,
				Filter: cmpAt("status", OpEq, "active", 0), Fields: []string{"sourcedId", "status"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(q, tt.opts)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	coll := Options{DefaultLimit: 100, MaxLimit: 1000, Collection: true}
	tests := []struct {
		name  string
		query string
		opts  Options
		code  oneroster.Code
		want  string // substring of the message
	}{
		{"limit not a number", "limit=ten", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got "ten"`},
		{"limit empty", "limit=", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got ""`},
		{"limit fraction", "limit=1.5", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got "1.5"`},
		{"limit hex", "limit=0x10", coll, oneroster.CodeInvalidData, `limit must be a positive integer`},
		{"limit with space", "limit=+10", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got " 10"`},
		{"limit zero", "limit=0", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got "0"`},
		{"limit negative", "limit=-5", coll, oneroster.CodeInvalidData, `limit must be a positive integer, got "-5"`},
		{"limit hugely negative", "limit=-99999999999999999999999", coll, oneroster.CodeInvalidData, `limit must be a positive integer`},
		{"limit above int32", "limit=2147483648", coll, oneroster.CodeInvalidData, `limit must be at most 2147483647, got "2147483648"`},
		{"limit above int32 without max", "limit=2147483648", Options{Collection: true}, oneroster.CodeInvalidData, `limit must be at most 2147483647, got "2147483648"`},
		{"limit above int32 with plus sign", "limit=%2B4294967296", coll, oneroster.CodeInvalidData, `limit must be at most 2147483647, got "+4294967296"`},
		{"limit beyond int64", "limit=99999999999999999999999", coll, oneroster.CodeInvalidData, `limit must be at most 2147483647, got "99999999999999999999999"`},
		{"limit repeated", "limit=10&limit=20", coll, oneroster.CodeInvalidData, `parameter limit repeated`},

		{"offset not a number", "offset=x", coll, oneroster.CodeInvalidData, `offset must be a non-negative integer, got "x"`},
		{"offset empty", "offset=", coll, oneroster.CodeInvalidData, `offset must be a non-negative integer, got ""`},
		{"offset negative", "offset=-1", coll, oneroster.CodeInvalidData, `offset must be a non-negative integer, got "-1"`},
		{"offset above int32", "offset=2147483648", coll, oneroster.CodeInvalidData, `offset must be at most 2147483647, got "2147483648"`},
		{"offset beyond int64", "offset=99999999999999999999999", coll, oneroster.CodeInvalidData, `offset must be at most 2147483647, got "99999999999999999999999"`},
		{"offset hugely negative", "offset=-99999999999999999999999", coll, oneroster.CodeInvalidData, `offset must be a non-negative integer`},
		{"offset repeated", "offset=0&offset=0", coll, oneroster.CodeInvalidData, `parameter offset repeated`},

		{"sort repeated", "sort=a&sort=b", coll, oneroster.CodeInvalidData, `parameter sort repeated`},
		{"sort blank item", "sort=a,,b", coll, oneroster.CodeInvalidData, `sort has a blank field name in "a,,b"`},
		{"sort trailing comma", "sort=a,", coll, oneroster.CodeInvalidData, `sort has a blank field name`},
		{"sort broken name", "sort=family-name", coll, oneroster.CodeInvalidData, `sort field "family-name" is not a valid name`},
		{"sort broken path", "sort=roles..role", coll, oneroster.CodeInvalidData, `sort field "roles..role" is not a valid name`},
		{"sort with direction suffix", "sort=familyName+desc", coll, oneroster.CodeInvalidData, `sort field "familyName desc" is not a valid name`},

		{"orderBy upper case", "orderBy=DESC", coll, oneroster.CodeInvalidData, `orderBy must be asc or desc, got "DESC"`},
		{"orderBy other", "orderBy=descending", coll, oneroster.CodeInvalidData, `orderBy must be asc or desc, got "descending"`},
		{"orderBy empty", "orderBy=", coll, oneroster.CodeInvalidData, `orderBy must be asc or desc, got ""`},
		{"orderBy repeated", "orderBy=asc&orderBy=asc", coll, oneroster.CodeInvalidData, `parameter orderBy repeated`},

		{"filter repeated", "filter=a%3D%271%27&filter=b%3D%272%27", coll, oneroster.CodeInvalidData, `parameter filter repeated`},
		{"filter repeated even if empty", "filter=&filter=", coll, oneroster.CodeInvalidData, `parameter filter repeated`},
		{"filter malformed", "filter=familyName%3D%3D%27x%27", coll, oneroster.CodeInvalidFilterField, `filter: unknown predicate "=="`},

		{"fields empty", "fields=", coll, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields double comma", "fields=a,,b", coll, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields trailing comma", "fields=a,", coll, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields blank item", "fields=a,+,b", coll, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields second empty", "fields=a&fields=", coll, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields on single object empty", "fields=", Options{}, oneroster.CodeInvalidSelectionField, `blank field selection`},
		{"fields bad name", "fields=given-name", coll, oneroster.CodeInvalidSelectionField, `fields: "given-name" is not a valid field name`},
		{"fields dotted", "fields=course.sourcedId", coll, oneroster.CodeInvalidSelectionField, `fields: "course.sourcedId" is not a valid field name`},
		{"fields digit first", "fields=1st", coll, oneroster.CodeInvalidSelectionField, `fields: "1st" is not a valid field name`},
		{"fields long name is cut", "fields=" + strings.Repeat("%21", 200), coll, oneroster.CodeInvalidSelectionField, `"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(q, tt.opts)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error containing %q", tt.query, got, tt.want)
			}
			var oe *oneroster.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Parse(%q) error %#v is not a *oneroster.Error", tt.query, err)
			}
			if oe.Code != tt.code {
				t.Errorf("code = %q, want %q", oe.Code, tt.code)
			}
			if !strings.Contains(oe.Message, tt.want) {
				t.Errorf("message %q does not contain %q", oe.Message, tt.want)
			}
			if diff := cmp.Diff(Params{}, got); diff != "" {
				t.Errorf("Params not zero on error:\n%s", diff)
			}
		})
	}
}
