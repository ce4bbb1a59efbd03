package csvbind_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/oneroster/oneroster/internal/csvbind"
)

// The importer's loop: package problems first, then each file the manifest
// declares, in dependency order.
func Example() {
	dir, _ := os.MkdirTemp("", "pkg")
	defer os.RemoveAll(dir)
	manifest := "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
	for _, spec := range csvbind.Files {
		mode := "absent"
		if spec.Name == "orgs.csv" {
			mode = "bulk"
		}
		manifest += spec.ManifestKey + "," + mode + "\n"
	}
	os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte(manifest), 0o644)
	os.WriteFile(filepath.Join(dir, "orgs.csv"), []byte(
		"sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,metadata.region\n"+
			"d1,,,North District,district,,,N\n"+
			"s1,,,Lincoln High,School,,d1,N\n"+
			"s2,,,Adams Middle,academy,,d1,N\n"), 0o644)

	pkg, err := csvbind.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pkg.Close()
	man, probs := pkg.Manifest()
	for _, p := range probs {
		fmt.Println(p)
	}
	for _, spec := range csvbind.Files {
		mode := man.Mode(spec.Name)
		if mode == csvbind.Absent {
			continue
		}
		r, err := pkg.OpenFile(spec, mode)
		if err != nil {
			fmt.Println(err)
			continue
		}
		name := spec.Columns.Index("name")
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if len(row.Problems) > 0 {
				for _, p := range row.Problems {
					fmt.Println(p)
				}
				continue
			}
			for _, w := range row.Warnings {
				fmt.Println("warning:", w)
			}
			fmt.Printf("%s line %d: %s (region %s)\n", strings.TrimSuffix(spec.Name, ".csv"), row.Line, row.Values[name], row.Metadata["region"])
		}
		for _, p := range r.Problems() {
			fmt.Println(p)
		}
		r.Close()
	}
	// Output:
	// orgs line 2: North District (region N)
	// warning: orgs.csv:3:5: CASE_FOLDED: type "School" read as "school" (the binding's values are case-sensitive)
	// orgs line 3: Lincoln High (region N)
	// orgs.csv:4:5: ENUM: "academy" is not a valid type; expected department, school, district, local, state, national or ext:<name>
}
