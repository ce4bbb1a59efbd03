package csvbind

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// The header rows of OneRoster 1.1, from the binding digest (csv-binding.md
// §12: the users.csv header as given there; the other files are the 1.2
// layouts minus what 1.2 added).
var bindingHeaders11 = map[string]string{
	"academicSessions.csv": bindingHeaders["academicSessions.csv"],
	"categories.csv":       "sourcedId,status,dateLastModified,title",
	"classes.csv":          bindingHeaders["classes.csv"],
	"classResources.csv":   bindingHeaders["classResources.csv"],
	"courses.csv":          bindingHeaders["courses.csv"],
	"courseResources.csv":  bindingHeaders["courseResources.csv"],
	"demographics.csv":     bindingHeaders["demographics.csv"],
	"enrollments.csv":      bindingHeaders["enrollments.csv"],
	"lineItems.csv":        "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax",
	"orgs.csv":             bindingHeaders["orgs.csv"],
	"resources.csv":        bindingHeaders["resources.csv"],
	"results.csv":          "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment",
	"users.csv":            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
}

func TestFiles11(t *testing.T) {
	t.Parallel()
	got := map[string]string{}
	var keys []string
	for _, f := range Files11 {
		got[f.Name] = strings.Join(f.Columns.Names(), ",")
		keys = append(keys, f.ManifestKey)
		if file11ByName(f.Name) != f || !is11(f) || is11(FileByName(f.Name)) {
			t.Errorf("lookup of %s fails", f.Name)
		}
		f12 := FileByName(f.Name)
		if f12 == nil || f12.ManifestKey != f.ManifestKey || f12.Service != f.Service {
			t.Errorf("%s: no 1.2 file of that name, key and service", f.Name)
		}
		for _, c := range f.Columns {
			if c.Extensible {
				t.Errorf("%s.%s is extensible; 1.1 vocabularies are read as closed", f.Name, c.Name)
			}
			if c.Ref != "" && file11ByName(c.Ref+".csv") == nil {
				t.Errorf("%s.%s references %s, which 1.1 does not have", f.Name, c.Name, c.Ref)
			}
		}
	}
	if diff := cmp.Diff(bindingHeaders11, got); diff != "" {
		t.Errorf("headers (-digest +Files11):\n%s", diff)
	}
	slices.Sort(keys)
	want := slices.Clone(manifestOrder11)
	slices.Sort(want)
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("manifest keys (-manifestOrder11 +Files11):\n%s", diff)
	}
	// Files11 keeps the dependency order of Files.
	var order []string
	for _, f := range Files {
		if file11ByName(f.Name) != nil {
			order = append(order, f.Name)
		}
	}
	var got11 []string
	for _, f := range Files11 {
		got11 = append(got11, f.Name)
	}
	if diff := cmp.Diff(order, got11); diff != "" {
		t.Errorf("order (-Files +Files11):\n%s", diff)
	}
	// The 1.2 specs are untouched by the 1.1 copies.
	if !FileByName("demographics.csv").Columns[4].Extensible || len(FileByName("demographics.csv").Columns[4].Values) != 4 {
		t.Error("closing the 1.1 demographics changed the 1.2 spec")
	}
}

func TestRoleFrom11(t *testing.T) {
	t.Parallel()
	for _, r := range userRoles11 {
		got := roleFrom11(r)
		if !slices.Contains(oneroster.Roles, got) {
			t.Errorf("1.1 role %s maps to %s, not a 1.2 role", r, got)
		}
		if (got != r) != (r == "administrator") {
			t.Errorf("1.1 role %s maps to %s", r, got)
		}
	}
}

// FuzzReader11 reads arbitrary bytes as a OneRoster 1.1 users.csv, both as
// the 1.2 users.csv and as the derived roles.csv.
func FuzzReader11(f *testing.F) {
	h := bindingHeaders11["users.csv"]
	f.Add([]byte(h + "\nu1,,,true,\"o1,o2,o1\",administrator,jd,{LDAP:x},J,D,,,,,,,\"9,10\",\n"))
	f.Add([]byte("\xEF\xBB\xBF" + h + ",metadata.x\r\nu1,active,2023-01-01T00:00:00Z,false,o1,Student,a,,b,c,,,,,,,,,m\r\n"))
	f.Add([]byte(h + "\nu1,,,true,\"o1,,o2\",teacher,jd,,J,D,,,,,,,,\nu2,,,true,o1\n"))
	f.Add([]byte(bindingHeaders["users.csv"] + "\nu1,,,true,jd,,J,D,,,,,,,,,,,,,o1,\n"))
	f.Add([]byte(""))
	users, roles := FileByName("users.csv"), FileByName("roles.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{Bulk, Delta} {
			for _, out := range []*FileSpec{users, roles} {
				r := newReader11(bytes.NewReader(data), nil, users11, out, mode, DefaultMaxRecordSize, 0)
				if r.File() != "users.csv" || r.Spec() != out {
					t.Fatalf("File %q, Spec %s", r.File(), r.Spec().Name)
				}
				for {
					row, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("Next: %v", err)
					}
					if len(row.Values) != len(out.Columns) {
						t.Fatalf("len(Values) = %d", len(row.Values))
					}
					for _, p := range row.Problems {
						if p.File != "users.csv" || p.Line < 1 || p.Column < 0 {
							t.Fatalf("bad problem %v", p)
						}
					}
					for i := range out.Columns {
						if l, c, _ := r.Pos(i); l != row.Line && out == roles || c < 0 {
							t.Fatalf("Pos(%d) = %d:%d on row line %d", i, l, c, row.Line)
						}
					}
					if out == roles && len(row.Problems) == 0 {
						if !oneroster.ValidGUID(row.Values[0]) || !slices.Contains(oneroster.Roles, row.Values[5]) || !oneroster.ValidGUID(row.Values[8]) {
							t.Fatalf("bad derived role %q", row.Values)
						}
					}
				}
				if out == roles && len(r.Problems()) != 0 {
					t.Fatalf("derived roles repeat file problems: %v", r.Problems())
				}
			}
		}
	})
}

// BenchmarkRoles11 derives roles.csv from a 100k-row 1.1 users.csv, each
// user in two orgs.
func BenchmarkRoles11(b *testing.B) {
	const users = 100_000
	var buf bytes.Buffer
	buf.WriteString(bindingHeaders11["users.csv"] + "\n")
	for i := range users {
		fmt.Fprintf(&buf, "user-%d,,,true,\"org-%d,org-%d\",student,u%d,,Given,Family,,,,,,,09,\n", i, i%10, i%10+10, i)
	}
	data := buf.Bytes()
	roles := FileByName("roles.csv")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newReader11(bytes.NewReader(data), nil, users11, roles, Bulk, DefaultMaxRecordSize, 0)
		n := 0
		for {
			row, err := r.Next()
			if err != nil {
				break
			}
			if len(row.Problems) != 0 {
				b.Fatal(row.Problems)
			}
			n++
		}
		if n != 2*users {
			b.Fatalf("derived %d roles", n)
		}
	}
}
