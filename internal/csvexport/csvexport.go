// Package csvexport writes the store out as a OneRoster 1.2.1 CSV package:
// a bulk package of every active record, or, given a time, a delta package
// of what changed after it (tobedeleted rows included). Rows are streamed
// in sourcedId order and zip entries carry a fixed time, so exporting,
// importing into an empty store and exporting again gives the same bytes.
package csvexport

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/csvbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// Options tune an export.
type Options struct {
	// Since, when not zero, makes a delta package of the rows changed
	// after it; otherwise the package is bulk.
	Since time.Time
	// Progress, when set, is called as files are written.
	Progress func(file string, rows int)
	// Visible, when set, exports only what one client may see (a
	// store.Visible subset: the export a district sends a vendor instead
	// of API access). Blank names the columns written empty, as
	// "table.column" ("users.phone", "users.metadata" for the metadata
	// columns), and Skip the tables left out whole (demographics).
	Visible []store.Subset
	Blank   map[string]bool
	Skip    map[string]bool
}

// Summary counts the rows written per file.
type Summary struct {
	Files map[string]int
	Mode  string // "bulk" or "delta"
}

// zipTime is the modification time of every zip entry, so that equal
// content gives equal bytes.
var zipTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Export writes the package to out: a zip archive when out ends in .zip,
// else a folder (created if needed; OneRoster files in it that the new
// manifest marks absent are removed, so the folder matches its manifest).
func Export(ctx context.Context, st store.Exporter, out string, o Options) (Summary, error) {
	sum := Summary{Files: map[string]int{}, Mode: "bulk"}
	since := o.Since
	if !since.IsZero() {
		sum.Mode = "delta"
	}
	var sink sink
	if strings.HasSuffix(strings.ToLower(out), ".zip") {
		f, err := os.Create(out)
		if err != nil {
			return sum, err
		}
		z := &zipSink{f: f, zw: zip.NewWriter(f)}
		defer z.abort()
		sink = z
	} else {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return sum, err
		}
		sink = &dirSink{dir: out}
	}
	for _, spec := range csvbind.Files {
		table := spec.Table
		if o.Skip[table] {
			continue
		}
		n, keys, err := survey(ctx, st, table, since, o)
		if err != nil {
			return sum, err
		}
		if n == 0 {
			continue // a header-only file is not allowed: leave it out, absent
		}
		w, err := sink.create(spec.Name)
		if err != nil {
			return sum, err
		}
		rows, err := writeFile(ctx, st, w, spec, table, since, keys, o)
		if err != nil {
			return sum, err
		}
		if err := w.Close(); err != nil {
			return sum, err
		}
		sum.Files[spec.Name] = rows
	}
	w, err := sink.create(csvbind.ManifestName)
	if err != nil {
		return sum, err
	}
	if err := writeManifest(w, sum); err != nil {
		return sum, err
	}
	if err := w.Close(); err != nil {
		return sum, err
	}
	return sum, sink.finish(sum)
}

// survey counts a table's exported rows and collects its metadata keys,
// which become metadata.* columns.
func survey(ctx context.Context, st store.Exporter, table string, since time.Time, o Options) (int, []string, error) {
	n := 0
	keys := map[string]bool{}
	err := st.ExportRows(ctx, table, since, func(vals []string) error {
		n++
		if m := vals[len(vals)-1]; m != "" && !o.Blank[table+".metadata"] {
			var obj map[string]any
			if json.Unmarshal([]byte(m), &obj) == nil {
				for k := range obj {
					keys[k] = true
				}
			}
		}
		return nil
	}, o.Visible...)
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return n, out, err
}

