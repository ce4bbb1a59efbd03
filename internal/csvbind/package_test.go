package csvbind

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type testFile struct{ name, data string }

// manifestCSV declares the given file.* modes; every other file is absent.
// Lines: header 1, manifest.version 2, oneroster.version 3, then the file
// properties in binding order from line 4 (file.orgs is line 15, file.users
// line 24).
func manifestCSV(modes map[string]string) string {
	var b strings.Builder
	b.WriteString("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n")
	for _, key := range ManifestOrder {
		mode, ok := modes[key]
		if !ok {
			mode = "absent"
		}
		fmt.Fprintf(&b, "%s,%s\n", key, mode)
	}
	b.WriteString("source.systemName,Test SIS\nsource.systemCode,TSIS\n")
	return b.String()
}

const (
	validOrgs  = orgsHeader + "\no1,,,District,district,,\no2,,,School,school,,o1\n"
	validUsers = usersHeader + "\nu1,active,2023-09-01T08:00:00.000Z,true,jdoe,{LDAP:jdoe},Jo,Doe,,,,,,,\"9,10\",,,,,,o2,\n"
)

func validPackage() []testFile {
	return []testFile{
		{"manifest.csv", manifestCSV(map[string]string{"file.orgs": "bulk", "file.users": "delta"})},
		{"orgs.csv", validOrgs},
		{"users.csv", validUsers},
	}
}

