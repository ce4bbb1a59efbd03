package generate

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checks are the helpers of checkPackage, shared with checkGradebook.
type checks struct {
	fail  func(format string, args ...any)
	ref   func(where string, f *parsed, id string) []string
	date  func(where, s string, optional bool) (time.Time, bool)
	oneOf func(where, v string, allowed ...string)
}

var (
	caseIDRe      = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	scaleValuesRe = regexp.MustCompile(`^\{[^{}:,]+:[^{},]+\}(,\{[^{}:,]+:[^{},]+\})*$`)
	rangeRe       = regexp.MustCompile(`^(\d+)-(\d+)$`)
)

// checkGradebook checks the gradebook files against the rostering ones,
// with the rules of csv-binding.md §7 and §10.11, plus what the generator
// promises: every student enrolled in a class has one result per line item
// of the class, and text scores follow the line item's score scale. The
// files may be absent (then they have no rows).
func checkGradebook(t *testing.T, p map[string]*parsed, c *checks, rich bool) {
	fail, ref, date, oneOf := c.fail, c.ref, c.date, c.oneOf
	orgs, sessions, courses, classes, enrollments, users := p["orgs"], p["academicSessions"], p["courses"], p["classes"], p["enrollments"], p["users"]
	cats, scales, items := p["categories"], p["scoreScales"], p["lineItems"]
	itemScales, itemObjs := p["lineItemScoreScales"], p["lineItemLearningObjectiveIds"]
	results, resultScales, resultObjs := p["results"], p["resultScoreScales"], p["resultLearningObjectiveIds"]

	float := func(where, s string) (float64, bool) {
		if s == "" {
			return 0, false
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !strings.Contains(s, ".") {
			fail("%s: bad float %q", where, s)
			return 0, false
		}
		return v, true
	}
	sessionSpan := func(row []string) (time.Time, time.Time) {
		s, _ := time.Parse(time.DateOnly, sessions.get(row, "startDate"))
		e, _ := time.Parse(time.DateOnly, sessions.get(row, "endDate"))
		return s, e
	}

	weights := 0
	for _, row := range cats.rows {
		if cats.get(row, "title") == "" {
			fail("category %s: no title", row[0])
		}
		w, err := strconv.Atoi(cats.get(row, "weight"))
		if err != nil {
			fail("category %s: weight %q is not an integer", row[0], cats.get(row, "weight"))
		}
		weights += w
	}
	if len(cats.rows) > 0 && weights != 100 {
		fail("category weights add up to %d", weights)
	}

	// Score scales: consistent org, course and class; values parse into
	// ranges that cover 0-100 once.
	type band struct {
		lo, hi int
		value  string
	}
	scaleBands := map[string][]band{}
	for _, row := range scales.rows {
		id, org, course, class := row[0], scales.get(row, "orgSourcedId"), scales.get(row, "courseSourcedId"), scales.get(row, "classSourcedId")
		if scales.get(row, "title") == "" || scales.get(row, "type") == "" {
			fail("scale %s: empty title or type", id)
		}
		if typ := orgType(orgs, org); typ != "school" {
			fail("scale %s: org %q is a %q", id, org, typ)
		}
		if cr := ref("scale "+id, courses, course); cr != nil && courses.get(cr, "orgSourcedId") != org {
			fail("scale %s: course %s belongs to another org", id, course)
		}
		if cl := ref("scale "+id, classes, class); cl != nil && (classes.get(cl, "courseSourcedId") != course || classes.get(cl, "schoolSourcedId") != org) {
			fail("scale %s: class %s is not of course %s at %s", id, class, course, org)
		}
		values := scales.get(row, "scoreScaleValue")
		if !scaleValuesRe.MatchString(values) {
			fail("scale %s: malformed scoreScaleValue %q", id, values)
			continue
		}
		covered := [101]int{}
		for _, it := range strings.Split(strings.Trim(values, "{}"), "},{") {
			lhs, rhs, _ := strings.Cut(it, ":")
			m := rangeRe.FindStringSubmatch(lhs)
			if m == nil {
				fail("scale %s: LHS %q is not a range", id, lhs)
				continue
			}
			lo, _ := strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			if lo > hi || hi > 100 {
				fail("scale %s: bad range %q", id, lhs)
				continue
			}
			for v := lo; v <= hi; v++ {
				covered[v]++
			}
			scaleBands[id] = append(scaleBands[id], band{lo, hi, rhs})
		}
		if slices.ContainsFunc(covered[:], func(n int) bool { return n != 1 }) {
			fail("scale %s: %q does not cover 0-100 exactly once", id, values)
		}
	}

	// Students enrolled per class.
	enrolled := map[string]map[string]bool{}
	for _, row := range enrollments.rows {
		if enrollments.get(row, "role") != "student" {
			continue
		}
		class := enrollments.get(row, "classSourcedId")
		if enrolled[class] == nil {
			enrolled[class] = map[string]bool{}
		}
		enrolled[class][enrollments.get(row, "userSourcedId")] = true
	}

	// Line items.
	sessionOf := map[string]string{}
	perSession := map[string]int{}
	maxima := map[string]int{}
	for _, row := range items.rows {
		id, class, session, school := row[0], items.get(row, "classSourcedId"), items.get(row, "academicSessionSourcedId"), items.get(row, "schoolSourcedId")
		if items.get(row, "title") == "" {
			fail("line item %s: no title", id)
		}
		ref("line item "+id, cats, items.get(row, "categorySourcedId"))
		cl := ref("line item "+id, classes, class)
		sr := ref("line item "+id, sessions, session)
		if typ := orgType(orgs, school); typ != "school" {
			fail("line item %s: school %q is a %q", id, school, typ)
		}
		if cl != nil && classes.get(cl, "schoolSourcedId") != school {
			fail("line item %s: school %s is not its class's", id, school)
		}
		lo, okLo := float("line item "+id, items.get(row, "resultValueMin"))
		hi, okHi := float("line item "+id, items.get(row, "resultValueMax"))
		if okLo && okHi && lo > hi {
			fail("line item %s: resultValueMin %v > resultValueMax %v", id, lo, hi)
		}
		maxima[items.get(row, "resultValueMax")]++
		assign, _ := date("line item "+id, items.get(row, "assignDate"), false)
		due, _ := date("line item "+id, items.get(row, "dueDate"), false)
		if due.Before(assign) {
			fail("line item %s: due %v before assigned %v", id, due, assign)
		}
		for _, d := range []time.Time{assign, due} {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				fail("line item %s: date %v on a weekend", id, d)
			}
		}
		if cl == nil || sr == nil {
			continue
		}
		// The session is a term of the class, or a grading period of one;
		// never the school year. Dates lie inside it.
		term := session
		switch typ := sessions.get(sr, "type"); typ {
		case "term":
		case "gradingPeriod":
			term = sessions.get(sr, "parentSourcedId")
		default:
			fail("line item %s: academic session %s is a %q", id, session, typ)
		}
		if !slices.Contains(list(classes.get(cl, "termSourcedIds")), term) {
			fail("line item %s: session %s is not in the terms %s of class %s", id, session, classes.get(cl, "termSourcedIds"), class)
		}
		if s, e := sessionSpan(sr); assign.Before(s) || !due.Before(e) {
			fail("line item %s: %v-%v outside its session %s (%v-%v)", id, assign, due, session, s, e)
		}
		sessionOf[id] = sessions.get(sr, "type")
		perSession[session]++
	}

	// One score scale per line item at most (JSON has one), of its course.
	itemScale := map[string]string{}
	for _, row := range itemScales.rows {
		id, item, scale := row[0], itemScales.get(row, "lineItemSourcedId"), itemScales.get(row, "scoreScaleSourcedId")
		ir := ref("line item scale "+id, items, item)
		sr := ref("line item scale "+id, scales, scale)
		if _, dup := itemScale[item]; dup {
			fail("line item %s has two score scales", item)
		}
		itemScale[item] = scale
		if ir != nil && sr != nil {
			if cl := classes.byID[items.get(ir, "classSourcedId")]; cl != nil && classes.get(cl, "courseSourcedId") != scales.get(sr, "courseSourcedId") {
				fail("line item scale %s: scale %s of another course", id, scale)
			}
		}
	}

	objective := func(where, source, id string) {
		oneOf(where, source, "case", "unknown")
		if source == "case" && !caseIDRe.MatchString(id) {
			fail("%s: case objective %q is not a UUID URN", where, id)
		}
		if id == "" {
			fail("%s: empty learning objective id", where)
		}
	}
	itemObjectives := map[string][]string{} // line item → source+" "+id
	sources := map[string]int{}
	for _, row := range itemObjs.rows {
		id, item, source, obj := row[0], itemObjs.get(row, "lineItemSourcedId"), itemObjs.get(row, "source"), itemObjs.get(row, "learningObjectiveId")
		ref("line item objective "+id, items, item)
		objective("line item objective "+id, source, obj)
		key := source + " " + obj
		if slices.Contains(itemObjectives[item], key) {
			fail("line item %s lists objective %s twice", item, key)
		}
		itemObjectives[item] = append(itemObjectives[item], key)
		sources[source]++
	}

	// Results.
	type pair struct{ item, student string }
	seen := map[pair]bool{}
	perItem := map[string]int{}
	statuses := map[string]int{}
	texts, comments, flagsTrue, flagsFalse, notEnrolledExempt := 0, 0, 0, 0, 0
	for _, row := range results.rows {
		id, item, student := row[0], results.get(row, "lineItemSourcedId"), results.get(row, "studentSourcedId")
		ir := ref("result "+id, items, item)
		ref("result "+id, users, student)
		status := results.get(row, "scoreStatus")
		oneOf("result "+id, status, "exempt", "fully graded", "not submitted", "partially graded", "submitted")
		statuses[status]++
		date("result "+id, results.get(row, "scoreDate"), false)
		for _, col := range []string{"inProgress", "incomplete", "late", "missing"} {
			switch v := results.get(row, col); v {
			case "true":
				flagsTrue++
			case "false":
				flagsFalse++
			default:
				oneOf("result "+id+" "+col, v, "true", "false", "")
			}
		}
		if seen[pair{item, student}] {
			fail("result %s: a second result of %s for %s", id, student, item)
		}
		seen[pair{item, student}] = true
		perItem[item]++
		if results.get(row, "comment") != "" {
			comments++
		}
		if results.get(row, "comment") == notEnrolled {
			notEnrolledExempt++
		}
		if ir == nil {
			continue
		}
		class := items.get(ir, "classSourcedId")
		if !enrolled[class][student] {
			fail("result %s: %s is not a student of class %s", id, student, class)
		}
		if got := results.get(row, "classSourcedId"); got != "" && got != class {
			fail("result %s: class %s, but its line item is of class %s", id, got, class)
		}
		score, scored := float("result "+id, results.get(row, "score"))
		lo, okLo := float("", items.get(ir, "resultValueMin"))
		hi, okHi := float("", items.get(ir, "resultValueMax"))
		if scored && (okLo && score < lo || okHi && score > hi) {
			fail("result %s: score %v outside %v-%v", id, score, lo, hi)
		}
		if text := results.get(row, "textScore"); text != "" {
			texts++
			scale, ok := itemScale[item]
			if !ok || !scored || !okHi {
				fail("result %s: text score %q without a scale or a score", id, text)
				continue
			}
			pct := int(math.Floor(score * 100 / hi))
			i := slices.IndexFunc(scaleBands[scale], func(b band) bool { return pct >= b.lo && pct <= b.hi })
			if i < 0 || scaleBands[scale][i].value != text {
				fail("result %s: text score %q for %v %% on scale %s", id, text, pct, scale)
			}
		}
	}
	for _, row := range items.rows {
		if n, want := perItem[row[0]], len(enrolled[items.get(row, "classSourcedId")]); n != want {
			fail("line item %s has %d results for %d students in its class", row[0], n, want)
		}
	}

	resultScaled := map[string]bool{}
	for _, row := range resultScales.rows {
		id, result, scale := row[0], resultScales.get(row, "resultSourcedId"), resultScales.get(row, "scoreScaleSourcedId")
		rr := ref("result scale "+id, results, result)
		ref("result scale "+id, scales, scale)
		if resultScaled[result] {
			fail("result %s has two score scales", result)
		}
		resultScaled[result] = true
		if rr != nil && itemScale[results.get(rr, "lineItemSourcedId")] != scale {
			fail("result scale %s: scale %s is not its line item's", id, scale)
		}
	}
	for _, row := range resultObjs.rows {
		id, result, source, obj := row[0], resultObjs.get(row, "resultSourcedId"), resultObjs.get(row, "source"), resultObjs.get(row, "learningObjectiveId")
		rr := ref("result objective "+id, results, result)
		objective("result objective "+id, source, obj)
		float("result objective "+id, resultObjs.get(row, "score"))
		if rr != nil && !slices.Contains(itemObjectives[results.get(rr, "lineItemSourcedId")], source+" "+obj) {
			fail("result objective %s: %s %s is not an objective of the line item", id, source, obj)
		}
	}

	if rich {
		for what, n := range map[string]int{
			"line items":                        len(items.rows),
			"line items in a grading period":    countOf(sessionOf, "gradingPeriod"),
			"line items out of 10 or 20":        maxima["10.0"] + maxima["20.0"],
			"line item score scales":            len(itemScales.rows),
			"case objectives":                   sources["case"],
			"unknown-source objectives":         sources["unknown"],
			"results fully graded":              statuses["fully graded"],
			"results partially graded":          statuses["partially graded"],
			"results submitted":                 statuses["submitted"],
			"results not submitted":             statuses["not submitted"],
			"results exempt":                    statuses["exempt"],
			"results with a comment":            comments,
			"results with a text score":         texts,
			"results with a true flag":          flagsTrue,
			"results with a false flag":         flagsFalse,
			"exemptions outside the enrollment": notEnrolledExempt,
			"result score scales":               len(resultScales.rows),
			"result objectives":                 len(resultObjs.rows),
		} {
			if n == 0 {
				t.Errorf("the gradebook has no %s", what)
			}
		}
		if len(perSession) < 4 {
			t.Errorf("line items in %d academic sessions, want all four grading periods", len(perSession))
		}
	}
}

