package sqlstore

import "testing"

// TestAnalyzedColumns: the import refreshes the statistics of the
// columns the lists restrict on; without roles.role's, PostgreSQL planned
// /students as a nested loop over every student (importtx.go, Finish).
func TestAnalyzedColumns(t *testing.T) {
	for table, want := range map[string]string{
		"roles":       `"status", "date_last_modified", "user_sourced_id", "role_type", "role", "org_sourced_id", "user_profile_sourced_id"`,
		"enrollments": `"status", "date_last_modified", "class_sourced_id", "school_sourced_id", "user_sourced_id", "role"`,
	} {
		if got := analyzedColumns(table); got != want {
			t.Errorf("%s: %s, want %s", table, got, want)
		}
	}
}