func writeFile(ctx context.Context, st store.Exporter, w io.Writer, spec *csvbind.FileSpec, table string, since time.Time, keys []string,
	o Options) (int, error) {
	progress := o.Progress
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, 0, len(spec.Columns)+len(keys))
	for _, c := range spec.Columns {
		header = append(header, c.Name)
	}
	for _, k := range keys {
		header = append(header, "metadata."+k)
	}
	if err := cw.Write(header); err != nil {
		return 0, err
	}
	rec := make([]string, len(header))
	n := 0
	err := st.ExportRows(ctx, table, since, func(vals []string) error {
		for i, c := range spec.Columns {
			v := vals[i]
			switch {
			case since.IsZero() && (c.Name == "status" || c.Name == "dateLastModified"):
				v = "" // bulk rows leave both blank
			case c.Format == schema.Date && len(v) > 10:
				v = v[:10] // a date-time written through REST, in a Date column
			case o.Blank[table+"."+c.Name]:
				v = ""
			}
			rec[i] = v
		}
		if len(keys) > 0 {
			var obj map[string]any
			json.Unmarshal([]byte(vals[len(vals)-1]), &obj)
			for j, k := range keys {
				rec[len(spec.Columns)+j] = metaText(obj[k])
			}
		}
		n++
		if progress != nil && n%10000 == 0 {
			progress(spec.Name, n)
		}
		return cw.Write(rec)
	}, o.Visible...)
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// metaText renders a metadata value as a CSV cell: strings as they are,
// anything else as JSON.
func metaText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func writeManifest(w io.Writer, sum Summary) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"propertyName", "value"}, {"manifest.version", "1.0"}, {"oneroster.version", "1.2"}}
	modes := map[string]string{}
	for _, f := range csvbind.Files {
		if _, ok := sum.Files[f.Name]; ok {
			modes[f.ManifestKey] = sum.Mode
		}
	}
	for _, k := range csvbind.ManifestOrder {
		mode := modes[k]
		if mode == "" {
			mode = "absent"
		}
		rows = append(rows, []string{k, mode})
	}
	rows = append(rows, []string{"source.systemName", "oneroster"})
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// sink is where the files of a package go.
type sink interface {
	create(name string) (io.WriteCloser, error)
	finish(sum Summary) error
}

type dirSink struct{ dir string }

type bufFile struct {
	*bufio.Writer
	f *os.File
}

func (b *bufFile) Close() error {
	if err := b.Flush(); err != nil {
		b.f.Close()
		return err
	}
	return b.f.Close()
}

func (d *dirSink) create(name string) (io.WriteCloser, error) {
	f, err := os.Create(filepath.Join(d.dir, name))
	if err != nil {
		return nil, err
	}
	return &bufFile{bufio.NewWriterSize(f, 1<<16), f}, nil
}

func (d *dirSink) finish(sum Summary) error {
	for _, f := range csvbind.Files {
		if _, ok := sum.Files[f.Name]; ok {
			continue
		}
		if err := os.Remove(filepath.Join(d.dir, f.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", f.Name, err)
		}
	}
	return nil
}

type zipSink struct {
	f    *os.File
	zw   *zip.Writer
	done bool
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (z *zipSink) create(name string) (io.WriteCloser, error) {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
	if err != nil {
		return nil, err
	}
	return nopCloser{w}, nil
}

func (z *zipSink) finish(Summary) error {
	if err := z.zw.Close(); err != nil {
		return err
	}
	z.done = true
	return z.f.Close()
}

// abort removes a half-written archive.
func (z *zipSink) abort() {
	if z.done {
		return
	}
	z.f.Close()
	os.Remove(z.f.Name())
}

// Hidden turns a client's hidden properties ("entity.property", as
// jsonbind.View.Hide holds them) into what its export leaves out: the
// columns written blank ("table.column"; a hidden metadata drops the
// metadata.* columns) and the files left out whole (an entity hidden as
// a whole, or a property kept in a file of its own, such as a user's
// userProfiles or a line item's learningObjectiveSet).
func Hidden(hide map[string]bool) (blank, skip map[string]bool) {
	blank, skip = map[string]bool{}, map[string]bool{}
	for _, e := range oneroster.Entities {
		if hide[e.Name] {
			skip[e.Table] = true
			continue
		}
		for _, f := range e.Fields {
			if !hide[e.Name+"."+f.Name] {
				continue
			}
			switch {
			case f.Link != nil:
				skip[f.Link.Table] = true
			case f.Name == "userProfiles":
				skip[oneroster.UserProfile.Table] = true
			case f.Col != "":
				blank[e.Table+"."+f.Col] = true
			}
		}
	}
	return blank, skip
}