func orgType(orgs *parsed, id string) string {
	if row, ok := orgs.byID[id]; ok {
		return orgs.get(row, "type")
	}
	return ""
}

func countOf(m map[string]string, v string) int {
	n := 0
	for _, x := range m {
		if x == v {
			n++
		}
	}
	return n
}

// checkManifest checks that a written package's manifest marks bulk exactly
// the files that are there, and that none of them is empty.
func checkManifest(t *testing.T, dir string) {
	t.Helper()
	files := readDir(t, dir)
	checkManifestFiles(t, files)
}

func checkManifestFiles(t *testing.T, files map[string][]byte) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(files["manifest.csv"])).ReadAll()
	if err != nil {
		t.Fatalf("manifest.csv: %v", err)
	}
	marked := 0
	for _, r := range recs[1:] {
		name, ok := strings.CutPrefix(r[0], "file.")
		if !ok {
			continue
		}
		b, there := files[name+".csv"]
		switch {
		case r[1] == "bulk" && !there:
			t.Errorf("manifest marks %s bulk, but it was not written", name)
		case r[1] == "absent" && there:
			t.Errorf("manifest marks %s absent, but it was written", name)
		case r[1] != "bulk" && r[1] != "absent":
			t.Errorf("manifest marks %s %q", name, r[1])
		}
		if there {
			marked++
			if bytes.Count(b, []byte("\n")) < 2 {
				t.Errorf("%s has no data rows", name)
			}
		}
	}
	csvs := 0
	for name := range files {
		if strings.HasSuffix(name, ".csv") && name != "manifest.csv" {
			csvs++
		}
	}
	if marked != csvs {
		t.Errorf("%d CSV files written besides the manifest, %d marked bulk", csvs, marked)
	}
}