func writeDir(t *testing.T, files []testFile) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeZip(t *testing.T, files []testFile) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// importAll drives a package the way the importer does and returns every
// problem as a string, plus the number of rows read.
func importAll(t *testing.T, path string, opts Options) ([]string, int) {
	t.Helper()
	pkg, err := OpenWith(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer pkg.Close()
	man, probs := pkg.Manifest()
	var out []string
	for _, p := range probs {
		out = append(out, p.String())
	}
	for _, p := range pkg.Warnings() {
		out = append(out, "warning: "+p.Code+": "+p.Message) // File is the temporary package's name
	}
	rows := 0
	for _, spec := range Files {
		mode := man.Mode(spec.Name)
		if mode == Absent {
			continue
		}
		r, err := pkg.OpenFile(spec, mode)
		if errors.Is(err, fs.ErrNotExist) {
			continue // reported as FILE_MISSING
		}
		if err != nil {
			t.Fatalf("OpenFile(%s): %v", spec.Name, err)
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			rows++
			for _, p := range row.Problems {
				out = append(out, p.String())
			}
			for _, p := range row.Warnings {
				out = append(out, "warning: "+p.String())
			}
		}
		for _, p := range r.Problems() {
			out = append(out, p.String())
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close(%s): %v", spec.Name, err)
		}
	}
	return out, rows
}

// with returns the valid package with files replaced, added (data != "") or
// removed (data == "").
func with(changes ...testFile) []testFile {
	files := validPackage()
	for _, c := range changes {
		found := false
		for i := range files {
			if files[i].name == c.name {
				files[i].data = c.data
				found = true
			}
		}
		if !found {
			files = append(files, c)
		}
	}
	var out []testFile
	for _, f := range files {
		if f.data != "" {
			out = append(out, f)
		}
	}
	return out
}

func replaceLine(s, old, new string) string {
	if !strings.Contains(s, old+"\n") {
		panic("no line " + old)
	}
	return strings.Replace(s, old+"\n", new, 1)
}

func TestPackage(t *testing.T) {
	t.Parallel()
	man := manifestCSV(map[string]string{"file.orgs": "bulk", "file.users": "delta"})
	tests := []struct {
		name     string
		files    []testFile
		zipOnly  bool
		wantRows int
		want     []string
	}{
		{
			name:     "valid",
			files:    validPackage(),
			wantRows: 3,
		},
		{
			name: "manifest only means nothing changed",
			files: []testFile{
				{"manifest.csv", manifestCSV(nil)},
			},
		},
		{
			name:     "junk entries are skipped with one warning",
			files:    with(testFile{".DS_Store", "x"}, testFile{"._orgs.csv", "x"}, testFile{"__MACOSX/._orgs.csv", "x"}),
			wantRows: 3,
			zipOnly:  true,
			want:     []string{"warning: PACKAGE_CLUTTER: 3 entries that operating systems add (.DS_Store, ._orgs.csv, __MACOSX/._orgs.csv) are skipped"},
		},
		{
			name:     "junk files in a folder",
			files:    with(testFile{".DS_Store", "x"}, testFile{"Thumbs.db", "x"}),
			wantRows: 3,
			want:     []string{"warning: PACKAGE_CLUTTER: 2 entries that operating systems add (.DS_Store, Thumbs.db) are skipped"},
		},
		{
			name:     "manifest.version 1",
			files:    with(testFile{"manifest.csv", strings.Replace(manifestCSV(map[string]string{"file.orgs": "bulk", "file.users": "delta"}), "manifest.version,1.0", "manifest.version,1", 1)}),
			wantRows: 3,
			want:     []string{`warning: MANIFEST_VERSION: manifest.version "1" read as 1.0`},
		},
		{
			name:     "manifest with BOM and CRLF",
			files:    with(testFile{"manifest.csv", "\xEF\xBB\xBF" + strings.ReplaceAll(man, "\n", "\r\n")}),
			wantRows: 3,
		},
		{
			name:  "manifest missing",
			files: with(testFile{"manifest.csv", ""}),
			want: []string{
				"manifest.csv:0:0: MANIFEST_MISSING: manifest.csv is missing; packages without one (OneRoster 1.0) are not supported",
			},
		},
		{
			name:     "manifest missing a file property",
			files:    with(testFile{"manifest.csv", replaceLine(man, "file.roles,absent", "")}),
			wantRows: 3,
			want: []string{
				"manifest.csv:0:0: MANIFEST_INVALID: missing property file.roles; every file.* property is required, use absent for files not supplied",
			},
		},
		{
			name:     "manifest bad mode",
			files:    with(testFile{"manifest.csv", replaceLine(man, "file.orgs,bulk", "file.orgs,Bulk\n")}),
			wantRows: 1,
			want: []string{
				`manifest.csv:15:2: MANIFEST_INVALID: "Bulk" is not a valid mode for file.orgs; did you mean "bulk"?`,
				"orgs.csv:0:0: FILE_NOT_IN_MANIFEST: orgs.csv is present but manifest.csv has no valid file.orgs property; the file is not read",
			},
		},
		{
			name:     "manifest unknown and duplicate properties",
			files:    with(testFile{"manifest.csv", man + "file.user,absent\nfile.orgs,delta\nsource.systemName,Other\n"}),
			wantRows: 3,
			want: []string{
				`manifest.csv:27:1: MANIFEST_INVALID: unknown property "file.user"; did you mean "file.users"?`,
				"manifest.csv:28:1: MANIFEST_INVALID: duplicate property file.orgs (first on line 15)",
				"manifest.csv:29:1: MANIFEST_INVALID: duplicate property source.systemName (first on line 25)",
			},
		},
		{
			name: "manifest versions, header and cell count",
			files: with(testFile{"manifest.csv", strings.NewReplacer(
				"propertyName,value\n", "property,value\n",
				"manifest.version,1.0\n", "manifest.version,1.0,extra\n",
				"oneroster.version,1.2\n", "oneroster.version,1.3\n",
			).Replace(man)}),
			wantRows: 3,
			want: []string{
				`manifest.csv:1:0: MANIFEST_INVALID: the header must be exactly propertyName,value; got "property,value"`,
				"manifest.csv:2:0: MANIFEST_INVALID: expected 2 cells (propertyName,value); got 3",
				`manifest.csv:3:2: MANIFEST_INVALID: oneroster.version must be 1.2 (or 1.1 for a OneRoster 1.1 package); got "1.3"`,
				"manifest.csv:0:0: MANIFEST_INVALID: missing property manifest.version",
			},
		},
		{
			name:     "manifest without header",
			files:    with(testFile{"manifest.csv", strings.TrimPrefix(man, "propertyName,value\n")}),
			wantRows: 3,
			want:     []string{"manifest.csv:1:0: MANIFEST_INVALID: the header row propertyName,value is missing"},
		},
		{
			name:     "file missing",
			files:    with(testFile{"users.csv", ""}),
			wantRows: 2,
			want:     []string{"users.csv:0:0: FILE_MISSING: manifest.csv (line 24) marks file.users delta but the package has no users.csv"},
		},
		{
			name:     "file present but absent",
			files:    with(testFile{"roles.csv", "x"}),
			wantRows: 3,
			want:     []string{"roles.csv:0:0: FILE_NOT_IN_MANIFEST: roles.csv is present but manifest.csv (line 20) marks file.roles absent; the file is not read"},
		},
		{
			name:     "unknown files",
			files:    with(testFile{"Roles.csv", "x"}, testFile{"courseResourses.csv", "x"}, testFile{"notes.txt", "x"}),
			wantRows: 3,
			want: []string{
				`Roles.csv:0:0: UNKNOWN_FILE: unknown file "Roles.csv"; did you mean "roles.csv"? File names are case-sensitive`,
				`courseResourses.csv:0:0: UNKNOWN_FILE: unknown file "courseResourses.csv"; did you mean "courseResources.csv"?`,
				`notes.txt:0:0: UNKNOWN_FILE: unknown file "notes.txt"; a OneRoster 1.2 package holds only manifest.csv and the 21 data files`,
			},
		},
		{
			name: "nested zip folder",
			files: []testFile{
				{"export/", ""},
				{"export/manifest.csv", man},
				{"export/orgs.csv", validOrgs},
				{"export/users.csv", validUsers},
				{"export/sub/demographics.csv", "x"},
			},
			zipOnly: true,
			want: []string{
				`export/:0:0: PACKAGE_NESTED: manifest.csv, orgs.csv, users.csv and 1 more sit in the folder "export/" inside the zip; the CSV files must be at the root of the archive (zip the files themselves, not the folder that holds them)`,
				"manifest.csv:0:0: MANIFEST_MISSING: manifest.csv is not at the root of the package (found export/manifest.csv)",
			},
		},
		{
			name:     "backslash separators count as folders",
			files:    with(testFile{`old\orgs.csv`, validOrgs}),
			zipOnly:  true,
			wantRows: 3,
			want: []string{
				`old/:0:0: PACKAGE_NESTED: orgs.csv sits in the folder "old/" inside the zip; the CSV files must be at the root of the archive (zip the files themselves, not the folder that holds them)`,
			},
		},
		{
			name:     "unsafe zip entries",
			files:    with(testFile{"../evil.csv", "x"}, testFile{"/etc/orgs.csv", "x"}, testFile{`C:\orgs.csv`, "x"}),
			zipOnly:  true,
			wantRows: 3,
			want: []string{
				`../evil.csv:0:0: PACKAGE_UNSAFE: zip entry "../evil.csv" has a .. path element; it is not read`,
				`/etc/orgs.csv:0:0: PACKAGE_UNSAFE: zip entry "/etc/orgs.csv" has an absolute path; it is not read`,
				`C:\orgs.csv:0:0: PACKAGE_UNSAFE: zip entry "C:\\orgs.csv" has an absolute path; it is not read`,
			},
		},
		{
			name:     "duplicate zip entry",
			files:    append(validPackage(), testFile{"orgs.csv", validOrgs}),
			zipOnly:  true,
			wantRows: 1,
			want:     []string{"orgs.csv:0:0: PACKAGE_UNSAFE: orgs.csv appears more than once in the zip; no copy is read"},
		},
		{
			name:     "row problems are reported per file",
			files:    with(testFile{"orgs.csv", orgsHeader + "\no1,,,D,,,\n"}),
			wantRows: 2,
			want:     []string{`orgs.csv:2:5: REQUIRED: type is required`},
		},
	}
	for _, tt := range tests {
		for _, kind := range []string{"folder", "zip"} {
			if kind == "folder" && tt.zipOnly {
				continue
			}
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				var path string
				if kind == "zip" {
					path = writeZip(t, tt.files)
				} else {
					path = writeDir(t, tt.files)
				}
				got, rows := importAll(t, path, Options{})
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("problems mismatch (-want +got):\n%s", diff)
				}
				if rows != tt.wantRows {
					t.Errorf("read %d rows, want %d", rows, tt.wantRows)
				}
			})
		}
	}
}

