package generate

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// resourceRoles is the vocabulary of resources.roles (csv-binding.md §6.13).
var resourceRoles = []string{"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}

// asResourceRole maps a roles.csv role to the resources.roles token that
// covers it: the administrator roles all to administrator; counselor to
// none.
func asResourceRole(role string) string {
	switch role {
	case "districtAdministrator", "siteAdministrator", "systemAdministrator", "principal":
		return "administrator"
	case "counselor":
		return ""
	}
	return role
}

// checkResources checks the resources files against the rostering ones:
// references resolve, every scheduled course has one to three resources
// and homerooms none, a class has at most one resource of its own that its
// course does not already have, and userResources follows §10.11 of
// csv-binding.md: the user is enrolled in the class given, the class
// belongs to the org given, and the resource's roles, if any, include one
// of the user's roles there. Students only get resources that list the
// student role or none; teachers and guardians resources that list theirs.
// The files may be absent (then they have no rows).
func checkResources(t *testing.T, p map[string]*parsed, c *checks, rich bool) {
	fail, ref, oneOf := c.fail, c.ref, c.oneOf
	orgs, courses, classes, enrollments, users, roles := p["orgs"], p["courses"], p["classes"], p["enrollments"], p["users"], p["roles"]
	res, courseRes, classRes, userRes := p["resources"], p["courseResources"], p["classResources"], p["userResources"]

	vendors := map[string]int{}
	vendorIDs := map[string]bool{}
	blankRoles, blankImportance, withApp := 0, 0, 0
	roleLists := map[string]int{}
	for _, row := range res.rows {
		id := row[0]
		vid := res.get(row, "vendorResourceId")
		if vid == "" || res.get(row, "title") == "" || res.get(row, "vendorId") == "" {
			fail("resource %s: empty vendorResourceId, title or vendorId", id)
		}
		if vendorIDs[vid] {
			fail("resource %s: vendorResourceId %s twice", id, vid)
		}
		vendorIDs[vid] = true
		vendors[res.get(row, "vendorId")]++
		rl := list(res.get(row, "roles"))
		for i, r := range rl {
			oneOf("resource "+id+" roles", r, resourceRoles...)
			if slices.Contains(rl[:i], r) {
				fail("resource %s: role %s twice", id, r)
			}
		}
		roleLists[res.get(row, "roles")]++
		if len(rl) == 0 {
			blankRoles++
		}
		imp := res.get(row, "importance")
		oneOf("resource "+id+" importance", imp, "", "primary", "secondary")
		if imp == "" {
			blankImportance++
		}
		if res.get(row, "applicationId") != "" {
			withApp++
		}
	}
	studentFacing := func(resource string) bool {
		row := res.byID[resource]
		if row == nil {
			return false
		}
		rl := list(res.get(row, "roles"))
		return len(rl) == 0 || slices.Contains(rl, "student")
	}

	type pair struct{ a, b string }
	seen := map[pair]bool{}
	perCourse := map[string][]string{}
	for _, row := range courseRes.rows {
		id, course, resource := row[0], courseRes.get(row, "courseSourcedId"), courseRes.get(row, "resourceSourcedId")
		ref("course resource "+id, courses, course)
		ref("course resource "+id, res, resource)
		if courseRes.get(row, "title") == "" {
			fail("course resource %s: no title", id)
		}
		if seen[pair{course, resource}] {
			fail("course %s lists resource %s twice", course, resource)
		}
		seen[pair{course, resource}] = true
		perCourse[course] = append(perCourse[course], resource)
	}
	for _, row := range courses.rows {
		id, n := row[0], len(perCourse[row[0]])
		if strings.HasPrefix(courses.get(row, "courseCode"), "HR-") {
			if n != 0 {
				fail("homeroom course %s has %d resources", id, n)
			}
			continue
		}
		if len(courseRes.rows) > 0 && (n < 1 || n > 3) {
			fail("course %s has %d resources, want 1-3", id, n)
		}
		if n > 0 && !slices.ContainsFunc(perCourse[id], studentFacing) {
			fail("course %s has no resource for its students: %v", id, perCourse[id])
		}
	}

	perClass := map[string]int{}
	homeroomExtras := 0
	for _, row := range classRes.rows {
		id, class, resource := row[0], classRes.get(row, "classSourcedId"), classRes.get(row, "resourceSourcedId")
		cl := ref("class resource "+id, classes, class)
		ref("class resource "+id, res, resource)
		if perClass[class]++; perClass[class] > 1 {
			fail("class %s has %d resources of its own", class, perClass[class])
		}
		if cl == nil {
			continue
		}
		if got, want := classRes.get(row, "title"), classes.get(cl, "title"); got != want {
			fail("class resource %s: title %q, the class's is %q", id, got, want)
		}
		if slices.Contains(perCourse[classes.get(cl, "courseSourcedId")], resource) {
			fail("class resource %s: %s is already a resource of the class's course", id, resource)
		}
		if classes.get(cl, "classType") == "homeroom" {
			homeroomExtras++
		}
	}

	// §10.11: enrollments (any role) and roles per user and org.
	enrolled := map[pair]bool{}
	for _, row := range enrollments.rows {
		enrolled[pair{enrollments.get(row, "userSourcedId"), enrollments.get(row, "classSourcedId")}] = true
	}
	userRoles := map[pair][]string{} // (user, org) → roles.csv roles
	primary := map[pair]string{}     // (user, org) → the primary one
	anyOrg := map[string][]string{}
	for _, row := range roles.rows {
		u, o, r := roles.get(row, "userSourcedId"), roles.get(row, "orgSourcedId"), roles.get(row, "role")
		userRoles[pair{u, o}] = append(userRoles[pair{u, o}], r)
		anyOrg[u] = append(anyOrg[u], r)
		if roles.get(row, "roleType") == "primary" {
			primary[pair{u, o}] = r
		}
	}
	clear(seen)
	byRole := map[string]int{}
	withClass, withoutClass := 0, 0
	for _, row := range userRes.rows {
		id, user, org, class, resource := row[0], userRes.get(row, "userSourcedId"), userRes.get(row, "orgSourcedId"), userRes.get(row, "classSourcedId"), userRes.get(row, "resourceSourcedId")
		ref("user resource "+id, users, user)
		rr := ref("user resource "+id, res, resource)
		if seen[pair{user, resource}] {
			fail("user %s has resource %s twice", user, resource)
		}
		seen[pair{user, resource}] = true
		have := anyOrg[user]
		if org != "" {
			if ref("user resource "+id, orgs, org) != nil {
				have = userRoles[pair{user, org}]
				if len(have) == 0 {
					fail("user resource %s: %s has no role in %s", id, user, org)
				}
			}
		}
		if class != "" {
			withClass++
			cl := ref("user resource "+id, classes, class)
			if !enrolled[pair{user, class}] {
				fail("user resource %s: %s is not enrolled in %s", id, user, class)
			}
			if cl != nil && org != "" && classes.get(cl, "schoolSourcedId") != org {
				fail("user resource %s: class %s is not of org %s", id, class, org)
			}
		} else {
			withoutClass++
		}
		if rr == nil {
			continue
		}
		rl := list(res.get(rr, "roles"))
		compatible := len(rl) == 0
		for _, r := range have {
			if slices.Contains(rl, asResourceRole(r)) {
				compatible = true
			}
		}
		if !compatible {
			fail("user resource %s: %s (roles %v) gets %s for %v", id, user, have, resource, rl)
		}
		// What the generator promises on top: the resource suits the
		// user's primary role in the org.
		switch r := primary[pair{user, org}]; r {
		case "student", "teacher", "guardian":
			byRole[r]++
			if len(rl) > 0 && !slices.Contains(rl, r) {
				fail("user resource %s: %s %s gets %s, for %v only", id, r, user, resource, rl)
			}
		default:
			fail("user resource %s: %s is a %q in %s", id, user, r, org)
		}
	}

	if rich {
		for what, n := range map[string]int{
			"resources":                      len(res.rows),
			"resources without roles":        blankRoles,
			"resources without importance":   blankImportance,
			"resources with an application":  withApp,
			"resources for students only":    roleLists["student"],
			"resources for teachers only":    roleLists["teacher"],
			"resources for both":             roleLists["student,teacher"],
			"course resources":               len(courseRes.rows),
			"class resources":                len(classRes.rows),
			"homeroom resources":             homeroomExtras,
			"user resources with a class":    withClass,
			"user resources without a class": withoutClass,
			"student allocations":            byRole["student"],
			"teacher allocations":            byRole["teacher"],
			"guardian allocations":           byRole["guardian"],
		} {
			if n == 0 {
				t.Errorf("the resources have no %s", what)
			}
		}
		if len(vendors) < 4 {
			t.Errorf("resources from %d vendors: %v", len(vendors), vendors)
		}
	}
}

// TestResourceCatalog checks the catalogue itself and what every course of
// every band gets from it.
func TestResourceCatalog(t *testing.T) {
	t.Parallel()
	if n := len(resourceCatalog); n < 40 || n > 80 {
		t.Errorf("%d resources in the catalogue, want 40-80", n)
	}
	slugs, vids := map[string]bool{}, map[string]bool{}
	codes := map[string]bool{}
	for _, tp := range templates {
		codes[tp.code] = true
	}
	for i := range resourceCatalog {
		x := &resourceCatalog[i]
		if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(x.slug) || !guidRe.MatchString(x.id()) {
			t.Errorf("bad slug %q", x.slug)
		}
		if slugs[x.slug] || vids[x.vendorResourceID] {
			t.Errorf("%s: slug or vendorResourceId twice", x.slug)
		}
		slugs[x.slug], vids[x.vendorResourceID] = true, true
		if x.lo < 0 || x.lo > x.hi || x.hi >= nGrades {
			t.Errorf("%s: grades %d-%d", x.slug, x.lo, x.hi)
		}
		for _, c := range x.courses {
			if !codes[c] {
				t.Errorf("%s: no course %s", x.slug, c)
			}
		}
		var want string // a role the kind's users must find in the list
		switch x.kind {
		case rIntervention:
			want = "student"
		case rTool:
			want = "teacher"
		case rFamily:
			want = "guardian"
		}
		if want != "" && x.roles == "" && x.kind != rIntervention || want != "" && x.roles != "" && !x.hasRole(want) {
			t.Errorf("%s: roles %q, want %s", x.slug, x.roles, want)
		}
		if x.kind == rGuide && x.roles != "teacher" {
			t.Errorf("teacher guide %s: roles %q", x.slug, x.roles)
		}
	}

	g, err := newGenerator(Options{})
	if err != nil {
		t.Fatal(err)
	}
	sh := newShelf(g)
	for b, cat := range g.catalogs {
		lo, hi := band(b).grades()
		for k := range cat.courses {
			c := &cat.courses[k]
			got := sh.course[b][k]
			if c.homeroom {
				if len(got) != 0 || len(sh.extra[b][k]) == 0 {
					t.Errorf("band %d homeroom %s: resources %v, extras %v", b, c.code, got, sh.extra[b][k])
				}
				continue
			}
			if len(got) < 1 || len(got) > 3 || resourceCatalog[got[0]].kind != rText {
				t.Errorf("band %d course %s: resources %v, want a text and up to two more", b, c.code, got)
			}
			for _, i := range got {
				if x := &resourceCatalog[i]; !x.fits(c) {
					t.Errorf("band %d course %s gets %s, which does not fit it", b, c.code, x.slug)
				}
			}
			for _, i := range sh.extra[b][k] {
				if slices.Contains(got, i) || resourceCatalog[i].kind != rDigital {
					t.Errorf("band %d course %s: extra %s", b, c.code, resourceCatalog[i].slug)
				}
			}
		}
		if len(sh.tools[b]) < 3 || len(sh.family[b]) == 0 {
			t.Errorf("band %d: tools %v, family %v", b, sh.tools[b], sh.family[b])
		}
		for gr := lo; gr <= hi; gr++ {
			if len(sh.interv[gr]) < 2 {
				t.Errorf("grade %d: interventions %v", gr, sh.interv[gr])
			}
		}
	}
	// The district adopts one curriculum: a course code gets the same
	// resources in every band that teaches it.
	byCode := map[string][]int{}
	for b, cat := range g.catalogs {
		for k := range cat.courses {
			code := cat.courses[k].code
			if prev, ok := byCode[code]; ok && !slices.Equal(prev, sh.course[b][k]) {
				t.Errorf("course %s: %v in one band, %v in another", code, prev, sh.course[b][k])
			}
			byCode[code] = sh.course[b][k]
		}
	}
}

// TestResourceIDs pins the id schemes documented in resources.go.
func TestResourceIDs(t *testing.T) {
	t.Parallel()
	dir, _ := mustWrite(t, Options{Students: 2600, Seed: 4})
	p := parseDir(t, dir)
	for name, re := range map[string]*regexp.Regexp{
		"resources":       regexp.MustCompile(`^rsc-[a-z0-9-]+$`),
		"courseResources": regexp.MustCompile(`^crr-\d{3}-[A-Z0-9-]+\.[1-3]$`),
		"classResources":  regexp.MustCompile(`^clr-\d{3}-[A-Z0-9-]+\.\d{2}$`),
		"userResources":   regexp.MustCompile(`^urr/(stu-\d{6}|tch-\d{5}|grd-\d{6}\.[12])@district/[a-z0-9-]+$`),
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
	for _, row := range p["courseResources"].rows {
		f := p["courseResources"]
		if tail := strings.TrimPrefix(f.get(row, "courseSourcedId"), "crs-"); !strings.HasPrefix(row[0], "crr-"+tail+".") {
			t.Errorf("course resource %s of course %s", row[0], f.get(row, "courseSourcedId"))
		}
	}
	for _, row := range p["classResources"].rows {
		f := p["classResources"]
		if want := "clr-" + strings.TrimPrefix(f.get(row, "classSourcedId"), "cls-"); row[0] != want {
			t.Errorf("class resource %s, want %s", row[0], want)
		}
	}
	for _, row := range p["userResources"].rows {
		f := p["userResources"]
		if want := "urr/" + f.get(row, "userSourcedId") + "/" + strings.TrimPrefix(f.get(row, "resourceSourcedId"), "rsc-"); row[0] != want {
			t.Errorf("user resource %s, want %s", row[0], want)
		}
	}
}

func TestResourcesScale(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1000, 12000} {
		dir, sum := mustWrite(t, Options{Students: n, Seed: 8})
		p := parseDir(t, dir)
		if got := sum.Files["resources.csv"]; got != len(resourceCatalog) {
			t.Errorf("n=%d: %d resources, want the catalogue's %d", n, got, len(resourceCatalog))
		}
		scheduled := 0
		for _, row := range p["courses"].rows {
			if !strings.HasPrefix(p["courses"].get(row, "courseCode"), "HR-") {
				scheduled++
			}
		}
		if r := float64(sum.Files["courseResources.csv"]) / float64(scheduled); r < 1.5 || r > 2.8 {
			t.Errorf("n=%d: %.2f resources per scheduled course", n, r)
		}
		if r := float64(sum.Files["classResources.csv"]) / float64(sum.Classes); r < 0.2 || r > 0.4 {
			t.Errorf("n=%d: %.2f classes with a resource of their own, want about 30 %%", n, r)
		}
		count := map[string]int{}
		for _, row := range p["userResources"].rows {
			count[p["userResources"].get(row, "userSourcedId")[:3]]++
		}
		if r := float64(count["stu"]) / float64(n); r < 0.07 || r > 0.12 {
			t.Errorf("n=%d: %.3f of the students have an intervention, want about 10 %%", n, r)
		}
		if r := float64(count["tch"]) / float64(sum.Teachers); r < 0.2 || r > 0.4 {
			t.Errorf("n=%d: %.3f teacher tools per teacher", n, r)
		}
		if count["grd"] == 0 {
			t.Errorf("n=%d: no guardian allocations", n)
		}
	}
}