// TestServicesKeepEachOther: the gradebook and the resources draw from
// random streams of their own, so turning either off or on leaves every
// file of the other services byte for byte.
func TestServicesKeepEachOther(t *testing.T) {
	t.Parallel()
	service := map[string]string{}
	for _, f := range gradebookFiles {
		service[f.name] = "gradebook"
	}
	for _, f := range resourceFiles {
		service[f.name] = "resources"
	}
	for _, o := range []Options{{Students: 1}, {Students: 1300, Seed: 11}} {
		dirAll, _ := mustWrite(t, o)
		all := readDir(t, dirAll)
		for _, c := range []struct {
			noGradebook, noResources bool
			manifest                 string
		}{
			{true, false, wantManifestNoGradebook},
			{false, true, manifestWithout(wantManifest, resourceFiles)},
			{true, true, manifestWithout(wantManifestNoGradebook, resourceFiles)},
		} {
			oc := o
			oc.NoGradebook, oc.NoResources = c.noGradebook, c.noResources
			dir, sum := mustWrite(t, oc)
			got := readDir(t, dir)
			off := func(name string) bool {
				return service[name] == "gradebook" && c.noGradebook || service[name] == "resources" && c.noResources
			}
			for name, b := range all {
				switch _, there := got[name]; {
				case name == "manifest.csv":
				case off(name) && there:
					t.Errorf("%+v: %s written", oc, name)
				case off(name):
				case !there:
					t.Errorf("%+v: %s missing", oc, name)
				case !bytes.Equal(got[name], b):
					t.Errorf("%+v: %s differs from the full package's", oc, name)
				}
			}
			for name := range got {
				if _, ok := all[name]; !ok {
					t.Errorf("%+v: %s is not in the full package", oc, name)
				}
			}
			for name := range sum.Files {
				if off(name) {
					t.Errorf("%+v: summary counts %s", oc, name)
				}
			}
			checkManifestFiles(t, got)
			if o.Students > 1 {
				if m := string(got["manifest.csv"]); m != c.manifest {
					t.Errorf("%+v: manifest.csv:\n%s", oc, m)
				}
			}
		}
	}
}

