package csvbind

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// DefaultMaxEntrySize caps the decompressed size of one zip entry. It is far
// above any real roster file and far below what a zip bomb inflates to.
const DefaultMaxEntrySize int64 = 4 << 30

// Options tunes the safety limits of a Package. The zero value means the
// defaults.
type Options struct {
	MaxEntrySize  int64 // decompressed bytes per zip entry; default DefaultMaxEntrySize
	MaxRecordSize int64 // bytes per CSV record; default DefaultMaxRecordSize
}

func (o Options) withDefaults() Options {
	if o.MaxEntrySize <= 0 {
		o.MaxEntrySize = DefaultMaxEntrySize
	}
	if o.MaxRecordSize <= 0 {
		o.MaxRecordSize = DefaultMaxRecordSize
	}
	return o
}

// Package is an opened OneRoster CSV package: a zip archive or a folder.
// Its files are read in place, never extracted.
//
// Manifest caches its result, so call it before sharing a Package between
// goroutines; after that, OpenFile may be called concurrently and each
// Reader used from its own goroutine.
type Package struct {
	name string // base name, for package-wide problems
	opts Options
	zr   *zip.ReadCloser
	root *os.Root

	entries        map[string]*entry // root-level files with a known name
	refused        map[string]bool   // known names withheld for safety; reported already
	layout         []Problem
	nestedManifest string   // a manifest.csv found below the root, for the MANIFEST_MISSING hint
	clutter        []string // entries operating systems add, skipped

	manDone  bool
	man      *Manifest
	manProbs []Problem
}

type entry struct {
	name string
	zf   *zip.File // nil in a folder package
}

// Open opens the package at path, a .zip file or a folder, with the default
// limits. If the package cannot be read at all, the error is a Problem with
// code PACKAGE_UNREADABLE. Everything else about the layout is reported by
// Manifest.
func Open(path string) (*Package, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with explicit limits.
func OpenWith(pkgPath string, opts Options) (*Package, error) {
	p := &Package{
		name:    filepath.Base(pkgPath),
		opts:    opts.withDefaults(),
		entries: map[string]*entry{},
		refused: map[string]bool{},
	}
	fi, err := os.Stat(pkgPath)
	if err != nil {
		return nil, p.unreadable("cannot open the package: %v", err)
	}
	if fi.IsDir() {
		if p.root, err = os.OpenRoot(pkgPath); err != nil {
			return nil, p.unreadable("cannot open the package folder: %v", err)
		}
		if err := p.scanDir(); err != nil {
			p.root.Close()
			return nil, p.unreadable("cannot list the package folder: %v", err)
		}
		return p, nil
	}
	// ErrInsecurePath comes with a usable reader; scanZip reports such
	// names itself, with the entry named.
	p.zr, err = zip.OpenReader(pkgPath)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, p.unreadable("not a readable zip archive: %v", err)
	}
	p.scanZip()
	return p, nil
}

func (p *Package) unreadable(format string, args ...any) Problem {
	return Problem{File: p.name, Code: CodePackageUnreadable, Message: fmt.Sprintf(format, args...)}
}

// Close releases the package. Close every Reader first.
func (p *Package) Close() error {
	var err error
	if p.zr != nil {
		err = p.zr.Close()
		p.zr = nil
	}
	if p.root != nil {
		err = p.root.Close()
		p.root = nil
	}
	return err
}

// isJunk reports entries that archivers and file managers add behind the
// user's back; they are skipped, with one PACKAGE_CLUTTER warning.
func isJunk(name string) bool {
	base := path.Base(name)
	return name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") ||
		base == ".DS_Store" || strings.HasPrefix(base, "._") ||
		base == "Thumbs.db" || base == "desktop.ini"
}

var knownFileNames = func() []string {
	out := []string{ManifestName}
	for _, f := range Files {
		out = append(out, f.Name)
	}
	return out
}()

func isKnownFile(name string) bool { return name == ManifestName || FileByName(name) != nil }

func (p *Package) unknownFile(name, why string) {
	msg := fmt.Sprintf("unknown file %s", oneroster.Quote(name))
	switch sug := suggest(name, knownFileNames); {
	case why != "":
		msg += "; " + why
	case sug != "" && strings.EqualFold(sug, name):
		msg += fmt.Sprintf("; did you mean %q? File names are case-sensitive", sug)
	case sug != "":
		msg += fmt.Sprintf("; did you mean %q?", sug)
	default:
		msg += "; a OneRoster 1.2 package holds only manifest.csv and the 21 data files"
	}
	p.layout = append(p.layout, Problem{File: name, Code: CodeUnknownFile, Message: msg})
}

