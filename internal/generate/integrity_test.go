package generate

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parsed is one file of a package: its rows in file order, and by
// sourcedId once checkPackage has indexed them. parseDir gives a file that
// the package leaves out no rows.
type parsed struct {
	col  map[string]int
	rows [][]string
	byID map[string][]string
}

func (p *parsed) get(row []string, col string) string { return row[p.col[col]] }

func parseDir(t *testing.T, dir string) map[string]*parsed {
	t.Helper()
	out := map[string]*parsed{}
	for name := range bindingHeaders {
		if name == "manifest.csv" {
			continue
		}
		var recs [][]string
		switch f, err := os.Open(filepath.Join(dir, name)); {
		case os.IsNotExist(err):
			// An absent file reads as one without rows.
			recs = [][]string{strings.Split(bindingHeaders[name], ",")}
		case err != nil:
			t.Fatal(err)
		default:
			recs, err = csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		p := &parsed{col: map[string]int{}, rows: recs[1:], byID: map[string][]string{}}
		for i, c := range recs[0] {
			p.col[c] = i
		}
		out[strings.TrimSuffix(name, ".csv")] = p
	}
	return out
}

var (
	guidRe    = regexp.MustCompile(`^[0-9A-Za-z./@_-]{1,255}$`)
	userIDsRe = regexp.MustCompile(`^\{[A-Za-z]+:[^{},]+\}(,\{[A-Za-z]+:[^{},]+\})*$`)
)

func list(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func TestIntegrity(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Students: 1},
		{Students: 700, Seed: 3},           // two schools: elementary and 6-12
		{Students: 6000, Seed: 9},          // all three levels, several schools each
		{Students: 2500, SchoolYear: 2030}, // another calendar
		{Students: 900, Seed: 5, NoGradebook: true},
		{Students: 800, Seed: 6, NoResources: true},
	} {
		t.Run(fmt.Sprintf("%d_%d_%d_%t_%t", o.Students, o.Seed, o.SchoolYear, o.NoGradebook, o.NoResources), func(t *testing.T) {
			t.Parallel()
			dir, sum := mustWrite(t, o)
			checkManifest(t, dir)
			p := parseDir(t, dir)
			checkPackage(t, p, sum, o.Students >= 6000)
			if o.NoGradebook {
				for _, f := range gradebookFiles {
					if _, err := os.Stat(filepath.Join(dir, f.name)); !os.IsNotExist(err) {
						t.Errorf("NoGradebook, yet %s is there (err %v)", f.name, err)
					}
				}
			}
			if o.NoResources {
				for _, f := range resourceFiles {
					if _, err := os.Stat(filepath.Join(dir, f.name)); !os.IsNotExist(err) {
						t.Errorf("NoResources, yet %s is there (err %v)", f.name, err)
					}
				}
			}
		})
	}
}

