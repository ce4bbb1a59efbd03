package schema

import (
	"testing"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// TestEntitiesReadTheTables checks the JSON binding's entities against the
// tables: every property stored in a column names a column of its
// entity's table, of a format that property kind can hold, so the two
// descriptions cannot drift apart.
func TestEntitiesReadTheTables(t *testing.T) {
	fits := map[oneroster.Kind][]Format{
		oneroster.String:           {String, ID, Year, GUID},
		oneroster.Enum:             {Enum},
		oneroster.Date:             {Date},
		oneroster.DateTime:         {DateTime},
		oneroster.DateAsTime:       {Date},
		oneroster.Number:           {Float, Integer},
		oneroster.Bool:             {Boolean},
		oneroster.ProfileID:        {GUID, GUIDRef},
		oneroster.Ref:              {GUIDRef},
		oneroster.RefList:          {GUIDRefList},
		oneroster.StringList:       {StringList, EnumList},
		oneroster.UserIDs:          {UserIDList},
		oneroster.ScoreScaleValues: {ScoreScaleValueList},
		oneroster.ObjectivesJSON:   {JSON},
	}
	entities := append([]*oneroster.Entity{oneroster.Role, oneroster.UserProfile}, oneroster.Entities...)
	for _, e := range entities {
		tb := ByName(e.Table)
		if tb == nil {
			t.Errorf("entity %s: no table %s", e.Name, e.Table)
			continue
		}
		if tb.NoCSV != e.NoCSV {
			t.Errorf("entity %s: NoCSV %v, table %s NoCSV %v", e.Name, e.NoCSV, tb.Name, tb.NoCSV)
		}
		for _, f := range e.Fields {
			if f.Col == "" || f.Col == "metadata" {
				continue
			}
			c := tb.Columns.Column(f.Col)
			if c == nil {
				t.Errorf("%s.%s: table %s has no column %s", e.Name, f.Name, tb.Name, f.Col)
				continue
			}
			ok := false
			for _, want := range fits[f.Kind] {
				ok = ok || c.Format == want
			}
			if !ok {
				t.Errorf("%s.%s (kind %d) is stored in %s.%s of format %s", e.Name, f.Name, f.Kind, tb.Name, c.Name, c.Format)
			}
			if f.Kind == oneroster.Ref && c.Ref != "" && ByName(c.Ref) == nil {
				t.Errorf("%s.%s refers to unknown table %s", tb.Name, c.Name, c.Ref)
			}
		}
	}
}

// TestTablesComeAfterTheirTargets checks the order importers rely on.
func TestTablesComeAfterTheirTargets(t *testing.T) {
	seen := map[string]bool{}
	for _, tb := range Tables {
		for _, c := range tb.Columns {
			if c.Ref != "" && c.Ref != tb.Name && !seen[c.Ref] {
				t.Errorf("%s.%s refers to %s, which comes later", tb.Name, c.Name, c.Ref)
			}
			if (c.Format == GUIDRef || c.Format == GUIDRefList) != (c.Ref != "") {
				t.Errorf("%s.%s: format %s with Ref %q", tb.Name, c.Name, c.Format, c.Ref)
			}
		}
		seen[tb.Name] = true
	}
}
