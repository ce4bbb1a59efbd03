package storetest

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/generate"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// testVisible: store.Visible restricts every entity to what a client whose
// sharing rule lists some orgs may see, exactly as store.Visible's comment
// says. The expected ids are worked out here, from the CSV rows of a
// generated district, without SQL; the store must list exactly them, and
// Get and Status must refuse the others as unknown.
func testVisible(t *testing.T, open Opener, imp Importer) {
	dir := filepath.Join(t.TempDir(), "pkg")
	if _, err := generate.Write(dir, generate.Options{Students: 300, Schools: 3, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	st := open(t)
	MustImport(t, imp, st, dir, t1)
	d := readDistrict(t, dir)
	var schools []string
	for _, o := range d.rows["orgs"] {
		if o["type"] == "school" {
			schools = append(schools, o["sourcedId"])
		}
	}
	if len(schools) < 3 {
		t.Fatalf("the generated district has %d schools; the test needs 3", len(schools))
	}
	district := d.rows["orgs"][0]["sourcedId"]
	ctx := context.Background()
	for _, orgs := range [][]string{{schools[1]}, {schools[0], schools[2]}, {district}, {"no-such-org"}} {
		want := d.visible(orgs)
		sub := store.Subset{Name: store.Visible, Arg: strings.Join(orgs, " ")}
		for _, e := range oneroster.Entities {
			page, err := st.List(ctx, store.ListRequest{Entity: e, Within: []store.Subset{sub}, Params: query.Params{Limit: 100000}, IDsOnly: true})
			if err != nil {
				t.Fatalf("%v: List %s: %v", orgs, e.Name, err)
			}
			var got []string
			for _, r := range page.Records {
				got = append(got, r.Vals[0])
			}
			slices.Sort(got)
			exp := slices.Sorted(func(yield func(string) bool) {
				for id := range want[e.Table] {
					if !yield(id) {
						return
					}
				}
			})
			if !slices.Equal(got, exp) || page.Total != len(exp) {
				t.Errorf("%v: %s: the store shows %d (total %d), the rule %d\n store only: %v\n rule only: %v",
					orgs, e.Name, len(got), page.Total, len(exp), minus(got, exp), minus(exp, got))
				continue
			}
			// One object outside the view: unknown to Get and Status.
			for _, r := range d.rows[e.Table] {
				id := r["sourcedId"]
				if want[e.Table][id] {
					continue
				}
				if _, err := st.Get(ctx, e, id, sub); !errors.Is(err, oneroster.ErrNotFound) {
					t.Errorf("%v: Get %s %s outside the view: %v", orgs, e.Name, id, err)
				}
				if _, err := st.Status(ctx, e, id, sub); !errors.Is(err, oneroster.ErrNotFound) {
					t.Errorf("%v: Status %s %s outside the view: %v", orgs, e.Name, id, err)
				}
				break
			}
		}
		t.Logf("%v: %d orgs, %d users, %d classes, %d enrollments, %d sessions, %d results, %d scales, %d resources visible",
			orgs, len(want["orgs"]), len(want["users"]), len(want["classes"]), len(want["enrollments"]), len(want["academicSessions"]),
			len(want["results"]), len(want["scoreScales"]), len(want["resources"]))
		if len(want["users"]) == 0 && orgs[0] != "no-such-org" {
			t.Errorf("%v: no user visible: the fixture tests nothing", orgs)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], "…")
	}
	return out
}

// VisibleIDs works out, from the CSV rows of the package in dir alone
// (no store, no SQL), the sourcedIds a client whose rule lists orgs may
// see, by table (CSV base name): the oracle that tests of the REST
// binding compare its answers with.
func VisibleIDs(t *testing.T, dir string, orgs []string) map[string]map[string]bool {
	return readDistrict(t, dir).visible(orgs)
}

// district holds a package's rows by table (CSV base name), each row a
// map from column to value.
type district struct {
	rows map[string][]map[string]string
}

func readDistrict(t *testing.T, dir string) district {
	t.Helper()
	d := district{rows: map[string][]map[string]string{}}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		name, ok := strings.CutSuffix(en.Name(), ".csv")
		if !ok || name == "manifest" {
			continue
		}
		f, err := os.Open(filepath.Join(dir, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			m := map[string]string{}
			for i, c := range recs[0] {
				m[c] = r[i]
			}
			d.rows[name] = append(d.rows[name], m)
		}
	}
	return d
}

// visible works out, table by table, the sourcedIds a client listing
// orgs may see (store.Visible's rule), from the rows alone.
func (d district) visible(orgs []string) map[string]map[string]bool {
	set := func() map[string]bool { return map[string]bool{} }
	active := func(r map[string]string) bool { return r["status"] == "" || r["status"] == "active" }
	parent := map[string]string{}
	for _, o := range d.rows["orgs"] {
		parent[o["sourcedId"]] = o["parentSourcedId"]
	}
	below, above := set(), set()
	for _, o := range d.rows["orgs"] {
		for id := o["sourcedId"]; id != ""; id = parent[id] {
			if slices.Contains(orgs, id) {
				below[o["sourcedId"]] = true
				break
			}
		}
	}
	for _, id := range orgs {
		if _, known := parent[id]; !known {
			continue
		}
		for p := parent[id]; p != ""; p = parent[p] {
			above[p] = true
		}
	}
	v := map[string]map[string]bool{}
	for _, e := range oneroster.Entities {
		v[e.Table] = set()
	}
	for id := range below {
		v["orgs"][id] = true
	}
	for id := range above {
		v["orgs"][id] = true
	}
	for _, r := range d.rows["roles"] {
		if active(r) && below[r["orgSourcedId"]] {
			v["users"][r["userSourcedId"]] = true
		}
	}
	for _, r := range d.rows["demographics"] {
		if v["users"][r["sourcedId"]] {
			v["demographics"][r["sourcedId"]] = true
		}
	}
	for _, r := range d.rows["classes"] {
		if below[r["schoolSourcedId"]] {
			v["classes"][r["sourcedId"]] = true
		}
	}
	for _, r := range d.rows["enrollments"] {
		if below[r["schoolSourcedId"]] && v["users"][r["userSourcedId"]] {
			v["enrollments"][r["sourcedId"]] = true
		}
	}
	classCourse := set()
	for _, r := range d.rows["classes"] {
		if v["classes"][r["sourcedId"]] {
			classCourse[r["courseSourcedId"]] = true
		}
	}
	for _, r := range d.rows["courses"] {
		if below[r["orgSourcedId"]] || classCourse[r["sourcedId"]] {
			v["courses"][r["sourcedId"]] = true
		}
	}
	for _, r := range d.rows["lineItems"] {
		if v["classes"][r["classSourcedId"]] {
			v["lineItems"][r["sourcedId"]] = true
			v["categories"][r["categorySourcedId"]] = true
		}
	}
	delete(v["categories"], "")
	sessions := set()
	for _, r := range d.rows["classes"] {
		if v["classes"][r["sourcedId"]] {
			for _, term := range strings.Split(r["termSourcedIds"], ",") {
				sessions[term] = true
			}
		}
	}
	for _, r := range d.rows["courses"] {
		if v["courses"][r["sourcedId"]] {
			sessions[r["schoolYearSourcedId"]] = true
		}
	}
	for _, r := range d.rows["lineItems"] {
		if v["lineItems"][r["sourcedId"]] {
			sessions[r["academicSessionSourcedId"]] = true
		}
	}
	sessionParent := map[string]string{}
	for _, r := range d.rows["academicSessions"] {
		sessionParent[r["sourcedId"]] = r["parentSourcedId"]
	}
	for id := range sessions {
		for s := id; s != ""; s = sessionParent[s] {
			v["academicSessions"][s] = true
		}
	}
	for _, r := range d.rows["results"] {
		if v["lineItems"][r["lineItemSourcedId"]] && v["users"][r["studentSourcedId"]] {
			v["results"][r["sourcedId"]] = true
		}
	}
	usedScales := set()
	for _, r := range d.rows["lineItemScoreScales"] {
		if v["lineItems"][r["lineItemSourcedId"]] {
			usedScales[r["scoreScaleSourcedId"]] = true
		}
	}
	resultLine := map[string]string{}
	for _, r := range d.rows["results"] {
		resultLine[r["sourcedId"]] = r["lineItemSourcedId"]
	}
	for _, r := range d.rows["resultScoreScales"] {
		if v["lineItems"][resultLine[r["resultSourcedId"]]] {
			usedScales[r["scoreScaleSourcedId"]] = true
		}
	}
	for _, r := range d.rows["scoreScales"] {
		if v["classes"][r["classSourcedId"]] || below[r["orgSourcedId"]] || usedScales[r["sourcedId"]] {
			v["scoreScales"][r["sourcedId"]] = true
		}
	}
	allocated := set()
	for link, col := range map[string]string{"classResources": "classSourcedId", "courseResources": "courseSourcedId", "userResources": "userSourcedId"} {
		table := map[string]string{"classResources": "classes", "courseResources": "courses", "userResources": "users"}[link]
		for _, r := range d.rows[link] {
			if !active(r) {
				continue
			}
			allocated[r["resourceSourcedId"]] = true
			if v[table][r[col]] {
				v["resources"][r["resourceSourcedId"]] = true
			}
		}
	}
	for _, r := range d.rows["resources"] {
		if !allocated[r["sourcedId"]] {
			v["resources"][r["sourcedId"]] = true
		}
	}
	return v
}

// VisiblePackage writes, into a new folder, the package in dir as a
// client listing orgs may see it (VisibleIDs), trimmed as the REST
// binding trims what it sends: roles at orgs outside and link rows whose
// ends are outside left out, optional references to outsiders blanked.
// A store holding only it answers a full client as the main store
// answers the restricted one: the other oracle of the sharing tests.
func VisiblePackage(t *testing.T, dir string, orgs []string) string {
	t.Helper()
	d := readDistrict(t, dir)
	vis := d.visible(orgs)
	// Each kept file: the rows to keep, and the references to blank or
	// filter (column -> table it points at).
	keep := func(table string) func(map[string]string) bool {
		return func(r map[string]string) bool { return vis[table][r["sourcedId"]] }
	}
	both := func(col1, table1, col2, table2 string) func(map[string]string) bool {
		return func(r map[string]string) bool { return vis[table1][r[col1]] && vis[table2][r[col2]] }
	}
	rules := map[string]func(map[string]string) bool{
		"roles":                        both("userSourcedId", "users", "orgSourcedId", "orgs"),
		"userProfiles":                 func(r map[string]string) bool { return vis["users"][r["userSourcedId"]] },
		"lineItemScoreScales":          both("lineItemSourcedId", "lineItems", "scoreScaleSourcedId", "scoreScales"),
		"resultScoreScales":            both("resultSourcedId", "results", "scoreScaleSourcedId", "scoreScales"),
		"lineItemLearningObjectiveIds": func(r map[string]string) bool { return vis["lineItems"][r["lineItemSourcedId"]] },
		"resultLearningObjectiveIds":   func(r map[string]string) bool { return vis["results"][r["resultSourcedId"]] },
		"classResources":               both("classSourcedId", "classes", "resourceSourcedId", "resources"),
		"courseResources":              both("courseSourcedId", "courses", "resourceSourcedId", "resources"),
		"userResources":                both("userSourcedId", "users", "resourceSourcedId", "resources"),
	}
	optional := map[string]map[string]string{ // optional references the REST binding leaves out
		"users":         {"primaryOrgSourcedId": "orgs", "agentSourcedIds": "users"},
		"userResources": {"orgSourcedId": "orgs", "classSourcedId": "classes"},
	}
	out := filepath.Join(t.TempDir(), "visible")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		name, _ := strings.CutSuffix(en.Name(), ".csv")
		src, err := os.ReadFile(filepath.Join(dir, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if name == "manifest" {
			if err := os.WriteFile(filepath.Join(out, en.Name()), src, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		recs, err := csv.NewReader(strings.NewReader(string(src))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		ok := rules[name]
		if ok == nil {
			ok = keep(name)
		}
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write(recs[0])
		for _, rec := range recs[1:] {
			m := map[string]string{}
			for i, c := range recs[0] {
				m[c] = rec[i]
			}
			if !ok(m) {
				continue
			}
			for i, c := range recs[0] {
				target, isRef := optional[name][c]
				if !isRef || rec[i] == "" {
					continue
				}
				var kept []string
				for _, id := range strings.Split(rec[i], ",") {
					if vis[target][id] {
						kept = append(kept, id)
					}
				}
				rec[i] = strings.Join(kept, ",")
			}
			w.Write(rec)
		}
		w.Flush()
		if err := os.WriteFile(filepath.Join(out, en.Name()), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