// checkPackage checks the references and the rules of the binding (§10 of
// csv-binding.md) that a conformance validator applies to a bulk package.
// rich asks, in addition, that the package shows each feature the generator
// promises (multi-school teachers, secondary roles, quoting…).
func checkPackage(t *testing.T, p map[string]*parsed, sum Summary, rich bool) {
	errs := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if errs++; errs <= 40 {
			t.Errorf(format, args...)
		}
	}
	// Ids: charset, unique per file, bulk rows leave status and dateLastModified blank.
	for name, f := range p {
		for _, row := range f.rows {
			id := row[0]
			if !guidRe.MatchString(id) {
				fail("%s: bad sourcedId %q", name, id)
			}
			if _, dup := f.byID[id]; dup {
				fail("%s: duplicate sourcedId %q", name, id)
			}
			f.byID[id] = row
			if row[1] != "" || row[2] != "" {
				fail("%s %s: status/dateLastModified not blank in a bulk file", name, id)
			}
		}
	}
	orgs, sessions, courses, classes := p["orgs"], p["academicSessions"], p["courses"], p["classes"]
	users, roles, profiles, demographics, enrollments := p["users"], p["roles"], p["userProfiles"], p["demographics"], p["enrollments"]

	date := func(where, s string, optional bool) (time.Time, bool) {
		if s == "" && optional {
			return time.Time{}, false
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			fail("%s: bad date %q", where, s)
			return time.Time{}, false
		}
		return d, true
	}
	ref := func(where string, f *parsed, id string) []string {
		row, ok := f.byID[id]
		if !ok {
			fail("%s: reference %q does not resolve", where, id)
		}
		return row
	}
	oneOf := func(where, v string, allowed ...string) {
		if !slices.Contains(allowed, v) {
			fail("%s: %q not in %v", where, v, allowed)
		}
	}
	orgType := func(id string) string {
		if row, ok := orgs.byID[id]; ok {
			return orgs.get(row, "type")
		}
		return ""
	}

	for _, row := range orgs.rows {
		id, typ, parent := row[0], orgs.get(row, "type"), orgs.get(row, "parentSourcedId")
		oneOf("org "+id, typ, "district", "school", "department")
		if orgs.get(row, "name") == "" || orgs.get(row, "identifier") == "" {
			fail("org %s: name or identifier empty", id)
		}
		want := map[string]string{"district": "", "school": "district", "department": "school"}[typ]
		if got := orgType(parent); got != want {
			fail("org %s (%s): parent %q of type %q, want type %q", id, typ, parent, got, want)
		}
	}

	for _, row := range sessions.rows {
		id, typ, parent := row[0], sessions.get(row, "type"), sessions.get(row, "parentSourcedId")
		start, _ := date("session "+id, sessions.get(row, "startDate"), false)
		end, _ := date("session "+id, sessions.get(row, "endDate"), false)
		if !start.Before(end) {
			fail("session %s: start %v not before end %v", id, start, end)
		}
		if y := sessions.get(row, "schoolYear"); y != fmt.Sprint(end.Year()) && typ == "schoolYear" {
			fail("session %s: schoolYear %s, ends in %d", id, y, end.Year())
		}
		want := map[string]string{"schoolYear": "", "term": "schoolYear", "gradingPeriod": "term"}[typ]
		if parent == "" {
			if want != "" {
				fail("session %s (%s) has no parent", id, typ)
			}
			continue
		}
		pr := ref("session "+id, sessions, parent)
		if pr == nil {
			continue
		}
		if got := sessions.get(pr, "type"); got != want {
			fail("session %s (%s): parent of type %s", id, typ, got)
		}
		ps, _ := date("", sessions.get(pr, "startDate"), false)
		pe, _ := date("", sessions.get(pr, "endDate"), false)
		if start.Before(ps) || end.After(pe) {
			fail("session %s lies outside its parent %s", id, parent)
		}
	}
	sessionType := func(id string) string {
		if row, ok := sessions.byID[id]; ok {
			return sessions.get(row, "type")
		}
		return ""
	}

	parallel := func(where, subjects, codes string) {
		if len(list(subjects)) != len(list(codes)) {
			fail("%s: subjects %q and subjectCodes %q differ in length", where, subjects, codes)
		}
	}
	for _, row := range courses.rows {
		id := row[0]
		if got := sessionType(courses.get(row, "schoolYearSourcedId")); got != "schoolYear" {
			fail("course %s: schoolYearSourcedId is a %q", id, got)
		}
		if got := orgType(courses.get(row, "orgSourcedId")); got != "school" {
			fail("course %s: org is a %q", id, got)
		}
		parallel("course "+id, courses.get(row, "subjects"), courses.get(row, "subjectCodes"))
	}

	twoTerms := 0
	for _, row := range classes.rows {
		id, school := row[0], classes.get(row, "schoolSourcedId")
		if c := ref("class "+id, courses, classes.get(row, "courseSourcedId")); c != nil && courses.get(c, "orgSourcedId") != school {
			fail("class %s: course of another org", id)
		}
		if got := orgType(school); got != "school" {
			fail("class %s: school is a %q", id, got)
		}
		terms := list(classes.get(row, "termSourcedIds"))
		if len(terms) == 0 {
			fail("class %s: no terms", id)
		}
		if len(terms) > 1 {
			twoTerms++
		}
		for _, term := range terms {
			if got := sessionType(term); got != "term" {
				fail("class %s: term %q is a %q", id, term, got)
			}
		}
		oneOf("class "+id, classes.get(row, "classType"), "homeroom", "scheduled")
		parallel("class "+id, classes.get(row, "subjects"), classes.get(row, "subjectCodes"))
		if classes.get(row, "title") == "" || classes.get(row, "periods") == "" {
			fail("class %s: empty title or periods", id)
		}
	}

	// Roles: every one resolves; one primary per user and org.
	userOrgs := map[string]map[string]int{} // user → org → primary roles
	userRoles := map[string]map[string][]string{}
	secondary := 0
	for _, row := range roles.rows {
		id, user, org := row[0], roles.get(row, "userSourcedId"), roles.get(row, "orgSourcedId")
		ref("role "+id, users, user)
		ref("role "+id, orgs, org)
		typ, role := roles.get(row, "roleType"), roles.get(row, "role")
		oneOf("role "+id, typ, "primary", "secondary")
		oneOf("role "+id, role, "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal",
			"proctor", "relative", "siteAdministrator", "student", "systemAdministrator", "teacher")
		if userOrgs[user] == nil {
			userOrgs[user], userRoles[user] = map[string]int{}, map[string][]string{}
		}
		if typ == "primary" {
			userOrgs[user][org]++
		} else {
			userOrgs[user][org] += 0
			secondary++
		}
		userRoles[user][org] = append(userRoles[user][org], role)
		if pid := roles.get(row, "userProfileSourcedId"); pid != "" {
			if pr := ref("role "+id, profiles, pid); pr != nil && profiles.get(pr, "userSourcedId") != user {
				fail("role %s: profile %s belongs to another user", id, pid)
			}
		}
		b, okB := date("role "+id, roles.get(row, "beginDate"), true)
		e, okE := date("role "+id, roles.get(row, "endDate"), true)
		if okB && okE && !b.Before(e) {
			fail("role %s: begin %v not before end %v", id, b, e)
		}
	}
	multiSchool := 0
	for user, byOrg := range userOrgs {
		for org, n := range byOrg {
			if n != 1 {
				fail("user %s has %d primary roles in %s", user, n, org)
			}
		}
		if len(byOrg) > 1 {
			multiSchool++
		}
	}
	hasRole := func(user, org, role string) bool { return slices.Contains(userRoles[user][org], role) }

	// Users: every one has a role in its primary org; agents resolve both ways.
	withComma, agents := 0, 0
	for _, row := range users.rows {
		id := row[0]
		oneOf("user "+id, users.get(row, "enabledUser"), "true", "false")
		for _, col := range []string{"username", "givenName", "familyName"} {
			if users.get(row, col) == "" {
				fail("user %s: empty %s", id, col)
			}
		}
		if users.get(row, "password") != "" {
			fail("user %s: password set", id)
		}
		if ids := users.get(row, "userIds"); ids != "" && !userIDsRe.MatchString(ids) {
			fail("user %s: malformed userIds %q", id, ids)
		}
		if len(userOrgs[id]) == 0 {
			fail("user %s has no role", id)
		}
		if org := users.get(row, "primaryOrgSourcedId"); org != "" {
			ref("user "+id, orgs, org)
			if _, ok := userOrgs[id][org]; !ok {
				fail("user %s: no role in its primary org %s", id, org)
			}
		}
		for _, a := range list(users.get(row, "agentSourcedIds")) {
			agents++
			if ar := ref("user "+id+" agent", users, a); ar != nil && !slices.Contains(list(users.get(ar, "agentSourcedIds")), id) {
				fail("user %s lists agent %s, which does not list it back", id, a)
			}
		}
		for _, col := range []string{"givenName", "familyName", "middleName", "preferredGivenName"} {
			if strings.Contains(users.get(row, col), ",") {
				withComma++
			}
		}
	}

	for _, row := range profiles.rows {
		ref("profile "+row[0], users, profiles.get(row, "userSourcedId"))
		for _, col := range []string{"profileType", "vendorId", "credentialType", "username"} {
			if profiles.get(row, col) == "" {
				fail("profile %s: empty %s", row[0], col)
			}
		}
	}

	students := 0
	for _, row := range users.rows {
		if hasRole(row[0], users.get(row, "primaryOrgSourcedId"), "student") {
			students++
			if _, ok := demographics.byID[row[0]]; !ok {
				fail("student %s has no demographics", row[0])
			}
		}
	}
	if students != sum.Students {
		fail("%d users hold a student role, Summary says %d students", students, sum.Students)
	}
	for _, row := range demographics.rows {
		id := row[0]
		if u := ref("demographics", users, id); u != nil && !hasRole(id, users.get(u, "primaryOrgSourcedId"), "student") {
			fail("demographics %s: not a student", id)
		}
		birth, _ := date("demographics "+id, demographics.get(row, "birthDate"), false)
		if u := users.byID[id]; u != nil {
			grade, _ := strconv.Atoi(users.get(u, "grades")) // KG gives 0
			end, _ := time.Parse(time.DateOnly, sessions.rows[0][sessions.col["endDate"]])
			age := end.Year() - birth.Year() // age reached during the school year's end
			if age < grade+5 || age > grade+8 {
				fail("demographics %s: born %v, in grade %d", id, birth, grade)
			}
		}
		oneOf("demographics "+id, demographics.get(row, "sex"), "male", "female", "unspecified", "other")
		for _, col := range demographicsHeader[5:12] {
			oneOf("demographics "+id+" "+col, demographics.get(row, col), "true", "false", "")
		}
	}

	primaries := map[string]int{}
	for _, row := range enrollments.rows {
		id, class, school, user := row[0], enrollments.get(row, "classSourcedId"), enrollments.get(row, "schoolSourcedId"), enrollments.get(row, "userSourcedId")
		cr := ref("enrollment "+id, classes, class)
		ur := ref("enrollment "+id, users, user)
		if cr == nil || ur == nil {
			continue
		}
		if classes.get(cr, "schoolSourcedId") != school {
			fail("enrollment %s: school %s is not the class's", id, school)
		}
		role, primary := enrollments.get(row, "role"), enrollments.get(row, "primary")
		oneOf("enrollment "+id, role, "student", "teacher")
		oneOf("enrollment "+id, primary, "true", "false")
		switch role {
		case "teacher":
			if !hasRole(user, school, "teacher") {
				fail("enrollment %s: %s teaches at %s without a teacher role there", id, user, school)
			}
			if primary == "true" {
				primaries[class]++
			}
		case "student":
			if !hasRole(user, school, "student") {
				fail("enrollment %s: %s is not a student of %s", id, user, school)
			}
			if g := users.get(ur, "grades"); !slices.Contains(list(classes.get(cr, "grades")), g) {
				fail("enrollment %s: grade %s student in a class for %s", id, g, classes.get(cr, "grades"))
			}
		}
		// Dates must fall within the class's terms.
		var from, to time.Time
		for i, term := range list(classes.get(cr, "termSourcedIds")) {
			tr := sessions.byID[term]
			s, _ := time.Parse(time.DateOnly, sessions.get(tr, "startDate"))
			e, _ := time.Parse(time.DateOnly, sessions.get(tr, "endDate"))
			if i == 0 || s.Before(from) {
				from = s
			}
			if e.After(to) {
				to = e
			}
		}
		b, okB := date("enrollment "+id, enrollments.get(row, "beginDate"), true)
		e, okE := date("enrollment "+id, enrollments.get(row, "endDate"), true)
		if okB && (b.Before(from) || !b.Before(to)) || okE && (!e.After(from) || e.After(to)) || okB && okE && !b.Before(e) {
			fail("enrollment %s: dates %v-%v outside the class's %v-%v", id, b, e, from, to)
		}
	}
	for _, row := range classes.rows {
		if n := primaries[row[0]]; n != 1 {
			fail("class %s has %d primary teachers", row[0], n)
		}
	}

	c := &checks{fail: fail, ref: ref, date: date, oneOf: oneOf}
	checkGradebook(t, p, c, rich)
	checkResources(t, p, c, rich)

	if sum.Classes != len(classes.rows) || sum.Enrollments != len(enrollments.rows) || sum.Schools != len(slices.DeleteFunc(slices.Clone(orgs.rows), func(r []string) bool { return orgs.get(r, "type") != "school" })) {
		fail("summary %+v does not match the files", sum)
	}

	if rich {
		idChars := map[rune]int{}
		for _, f := range p {
			for _, row := range f.rows {
				for _, c := range "/.@" {
					if strings.ContainsRune(row[0], c) {
						idChars[c]++
					}
				}
			}
		}
		for what, n := range map[string]int{
			"classes in two terms":          twoTerms,
			"users with roles in two orgs":  multiSchool,
			"secondary roles":               secondary,
			"agent links":                   agents,
			"user names with a comma":       withComma,
			"ids with a slash":              idChars['/'],
			"ids with a dot":                idChars['.'],
			"ids with an at sign":           idChars['@'],
			"profiles":                      len(profiles.rows),
			"disabled users":                countWhere(users, "enabledUser", "false"),
			"co-teachers":                   countWhere(enrollments, "primary", "false") - countWhere(enrollments, "role", "student"),
			"enrollments with a begin date": len(enrollments.rows) - countWhere(enrollments, "beginDate", ""),
		} {
			if n == 0 {
				t.Errorf("the package has no %s", what)
			}
		}
	}
}

func countWhere(f *parsed, col, value string) int {
	n := 0
	for _, row := range f.rows {
		if f.get(row, col) == value {
			n++
		}
	}
	return n
}
