package csvpkg

import (
	"fmt"
	"io"
	"slices"
	"strings"
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

// manifestOrder lists the file properties in the order the binding's table
// (and therefore every well-behaved producer) writes them.
var manifestOrder = []string{
	"file.academicSessions", "file.categories", "file.classes", "file.classResources",
	"file.courses", "file.courseResources", "file.demographics", "file.enrollments",
	"file.lineItemLearningObjectiveIds", "file.lineItems", "file.lineItemScoreScales",
	"file.orgs", "file.resources", "file.resultLearningObjectiveIds", "file.results",
	"file.resultScoreScales", "file.roles", "file.scoreScales", "file.userProfiles",
	"file.userResources", "file.users",
}

// Manifest is the parsed manifest.csv.
type Manifest struct {
	ManifestVersion string // manifest.version; must be 1.0
	// Version is oneroster.version. Only "1.2" is accepted for now; the field
	// exists so that support for "1.1" packages can key off it later.
	Version    string
	SystemName string // source.systemName, optional
	SystemCode string // source.systemCode, optional

	modes map[string]Mode // valid file.* properties, by file name
	lines map[string]int  // line of every property seen
}

// Mode returns the mode the manifest declares for a data file, by file name
// ("users.csv"). A file the manifest does not validly declare is Absent.
func (m *Manifest) Mode(file string) Mode { return m.modes[file] }

// property names other than file.*.
const (
	propManifestVersion = "manifest.version"
	propVersion         = "oneroster.version"
	propSystemName      = "source.systemName"
	propSystemCode      = "source.systemCode"
)

var knownProperties = slices.Concat([]string{propManifestVersion, propVersion}, manifestOrder, []string{propSystemName, propSystemCode})

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
			s.add(line, 0, CodeManifestInvalid, "the header must be exactly propertyName,value; got %s", show(strings.Join(rec, ",")))
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
	for _, p := range manifestOrder {
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
		if !s.cellOK(i, "manifest cell", v, &s.probs) {
			return
		}
	}
	if len(rec) != 2 {
		s.add(line, 0, CodeManifestInvalid, "expected 2 cells (propertyName,value); got %d", len(rec))
		return
	}
	name, value := rec[0], rec[1]
	_, vcol := s.cr.FieldPos(1)
	bad := func(format string, args ...any) { s.add(line, vcol, CodeManifestInvalid, format, args...) }
	if first, dup := m.lines[name]; dup {
		s.add(line, 1, CodeManifestInvalid, "duplicate property %s (first on line %d)", name, first)
		return
	}
	switch name {
	case propManifestVersion:
		m.ManifestVersion = value
		if value != "1.0" {
			bad("manifest.version must be 1.0; got %s", show(value))
		}
	case propVersion:
		m.Version = value
		switch value {
		case "1.2":
		case "1.1":
			bad("oneroster.version 1.1 is not supported yet; this importer reads OneRoster 1.2 packages")
		default:
			bad("oneroster.version must be 1.2; got %s", show(value))
		}
	case propSystemName:
		m.SystemName = value
	case propSystemCode:
		m.SystemCode = value
	default:
		spec := fileByManifestKey(name)
		if spec == nil {
			msg := fmt.Sprintf("unknown property %s", show(name))
			if name == "" {
				msg = "blank property name"
			} else if sug := suggest(name, knownProperties); sug != "" {
				msg += fmt.Sprintf("; did you mean %q?", sug)
			}
			s.add(line, 1, CodeManifestInvalid, "%s", msg)
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
			bad("%s", vocabProblem(value, "mode for "+name, []string{"absent", "bulk", "delta"}, false))
		}
	}
	m.lines[name] = line
}
