package generate

import "strings"

// Headers: the catalogue's columns (internal/oneroster/schema), the
// order of the OneRoster 1.2.1 CSV binding. The writers below fill rows in
// this order; generate_test holds the binding's headers to compare.
var (
	academicSessionsHeader = header("academicSessions")
	classesHeader          = header("classes")
	coursesHeader          = header("courses")
	demographicsHeader     = header("demographics")
	enrollmentsHeader      = header("enrollments")
	orgsHeader             = header("orgs")
	rolesHeader            = header("roles")
	userProfilesHeader     = header("userProfiles")
	usersHeader            = header("users")
)

// In bulk files status and dateLastModified stay blank: every put below
// passes "", "" after the sourcedId.

var departments = []struct{ code, name string }{
	{"math", "Mathematics"}, {"sci", "Science"}, {"eng", "English"}, {"lang", "World Languages"},
}

func writeOrgs(g *generator, t *table) error {
	d := &g.district
	t.put(d.id, "", "", d.name, "district", d.nces, "")
	for i := range g.schools {
		s := &g.schools[i]
		t.put(s.id, "", "", s.name, "school", s.nces, d.id)
		if s.band.hasDepartments() {
			for _, dp := range departments {
				t.put(s.id+"/dept-"+dp.code, "", "", s.name+" "+dp.name+" Department", "department",
					s.nces+"-"+strings.ToUpper(dp.code), s.id)
			}
		}
	}
	return t.check()
}

func writeAcademicSessions(g *generator, t *table) error {
	for _, x := range g.sessions {
		t.put(x.id, "", "", x.title, x.typ, x.from, x.to, x.parent, g.year)
	}
	return t.check()
}

func writeCourses(g *generator, t *table) error {
	year := g.sessions[0].id
	for i := range g.schools {
		s := &g.schools[i]
		for k := range g.catalogs[s.band].courses {
			c := &g.catalogs[s.band].courses[k]
			t.put(courseID(s, c), "", "", year, c.title, c.code, c.grades, s.id, c.subjects, c.subjectCodes)
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func writeClasses(g *generator, t *table) error {
	p := newPlanner(g)
	terms := [2][2]string{{g.term(0).id, g.term(0).id + "," + g.term(1).id}, {"", g.term(1).id}}
	for i := range g.schools {
		s := &g.schools[i]
		pl := p.build(s)
		for ci := range pl.classes {
			cl := &pl.classes[ci]
			c := &pl.cat.courses[cl.course]
			sec := pad(int(cl.section)+1, 2)
			typ := "scheduled"
			if c.homeroom {
				typ = "homeroom"
			}
			a, b := pl.terms(ci)
			t.put(pl.classIDs[ci], "", "", pl.title(ci), c.grades, courseID(s, c), c.code+"-"+sec, typ,
				pl.location(ci), s.id, terms[a][b], c.subjects, c.subjectCodes, pl.periods(ci))
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// writeEnrollments lists each class's teachers, then each student's
// classes. Enrollment ids count up within a school.
func writeEnrollments(g *generator, t *table) error {
	p := newPlanner(g)
	yearStart := g.sessions[0].start
	for i := range g.schools {
		s := &g.schools[i]
		pl := p.build(s)
		n := 0
		next := func() string {
			n++
			return "enr-" + s.num + "-" + pad(n, 6)
		}
		for ci := range pl.classes {
			cl := &pl.classes[ci]
			t.put(next(), "", "", pl.classIDs[ci], s.id, teacherID(int(pl.pool[cl.primary])), "teacher", "true", "", "")
			if cl.co >= 0 {
				begin, end := "", ""
				if cl.coGP >= 0 {
					gp := g.gp(int(cl.coGP))
					begin, end = gp.from, gp.to
				}
				t.put(next(), "", "", pl.classIDs[ci], s.id, teacherID(int(pl.pool[cl.co])), "teacher", "false", begin, end)
			}
		}
		for j := range pl.students {
			st := &pl.students[j]
			id := studentID(s.firstStudent + j)
			for _, ci := range st.classes[:st.n] {
				// Late joiners and leavers get dates inside the class's terms.
				begin, end := "", ""
				if st.join > 0 || st.leave > 0 {
					a, b := pl.terms(int(ci))
					from, to := g.term(a).start, g.term(b).end
					if d := yearStart.AddDate(0, 0, int(st.join)); st.join > 0 && d.After(from) {
						begin = day(d)
					}
					if d := yearStart.AddDate(0, 0, int(st.leave)); st.leave > 0 && d.After(from) && d.Before(to) {
						end = day(d)
					}
				}
				t.put(next(), "", "", pl.classIDs[ci], s.id, id, "student", "false", begin, end)
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}