// manifestWithout marks the files absent in a manifest.
func manifestWithout(m string, files []file) string {
	for _, f := range files {
		name := strings.TrimSuffix(f.name, ".csv")
		m = strings.Replace(m, "file."+name+",bulk\r\n", "file."+name+",absent\r\n", 1)
	}
	return m
}

// TestTinyDistricts: whatever the seed, a file that would get no rows is
// left out and marked absent, in a folder and in a zip alike.
func TestTinyDistricts(t *testing.T) {
	t.Parallel()
	absent := map[string]int{}
	for seed := int64(1); seed <= 40; seed++ {
		for _, n := range []int{1, 2, 3} {
			o := Options{Students: n, Seed: seed}
			dir, _ := mustWrite(t, o)
			files := readDir(t, dir)
			checkManifestFiles(t, files)
			for _, f := range candidates(o) {
				if _, ok := files[f.name]; !ok {
					absent[f.name]++
				}
			}
			if seed%10 != 0 {
				continue
			}
			var z bytes.Buffer
			if _, err := WriteZip(&z, o); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if len(zr.File) != len(files) {
				t.Errorf("%+v: zip has %d entries, folder %d files", o, len(zr.File), len(files))
			}
		}
	}
	t.Logf("files left out, out of 120 tiny districts: %v", absent)
	for _, name := range []string{"users.csv", "results.csv", "lineItems.csv", "enrollments.csv", "resources.csv", "courseResources.csv"} {
		if absent[name] > 0 {
			t.Errorf("%s left out %d times", name, absent[name])
		}
	}
}