// scanDir lists a folder package. Only regular files directly in the folder
// count: a subfolder is someone else's business, and a symlink could point
// outside the package.
func (p *Package) scanDir() error {
	des, err := fs.ReadDir(p.root.FS(), ".")
	if err != nil {
		return err
	}
	for _, de := range des {
		name := de.Name()
		switch {
		case isJunk(name):
			p.clutter = append(p.clutter, name)
		case de.IsDir():
			if _, err := p.root.Stat(name + "/" + ManifestName); err == nil && p.nestedManifest == "" {
				p.nestedManifest = name + "/" + ManifestName
			}
		case !de.Type().IsRegular():
			p.unknownFile(name, "not a regular file (symlinks and devices are not read)")
		case !isKnownFile(name):
			p.unknownFile(name, "")
		default:
			p.entries[name] = &entry{name: name}
		}
	}
	return nil
}

// scanZip lists a zip package and refuses what a hostile archive could use
// against us or against the user's other tools.
func (p *Package) scanZip() {
	// Nested entries are summarised per top-level folder: one problem says
	// it all, and a map keeps hostile archives with many folders linear.
	type folder struct {
		dir   string
		first []string // up to three names, for the message
		count int
	}
	nested := map[string]*folder{}
	var nestedOrder []*folder
	for _, f := range p.zr.File {
		raw := f.Name
		// Some Windows archivers write backslashes; treat them as the
		// separators they were meant to be.
		name := strings.ReplaceAll(raw, `\`, "/")
		if why := unsafePath(name); why != "" {
			p.layout = append(p.layout, Problem{File: raw, Code: CodePackageUnsafe,
				Message: fmt.Sprintf("zip entry %s %s; it is not read", oneroster.Quote(raw), why)})
			continue
		}
		if isJunk(name) {
			if !strings.HasSuffix(name, "/") {
				p.clutter = append(p.clutter, raw)
			}
			continue
		}
		if strings.HasSuffix(name, "/") || f.Mode().IsDir() {
			continue
		}
		if dir, _, ok := strings.Cut(name, "/"); ok {
			n := nested[dir]
			if n == nil {
				n = &folder{dir: dir}
				nested[dir] = n
				nestedOrder = append(nestedOrder, n)
			}
			if n.count++; len(n.first) < 3 {
				n.first = append(n.first, path.Base(name))
			}
			if path.Base(name) == ManifestName && p.nestedManifest == "" {
				p.nestedManifest = name
			}
			continue
		}
		if !isKnownFile(name) {
			p.unknownFile(raw, "")
			continue
		}
		refuse := func(code, format string, args ...any) {
			p.layout = append(p.layout, Problem{File: name, Code: code, Message: fmt.Sprintf(format, args...)})
			p.refused[name] = true
			delete(p.entries, name)
		}
		switch {
		case p.refused[name]:
		case p.entries[name] != nil:
			// Tools disagree on which copy of a duplicated name wins, which
			// is how malicious archives show one thing and import another.
			refuse(CodePackageUnsafe, "%s appears more than once in the zip; no copy is read", name)
		case f.Flags&0x1 != 0:
			refuse(CodePackageUnreadable, "%s is encrypted; packages must not be password-protected", name)
		case f.Method != zip.Store && f.Method != zip.Deflate:
			refuse(CodePackageUnreadable, "%s uses compression method %d; only stored and deflated entries are supported", name, f.Method)
		case f.UncompressedSize64 > uint64(p.opts.MaxEntrySize):
			refuse(CodePackageUnsafe, "%s inflates to %d bytes, more than the per-file limit of %d", name, f.UncompressedSize64, p.opts.MaxEntrySize)
		default:
			p.entries[name] = &entry{name: name, zf: f}
		}
	}
	for _, n := range nestedOrder {
		what, verb := strings.Join(n.first, ", "), "sit"
		switch {
		case n.count > len(n.first):
			what += fmt.Sprintf(" and %d more", n.count-len(n.first))
		case n.count == 1:
			verb = "sits"
		}
		p.layout = append(p.layout, Problem{File: n.dir + "/", Code: CodePackageNested, Message: fmt.Sprintf(
			"%s %s in the folder %q inside the zip; the CSV files must be at the root of the archive (zip the files themselves, not the folder that holds them)",
			what, verb, n.dir+"/")})
	}
}

// unsafePath explains why an entry name could escape an extraction
// directory, or returns "". Nothing is extracted here, but an archive built
// to attack someone else's unzip has no place in an import.
func unsafePath(name string) string {
	switch {
	case strings.HasPrefix(name, "/") || len(name) >= 2 && name[1] == ':':
		return "has an absolute path"
	case slices.Contains(strings.Split(name, "/"), ".."):
		return "has a .. path element"
	case strings.IndexByte(name, 0) >= 0:
		return "has a NUL byte in its name"
	}
	return ""
}

// Manifest parses manifest.csv and checks the package layout against it. It
// returns every package-level problem: layout (unsafe, nested, unknown or
// unreadable entries), the manifest's own problems, and files missing or
// present against what the manifest declares. The Manifest is never nil; if
// manifest.csv is missing or broken, files it does not validly declare are
// Absent. Results are computed once.
// Warnings returns what the package's layout and manifest normalised:
// skipped clutter, a manifest.version of 1. Call it after Manifest.
func (p *Package) Warnings() []Problem {
	var out []Problem
	if n := len(p.clutter); n > 0 {
		first := p.clutter[:min(n, 3)]
		what := strings.Join(first, ", ")
		if n > len(first) {
			what += fmt.Sprintf(" and %d more", n-len(first))
		}
		out = append(out, Problem{File: p.name, Code: CodePackageClutter, Message: fmt.Sprintf(
			"%d entries that operating systems add (%s) are skipped", n, what)})
	}
	if p.man != nil {
		out = append(out, p.man.warns...)
	}
	return out
}

func (p *Package) Manifest() (*Manifest, []Problem) {
	if !p.manDone {
		p.manDone = true
		p.man, p.manProbs = p.loadManifest()
	}
	return p.man, slices.Clone(p.manProbs)
}

func (p *Package) loadManifest() (*Manifest, []Problem) {
	probs := slices.Clone(p.layout)
	e := p.entries[ManifestName]
	if e == nil {
		if !p.refused[ManifestName] {
			msg := "manifest.csv is missing; packages without one (OneRoster 1.0) are not supported"
			if p.nestedManifest != "" {
				msg = fmt.Sprintf("manifest.csv is not at the root of the package (found %s)", p.nestedManifest)
			}
			probs = append(probs, Problem{File: ManifestName, Code: CodeManifestMissing, Message: msg})
		}
		return &Manifest{}, probs
	}
	rc, err := p.open(e)
	if err != nil {
		probs = append(probs, Problem{File: ManifestName, Code: CodePackageUnreadable, Message: fmt.Sprintf("cannot open manifest.csv: %v", err)})
		return &Manifest{}, probs
	}
	man, mp := parseManifest(rc, p.opts.MaxRecordSize)
	rc.Close()
	probs = append(probs, mp...)
	v11 := man.Version == Version11
	for _, spec := range Files {
		if p.refused[spec.Name] {
			continue
		}
		present := p.entries[spec.Name] != nil
		mode, declared := man.modes[spec.Name]
		line := man.lines[spec.ManifestKey]
		if v11 && file11ByName(spec.Name) == nil {
			if present {
				probs = append(probs, Problem{File: spec.Name, Code: CodeUnknownFile, Message: fmt.Sprintf(
					"%s is a OneRoster 1.2 file, but manifest.csv (line %d) declares oneroster.version 1.1, whose packages do not have it; the file is not read",
					spec.Name, man.lines[propVersion])})
			}
			continue
		}
		switch {
		case mode != Absent && !present:
			probs = append(probs, Problem{File: spec.Name, Code: CodeFileMissing, Message: fmt.Sprintf(
				"manifest.csv (line %d) marks %s %v but the package has no %s", line, spec.ManifestKey, mode, spec.Name)})
		case present && declared && mode == Absent:
			probs = append(probs, Problem{File: spec.Name, Code: CodeFileNotInManifest, Message: fmt.Sprintf(
				"%s is present but manifest.csv (line %d) marks %s absent; the file is not read", spec.Name, line, spec.ManifestKey)})
		case present && !declared:
			probs = append(probs, Problem{File: spec.Name, Code: CodeFileNotInManifest, Message: fmt.Sprintf(
				"%s is present but manifest.csv has no valid %s property; the file is not read", spec.Name, spec.ManifestKey)})
		}
	}
	return man, probs
}

// open returns the bytes of an entry, capped for zip entries.
func (p *Package) open(e *entry) (io.ReadCloser, error) {
	if e.zf == nil {
		if p.root == nil {
			return nil, errors.New("csvbind: package is closed")
		}
		return p.root.Open(e.name)
	}
	if p.zr == nil {
		return nil, errors.New("csvbind: package is closed")
	}
	rc, err := e.zf.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&entryLimit{r: rc, left: p.opts.MaxEntrySize}, rc}, nil
}

// OpenFile starts reading a data file in the given mode, which must be Bulk
// or Delta (normally Manifest().Mode(spec.Name)). The header is read at
// once; see Reader. It returns an error only for misuse — a mode of Absent,
// a file the package does not hold (an error wrapping fs.ErrNotExist), a
// closed package — never for the file's content.
//
// A OneRoster 1.1 package (oneroster.version 1.1) reads as if it were 1.2:
// each file is checked against its 1.1 layout and vocabularies (Files11),
// with problems pointing into the real file, and its rows are handed out
// in the layout of spec, columns matched by name, so that a 1.2 importer
// needs no change:
//
//   - users.csv: primaryOrgSourcedId is the first of the 1.1 orgSourcedIds
//     (Pos points at that cell); the other 1.2 columns are blank.
//   - roles.csv, which 1.1 does not have, is derived from users.csv in a
//     second streaming pass: one row per user and org of its orgSourcedIds,
//     with sourcedId <user sourcedId>/role/<n> (n the 1-based position of
//     the org in the list), the user row's status and dateLastModified,
//     roleType primary, the 1.1 role (administrator becomes
//     siteAdministrator, the others keep their names), and blank dates
//     and userProfileSourcedId. Row.Line and Pos point into users.csv
//     (role and roleType at its role cell, orgSourcedId at its
//     orgSourcedIds cell), and File says so. A user row with problems
//     yields no roles: the users.csv Reader reports them, once.
//   - lineItems.csv: academicSessionSourcedId is the 1.1
//     gradingPeriodSourcedId; schoolSourcedId is blank, and Reader.Spec
//     marks it optional.
//   - categories.csv (weight) and results.csv (the six 1.2 columns): the
//     new columns are blank.
//
// The other 1.2 files do not exist in a 1.1 package.
//
// OpenFile reads the manifest (see Manifest) if that has not been done, to
// learn the version.
func (p *Package) OpenFile(spec *FileSpec, mode Mode) (*Reader, error) {
	if spec == nil {
		return nil, errors.New("csvbind: OpenFile: nil spec")
	}
	if mode != Bulk && mode != Delta {
		return nil, fmt.Errorf("csvbind: OpenFile %s: mode must be bulk or delta, not %v", spec.Name, mode)
	}
	if !p.manDone {
		p.Manifest()
	}
	if p.man.Version == Version11 {
		return p.openFile11(spec, mode)
	}
	e := p.entries[spec.Name]
	if e == nil {
		return nil, fmt.Errorf("csvbind: OpenFile %s: %w", spec.Name, fs.ErrNotExist)
	}
	rc, err := p.open(e)
	if err != nil {
		return nil, fmt.Errorf("csvbind: OpenFile %s: %w", spec.Name, err)
	}
	return newReader(rc, rc.Close, spec, mode, p.opts.MaxRecordSize, p.opts.MaxEntrySize), nil
}

// Size returns the bytes a Reader of spec reads to the end of the file
// (uncompressed, for a zip entry), so that an importer can tell how far
// it is before it reads anything; 0 when the package has no such file.
// For the roles.csv of a OneRoster 1.1 package it is the size of the
// users.csv it is derived from.
func (p *Package) Size(spec *FileSpec) int64 {
	if !p.manDone {
		p.Manifest()
	}
	name := spec.Name
	if p.man.Version == Version11 {
		if src := file11ByName(name); src != nil {
			name = src.Name
		} else if name == rolesFile.Name {
			name = users11.Name
		}
	}
	e := p.entries[name]
	switch {
	case e == nil:
		return 0
	case e.zf != nil:
		return int64(e.zf.UncompressedSize64)
	case p.root != nil:
		if fi, err := p.root.Stat(name); err == nil {
			return fi.Size()
		}
	}
	return 0
}

// openFile11 is OpenFile for a OneRoster 1.1 package.
func (p *Package) openFile11(spec *FileSpec, mode Mode) (*Reader, error) {
	src := file11ByName(spec.Name)
	derived := src == nil && spec.Name == rolesFile.Name
	if derived {
		src = users11
	}
	if src == nil {
		return nil, fmt.Errorf("csvbind: OpenFile %s: a OneRoster 1.1 package has no such file: %w", spec.Name, fs.ErrNotExist)
	}
	e := p.entries[src.Name]
	if e == nil {
		return nil, fmt.Errorf("csvbind: OpenFile %s: %w", src.Name, fs.ErrNotExist)
	}
	rc, err := p.open(e)
	if err != nil {
		return nil, fmt.Errorf("csvbind: OpenFile %s: %w", src.Name, err)
	}
	return newReader11(rc, rc.Close, src, spec, mode, p.opts.MaxRecordSize, p.opts.MaxEntrySize), nil
}

// newReader11 reads the 1.1 file src and hands out rows in the layout of
// out; src is users11 and out a roles.csv spec for the derived roles.
func newReader11(rd io.Reader, closeFn func() error, src, out *FileSpec, mode Mode, maxRecord, maxEntry int64) *Reader {
	r := newReader(rd, closeFn, src, mode, maxRecord, maxEntry)
	if src == users11 && out.Name == rolesFile.Name {
		r = &Reader{spec: src, mode: mode, close: r.Close, roles: newDerivedRoles(r), pairs: [4]int{-1, -1, -1, -1}}
	}
	r.setLayout(out, renames11[out.Name])
	return r
}
