package csvbind

import "github.com/oneroster/oneroster/internal/oneroster/schema"

// FileSpec is the layout of one data file: its table's columns
// (internal/oneroster/schema, the one description of them) under the
// binding's file name and manifest property. The 1.1 layouts (Files11)
// are FileSpecs too, with columns of their own.
type FileSpec struct {
	Name        string // file name inside the package, e.g. "users.csv"
	ManifestKey string // property in manifest.csv, e.g. "file.users"
	Service     string // OneRoster service: Rostering, Gradebook or Resources
	Table       string // the table its rows go to, e.g. "users"
	Columns     schema.Columns
}

// Files lists the 21 data files in the catalogue's order, where every file
// comes after the files it references (self-references aside), so an
// importer that follows it can resolve references as it goes. The layout
// is CSV binding 1.2.1: users.csv has no resourceSourcedIds column.
var Files = func() []*FileSpec {
	var out []*FileSpec
	for _, t := range schema.Tables {
		if !t.NoCSV {
			out = append(out, &FileSpec{Name: t.Name + ".csv", ManifestKey: "file." + t.Name, Service: t.Service, Table: t.Name, Columns: t.Columns})
		}
	}
	return out
}()

// FileByName returns the spec of the named data file ("users.csv"), or nil.
// Names are case-sensitive, as in the binding.
func FileByName(name string) *FileSpec {
	for _, f := range Files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// fileByManifestKey returns the spec whose manifest property is key, or nil.
func fileByManifestKey(key string) *FileSpec {
	for _, f := range Files {
		if f.ManifestKey == key {
			return f
		}
	}
	return nil
}

// rolesFile is the layout the 1.1 reader derives roles rows in.
var rolesFile = FileByName("roles.csv")

// legacyHints explains header names that older layouts used, so a user who
// sends a 1.1 or 2022-era 1.2 file learns what changed instead of only
// seeing "unknown column".
var legacyHints = map[string]map[string]string{
	"users.csv": {
		"resourceSourcedIds": "the 1.2.1 binding removed it from users.csv; send user resources in userResources.csv",
		"orgSourcedIds":      "OneRoster 1.2 moved it to roles.csv",
		"role":               "OneRoster 1.2 moved it to roles.csv",
	},
	"lineItems.csv": {
		"gradingPeriodSourcedId": "OneRoster 1.2 renamed it academicSessionSourcedId",
	},
}