func TestGradebookScale(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1000, 12000} {
		_, sum := mustWrite(t, Options{Students: n})
		perStudent := func(name string) float64 { return float64(sum.Files[name]) / float64(n) }
		for _, c := range []struct {
			name   string
			lo, hi float64
		}{
			{"results.csv", 15, 22}, // about 19: what a 200k-student benchmark can take
			{"lineItems.csv", 0.6, 1.1},
			{"resultScoreScales.csv", 0.8, 3},
			{"resultLearningObjectiveIds.csv", 2, 6},
			{"scoreScales.csv", 0.03, 0.09},
		} {
			if r := perStudent(c.name); r < c.lo || r > c.hi {
				t.Errorf("n=%d: %.2f %s rows per student, want %v-%v", n, r, c.name, c.lo, c.hi)
			}
		}
		if r := float64(sum.Files["results.csv"]) / float64(sum.Enrollments); r < 2 || r > 3 {
			t.Errorf("n=%d: %.2f results per enrollment, want 2-3", n, r)
		}
	}
}

func TestCaseIDs(t *testing.T) {
	t.Parallel()
	st := newStream()
	seen := map[string]bool{}
	for i := range 1000 {
		id := caseID(st.at(1, kObjective, uint64(i), 0))
		if !caseIDRe.MatchString(id) {
			t.Fatalf("caseID = %q", id)
		}
		if seen[id] {
			t.Fatalf("caseID %q twice", id)
		}
		seen[id] = true
	}
}