func TestPackageFolderLayout(t *testing.T) {
	t.Parallel()
	// The user pointed at the parent of the real package folder.
	dir := writeDir(t, []testFile{{"export/manifest.csv", manifestCSV(nil)}})
	got, _ := importAll(t, dir, Options{})
	want := []string{"manifest.csv:0:0: MANIFEST_MISSING: manifest.csv is not at the root of the package (found export/manifest.csv)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	dir = writeDir(t, validPackage())
	if err := os.Symlink(filepath.Join(dir, "orgs.csv"), filepath.Join(dir, "roles.csv")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	got, _ = importAll(t, dir, Options{})
	want = []string{`roles.csv:0:0: UNKNOWN_FILE: unknown file "roles.csv"; not a regular file (symlinks and devices are not read)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPackageEntryLimit(t *testing.T) {
	t.Parallel()
	path := writeZip(t, validPackage())
	got, rows := importAll(t, path, Options{MaxEntrySize: 200})
	want := []string{
		"manifest.csv:0:0: PACKAGE_UNSAFE: manifest.csv inflates to 639 bytes, more than the per-file limit of 200",
		"users.csv:0:0: PACKAGE_UNSAFE: users.csv inflates to 349 bytes, more than the per-file limit of 200",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if rows != 0 {
		t.Errorf("read %d rows", rows)
	}

	// The declared size is checked up front; this is the backstop for data
	// that inflates past it.
	lim := &entryLimit{r: strings.NewReader(validOrgs), left: 80}
	r := newReader(lim, nil, FileByName("orgs.csv"), Bulk, DefaultMaxRecordSize, 80)
	got = readProblems(t, r)
	want = []string{"orgs.csv:0:0: PACKAGE_UNSAFE: orgs.csv inflates to more than 80 bytes, the per-file limit; the rest of the file is not read"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notZip := filepath.Join(dir, "roster.zip")
	if err := os.WriteFile(notZip, []byte("propertyName,value\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "nope.zip"), "nope.zip:0:0: PACKAGE_UNREADABLE: cannot open the package: stat " + filepath.Join(dir, "nope.zip") + ": no such file or directory"},
		{notZip, "roster.zip:0:0: PACKAGE_UNREADABLE: not a readable zip archive: zip: not a valid zip file"},
	}
	for _, tt := range tests {
		_, err := Open(tt.path)
		var p Problem
		if !errors.As(err, &p) {
			t.Fatalf("Open(%s) = %v, want a Problem", tt.path, err)
		}
		if got := p.String(); got != tt.want {
			t.Errorf("Open(%s):\n got %s\nwant %s", tt.path, got, tt.want)
		}
	}
}

func TestOpenFileMisuse(t *testing.T) {
	t.Parallel()
	pkg, err := Open(writeZip(t, validPackage()))
	if err != nil {
		t.Fatal(err)
	}
	defer pkg.Close()
	if _, err := pkg.OpenFile(FileByName("orgs.csv"), Absent); err == nil {
		t.Error("OpenFile with mode Absent: no error")
	}
	if _, err := pkg.OpenFile(FileByName("roles.csv"), Bulk); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenFile of a missing file = %v, want fs.ErrNotExist", err)
	}
	// Reading a file does not need Manifest first, and the manifest's
	// fields are parsed.
	r, err := pkg.OpenFile(FileByName("orgs.csv"), Bulk)
	if err != nil {
		t.Fatal(err)
	}
	if got := readProblems(t, r); len(got) != 0 {
		t.Errorf("problems: %v", got)
	}
	r.Close()
	man, _ := pkg.Manifest()
	gotMan := []string{man.ManifestVersion, man.Version, man.SystemName, man.SystemCode, man.Mode("orgs.csv").String(), man.Mode("users.csv").String(), man.Mode("roles.csv").String()}
	wantMan := []string{"1.0", "1.2", "Test SIS", "TSIS", "bulk", "delta", "absent"}
	if diff := cmp.Diff(wantMan, gotMan); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
}

func FuzzManifest(f *testing.F) {
	f.Add([]byte(manifestCSV(map[string]string{"file.orgs": "bulk"})))
	f.Add([]byte("file.orgs,bulk\nfile.orgs,Bulk,x\n\"a\nb\",c\n"))
	f.Add([]byte("\xEF\xBB\xBFpropertyName,value\r\noneroster.version,1.1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, probs := parseManifest(strings.NewReader(string(data)), DefaultMaxRecordSize)
		if m == nil {
			t.Fatal("nil manifest")
		}
		for _, spec := range Files {
			if mode := m.Mode(spec.Name); mode < Absent || mode > Delta {
				t.Fatalf("mode %v", mode)
			}
		}
		for _, p := range probs {
			if p.File != ManifestName || p.Line < 0 || p.Column < 0 {
				t.Fatalf("bad problem %v", p)
			}
		}
	})
}

// TestSizeAndBytesRead: a file's size is known before it is read, and a
// Reader that reads it to the end has read exactly that many bytes, BOM
// included, in a folder and in a zip.
func TestSizeAndBytesRead(t *testing.T) {
	t.Parallel()
	users := "\xEF\xBB\xBF" + validUsers
	files := with(testFile{"users.csv", users})
	for _, kind := range []string{"folder", "zip"} {
		path := writeDir(t, files)
		if kind == "zip" {
			path = writeZip(t, files)
		}
		pkg, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		man, _ := pkg.Manifest()
		for _, tc := range []struct {
			spec *FileSpec
			want int64
		}{{FileByName("orgs.csv"), int64(len(validOrgs))}, {FileByName("users.csv"), int64(len(users))}} {
			if got := pkg.Size(tc.spec); got != tc.want {
				t.Errorf("%s: Size(%s) = %d, want %d", kind, tc.spec.Name, got, tc.want)
			}
			r, err := pkg.OpenFile(tc.spec, man.Mode(tc.spec.Name))
			if err != nil {
				t.Fatal(err)
			}
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				}
			}
			if got := r.BytesRead(); got != tc.want {
				t.Errorf("%s: %s BytesRead at the end = %d, want %d", kind, tc.spec.Name, got, tc.want)
			}
			r.Close()
		}
		if got := pkg.Size(FileByName("classes.csv")); got != 0 {
			t.Errorf("%s: Size of a file the package lacks = %d, want 0", kind, got)
		}
		pkg.Close()
	}
}
