package csvbind

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// Mode is how a package supplies one data file.
type Mode int

// The manifest's file modes.
const (
	Absent Mode = iota // not supplied
	Bulk               // complete set of that record type
	Delta              // changes only; every row carries status and dateLastModified
)

func (m Mode) String() string {
	switch m {
	case Absent:
		return "absent"
	case Bulk:
		return "bulk"
	case Delta:
		return "delta"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ManifestName is the manifest's file name; it must sit at the package root.
const ManifestName = "manifest.csv"

// ManifestOrder lists the file properties of a 1.2 manifest in the order
// the binding's table (and therefore every well-behaved producer, our
// export included) writes them.
var ManifestOrder = []string{
	"file.academicSessions", "file.categories", "file.classes", "file.classResources",
	"file.courses", "file.courseResources", "file.demographics", "file.enrollments",
	"file.lineItemLearningObjectiveIds", "file.lineItems", "file.lineItemScoreScales",
	"file.orgs", "file.resources", "file.resultLearningObjectiveIds", "file.results",
	"file.resultScoreScales", "file.roles", "file.scoreScales", "file.userProfiles",
	"file.userResources", "file.users",
}

// The oneroster.version values a manifest may declare.
const (
	Version12 = "1.2" // OneRoster 1.2 (read with the CSV binding 1.2.1 layouts)
	Version11 = "1.1" // OneRoster 1.1; see Files11
)

// manifestOrder11 lists the file properties of a OneRoster 1.1 manifest:
// those of 1.2 without the 8 files 1.2 added.
var manifestOrder11 = []string{
	"file.academicSessions", "file.categories", "file.classes", "file.classResources",
	"file.courses", "file.courseResources", "file.demographics", "file.enrollments",
	"file.lineItems", "file.orgs", "file.resources", "file.results", "file.users",
}

// Manifest is the parsed manifest.csv.
type Manifest struct {
	ManifestVersion string // manifest.version; must be 1.0
	// Version is oneroster.version as written: Version12 or Version11 when
	// valid. A 1.1 package is read through 1.2 eyes — see Package.OpenFile
	// and Mode — so callers need not look at it except to report it.
	Version    string
	SystemName string // source.systemName, optional
	SystemCode string // source.systemCode, optional

	modes map[string]Mode // valid file.* properties, by file name
	lines map[string]int  // line of every property seen
	warns []Problem
}

// Mode returns the mode the manifest declares for a data file, by file name
// ("users.csv"). A file the manifest does not validly declare is Absent.
//
// In a OneRoster 1.1 package the names are still those of 1.2: roles.csv,
// which 1.1 does not have, has the mode of users.csv, because OpenFile
// derives the roles from the role and orgSourcedIds columns of the 1.1
// users.csv; the other files 1.2 added are Absent.
func (m *Manifest) Mode(file string) Mode {
	if m.Version == Version11 && file == "roles.csv" {
		return m.modes["users.csv"]
	}
	return m.modes[file]
}

// property names other than file.*.
const (
	propManifestVersion = "manifest.version"
	propVersion         = "oneroster.version"
	propSystemName      = "source.systemName"
	propSystemCode      = "source.systemCode"
)

var knownProperties = slices.Concat([]string{propManifestVersion, propVersion}, ManifestOrder, []string{propSystemName, propSystemCode})

// parseManifest reads manifest.csv. It always returns a usable Manifest, so
// the caller can report every problem at once instead of stopping early.
func parseManifest(rd io.Reader, maxRecord int64) (*Manifest, []Problem) {
	s := newStream(ManifestName, rd, maxRecord)
	m := &Manifest{modes: map[string]Mode{}, lines: map[string]int{}}
	rec := s.read()
	if rec == nil && !s.failed {
		s.add(0, 0, CodeManifestInvalid, "manifest.csv is empty; it must start with the header propertyName,value")
	}
	if rec != nil {
		line, _ := s.cr.FieldPos(0)
		switch {
		case len(rec) == 2 && rec[0] == "propertyName" && rec[1] == "value":
		case slices.Contains(knownProperties, rec[0]):
			// A property where the header belongs: the header is missing,
			// and the row still counts so that one mistake is one problem.
			s.add(line, 0, CodeManifestInvalid, "the header row propertyName,value is missing")
			m.row(s, rec)
		default:
			s.add(line, 0, CodeManifestInvalid, "the header must be exactly propertyName,value; got %s", oneroster.Quote(strings.Join(rec, ",")))
		}
	}
	for rec := s.read(); rec != nil; rec = s.read() {
		m.row(s, rec)
	}
	for _, p := range []string{propManifestVersion, propVersion} {
		if _, ok := m.lines[p]; !ok {
			s.add(0, 0, CodeManifestInvalid, "missing property %s", p)
		}
	}
	required := ManifestOrder
	if m.Version == Version11 {
		// Rows come in any order, so the 1.2 properties are only known to
		// be out of place once the version is known.
		required = manifestOrder11
		for _, p := range ManifestOrder {
			line, ok := m.lines[p]
			if !ok || slices.Contains(manifestOrder11, p) {
				continue
			}
			s.probs = append(s.probs, Problem{File: ManifestName, Line: line, Column: 1, Header: "propertyName", Offset: 1, Code: CodeManifestInvalid,
				Message: fmt.Sprintf("%s is a OneRoster 1.2 property; a manifest with oneroster.version 1.1 does not have it", p)})
			delete(m.modes, fileByManifestKey(p).Name)
		}
	}
	for _, p := range required {
		if _, ok := m.lines[p]; !ok {
			s.add(0, 0, CodeManifestInvalid, "missing property %s; every file.* property is required, use absent for files not supplied", p)
		}
	}
	return m, s.probs
}

// row applies one propertyName,value record.
func (m *Manifest) row(s *stream, rec []string) {
	line, _ := s.cr.FieldPos(0)
	for i, v := range rec {
		if !s.cellOK(i, "manifest cell", "", v, &s.probs) {
			return
		}
	}
	if len(rec) != 2 {
		s.add(line, 0, CodeManifestInvalid, "expected 2 cells (propertyName,value); got %d", len(rec))
		return
	}
	name, value := rec[0], rec[1]
	bad := func(format string, args ...any) { s.addCell(1, "value", CodeManifestInvalid, format, args...) }
	if first, dup := m.lines[name]; dup {
		s.addCell(0, "propertyName", CodeManifestInvalid, "duplicate property %s (first on line %d)", name, first)
		return
	}
	switch name {
	case propManifestVersion:
		m.ManifestVersion = value
		switch value {
		case "1.0":
		case "1":
			// ClassLink and others write the number without its decimal.
			m.ManifestVersion = "1.0"
			_, field, off := s.cell(1)
			m.warns = append(m.warns, Problem{File: ManifestName, Line: line, Column: field, Header: "value", Offset: off, Code: CodeManifestVersion, Message: `manifest.version "1" read as 1.0`})
		default:
			bad("manifest.version must be 1.0; got %s", oneroster.Quote(value))
		}
	case propVersion:
		m.Version = value
		if value != Version12 && value != Version11 {
			bad("oneroster.version must be 1.2 (or 1.1 for a OneRoster 1.1 package); got %s", oneroster.Quote(value))
		}
	case propSystemName:
		m.SystemName = value
	case propSystemCode:
		m.SystemCode = value
	default:
		spec := fileByManifestKey(name)
		if spec == nil {
			msg := fmt.Sprintf("unknown property %s", oneroster.Quote(name))
			if name == "" {
				msg = "blank property name"
			} else if sug := suggest(name, knownProperties); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			s.addCell(0, "propertyName", CodeManifestInvalid, "%s", msg)
			return
		}
		switch value {
		case "absent":
			m.modes[spec.Name] = Absent
		case "bulk":
			m.modes[spec.Name] = Bulk
		case "delta":
			m.modes[spec.Name] = Delta
		default:
			bad("%s", vocabProblem(value, "mode for "+name, oneroster.Vocabulary{Values: []string{"absent", "bulk", "delta"}}))
		}
	}
	m.lines[name] = line
}