func TestScaleGrades(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sc   *scale
		pct  float64
		want string
	}{
		{letterScale, 100, "A"}, {letterScale, 90, "A"}, {letterScale, 89.99, "B"}, {letterScale, 60, "D"},
		{letterScale, 59.5, "F"}, {letterScale, 0, "F"},
		{proficiencyScale, 75, "Meets"}, {proficiencyScale, 74.5, "Approaching"}, {proficiencyScale, 3, "Beginning"},
	} {
		if got := c.sc.grade(c.pct); got != c.want {
			t.Errorf("%s.grade(%v) = %q, want %q", c.sc.title, c.pct, got, c.want)
		}
	}
}

// TestGradebookIDs pins the id schemes documented in gradebook.go.
func TestGradebookIDs(t *testing.T) {
	t.Parallel()
	dir, _ := mustWrite(t, Options{Students: 600, Seed: 2})
	p := parseDir(t, dir)
	for name, re := range map[string]*regexp.Regexp{
		"categories":                   regexp.MustCompile(`^cat-[a-z]+$`),
		"scoreScales":                  regexp.MustCompile(`^ssc-crs-\d{3}-[A-Z0-9-]+$`),
		"lineItems":                    regexp.MustCompile(`^li-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]$`),
		"lineItemScoreScales":          regexp.MustCompile(`^lss-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]$`),
		"lineItemLearningObjectiveIds": regexp.MustCompile(`^llo-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]\.[1-3]$`),
		"results":                      regexp.MustCompile(`^res-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]-\d{6}$`),
		"resultScoreScales":            regexp.MustCompile(`^rss-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]-\d{6}$`),
		"resultLearningObjectiveIds":   regexp.MustCompile(`^rlo-cls-\d{3}-[A-Z0-9-]+\.\d{2}\.[1-4]-\d{6}\.[1-3]$`),
	} {
		f := p[name]
		if len(f.rows) == 0 {
			t.Errorf("%s: no rows", name)
		}
		for _, row := range f.rows {
			if !re.MatchString(row[0]) {
				t.Errorf("%s: id %q does not match %s", name, row[0], re)
				break
			}
		}
	}
	// A result id ends with the student's number.
	for _, row := range p["results"].rows[:50] {
		if stu := p["results"].get(row, "studentSourcedId"); !strings.HasSuffix(row[0], "-"+strings.TrimSuffix(strings.TrimPrefix(stu, "stu-"), "@district")) {
			t.Errorf("result %s of student %s", row[0], stu)
		}
	}
}
