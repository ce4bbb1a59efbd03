package generate

import (
	"strconv"
	"time"
)

// writeUsers writes, per school, the administrators, the teachers, the
// students and then the students' guardians; the district's own staff
// come first.
func writeUsers(g *generator, t *table) error {
	x := newPass(g)
	for k, a := range districtAdmins {
		x.putAdmin(t, 0, "district", g.district.id, k, a)
	}
	for i := range g.schools {
		s := &g.schools[i]
		pl := x.p.build(s)
		for k, a := range s.admins() {
			x.putAdmin(t, i+1, s.num, s.id, k, a)
		}
		for lt := range s.teachers {
			x.putTeacher(t, pl, lt)
		}
		for j := range pl.students {
			x.putStudent(t, pl, j)
		}
		for h := range pl.households {
			for k := 1; k <= int(pl.households[h].guardians); k++ {
				x.putGuardian(t, pl, int32(h), k)
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func enabled(ok bool) string {
	if ok {
		return "true"
	}
	return "false"
}

func (x *pass) putAdmin(t *table, org int, orgNum, orgID string, k int, a admin) {
	p, r := x.admin(org, k)
	user := login(p.given, 12) + "." + login(p.base, 16) + "." + a.tag
	if org > 0 {
		user += strconv.Itoa(org)
	}
	staff := "A" + pad(org, 3) + strconv.Itoa(k+1)
	t.put(adminID(orgNum, a.tag), "", "", "true", user, "{LDAP:"+user+"},{SIS:"+staff+"}",
		p.given, p.family, p.middle, staff, user+"@"+x.g.district.domain, "", phone(r, x.g.district.state.area),
		"", "", "", "", p.prefGiven, p.prefMiddle, p.prefFamily, orgID, p.pronouns)
}

func (x *pass) putTeacher(t *table, pl *plan, lt int) {
	i := pl.s.firstTeacher + lt
	p, r := x.teacher(i)
	user := teacherUsername(&p, i)
	area := x.g.district.state.area
	tel, sms := "", ""
	if chance(r, 0.5) {
		tel = phone(r, area) + " ext. " + strconv.Itoa(1000+r.IntN(9000))
	}
	if chance(r, 0.2) {
		sms = phone(r, area)
	}
	on := !chance(r, 0.01)
	agents := ""
	if h := pl.teacherHH[lt]; h >= 0 {
		agents = pl.agentsOfHousehold(h)
	}
	employee := "E" + pad(i+1, 5)
	t.put(teacherID(i), "", "", enabled(on), user, "{LDAP:"+user+"},{SIS:"+employee+"}",
		p.given, p.family, p.middle, employee, user+"@"+x.g.district.domain, sms, tel,
		agents, gradeList(pl.grades[lt]), "", educatorID(x.g.seed, i), p.prefGiven, p.prefMiddle, p.prefFamily,
		pl.s.id, p.pronouns)
}

func (x *pass) putStudent(t *table, pl *plan, j int) {
	i := pl.s.firstStudent + j
	st := &pl.students[j]
	p, r := x.student(pl, j)
	number := studentNumber(i)
	user := studentUsername(&p, i)
	email := user + "@students." + x.g.district.domain
	if st.grade <= 2 && chance(r, 0.5) {
		email = "" // many districts give no mailbox to the youngest
	}
	sms := ""
	if st.grade >= 9 && chance(r, 0.15) {
		sms = phone(r, x.g.district.state.area)
	}
	t.put(studentID(i), "", "", enabled(st.leave == 0), user, "{LDAP:"+user+"},{SIS:"+number+"}",
		p.given, p.family, p.middle, number, email, sms, "",
		pl.agentsOfStudent(j), gradeCodes[st.grade], "", stateID(x.g.seed, i), p.prefGiven, p.prefMiddle, p.prefFamily,
		pl.s.id, p.pronouns)
}

func (x *pass) putGuardian(t *table, pl *plan, h int32, k int) {
	key := pl.households[h].key
	p, r := x.guardian(key, k)
	email := login(p.given, 12) + "." + login(p.base, 16) + "." + strconv.Itoa(key*10+k) + "@" + pick(r, mailDomains)
	area := x.g.district.state.area
	tel, sms := "", ""
	if chance(r, 0.85) {
		tel = phone(r, area)
	}
	if chance(r, 0.6) {
		sms = phone(r, area)
	}
	on := !chance(r, 0.02)
	id := "G" + pad(key, 6) + "-" + strconv.Itoa(k)
	t.put(guardianID(key, k), "", "", enabled(on), email, "{SIS:"+id+"}",
		p.given, p.family, p.middle, id, email, sms, tel,
		pl.agentsOfHousehold(h), "", "", "", p.prefGiven, p.prefMiddle, p.prefFamily,
		pl.s.id, p.pronouns)
}

// writeRoles gives every user a primary role in their primary org, plus:
// visiting teachers a primary teacher role at the partner school, teachers
// who are parents a secondary guardian role, and volunteering guardians a
// secondary aide role. Roles that use an app account point at the user's
// profile.
func writeRoles(g *generator, t *table) error {
	x := newPass(g)
	for _, a := range districtAdmins {
		id := adminID("district", a.tag)
		t.put(roleID(id, "district", a.role), "", "", id, "primary", a.role, "", "", g.district.id, "")
	}
	t1, t2 := g.term(0), g.term(1)
	yearStart := g.sessions[0].start
	dayOf := func(off int16) string {
		if off == 0 {
			return ""
		}
		return day(yearStart.AddDate(0, 0, int(off)))
	}
	for i := range g.schools {
		s := &g.schools[i]
		pl := x.p.build(s)
		for _, a := range s.admins() {
			id := adminID(s.num, a.tag)
			t.put(roleID(id, s.code, a.role), "", "", id, "primary", a.role, "", "", s.id, "")
		}
		for lt := range s.teachers {
			ti := s.firstTeacher + lt
			id := teacherID(ti)
			prof := ""
			if a, ok := x.profile(kTeacher, ti, teacherApps); ok {
				prof = profileID(id, a.key)
			}
			begin := ""
			if x.newHire(ti) {
				begin = t1.start.AddDate(0, 0, -7).Format(time.DateOnly)
			}
			t.put(roleID(id, s.code, "teacher"), "", "", id, "primary", "teacher", begin, "", s.id, prof)
			if pl.itinerant[lt] {
				ps := &g.schools[s.partner]
				t.put(roleID(id, ps.code, "teacher"), "", "", id, "primary", "teacher", t1.from, t2.to, ps.id, "")
			}
			if pl.teacherHH[lt] >= 0 {
				t.put(roleID(id, s.code, "guardian"), "", "", id, "secondary", "guardian", "", "", s.id, "")
			}
		}
		for j := range pl.students {
			si := s.firstStudent + j
			id := studentID(si)
			prof := ""
			if a, ok := x.profile(kStudent, si, studentApps); ok {
				prof = profileID(id, a.key)
			}
			st := &pl.students[j]
			t.put(roleID(id, s.code, "student"), "", "", id, "primary", "student", dayOf(st.join), dayOf(st.leave), s.id, prof)
		}
		for h := range pl.households {
			hh := &pl.households[h]
			for k := 1; k <= int(hh.guardians); k++ {
				id := guardianID(hh.key, k)
				t.put(roleID(id, s.code, "guardian"), "", "", id, "primary", "guardian", "", "", s.id, "")
				if x.aide(hh.key, k) {
					t.put(roleID(id, s.code, "aide"), "", "", id, "secondary", "aide", "", "", s.id, "")
				}
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func writeUserProfiles(g *generator, t *table) error {
	x := newPass(g)
	for i := range g.schools {
		s := &g.schools[i]
		pl := x.p.build(s)
		for lt := range s.teachers {
			ti := s.firstTeacher + lt
			if a, ok := x.profile(kTeacher, ti, teacherApps); ok {
				p, _ := x.teacher(ti)
				putProfile(t, teacherID(ti), a, teacherUsername(&p, ti))
			}
		}
		for j := range pl.students {
			si := s.firstStudent + j
			if a, ok := x.profile(kStudent, si, studentApps); ok {
				p, _ := x.student(pl, j)
				putProfile(t, studentID(si), a, studentUsername(&p, si))
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func putProfile(t *table, user string, a *app, username string) {
	t.put(profileID(user, a.key), "", "", user, a.profileType, a.vendorID, a.applicationID, a.description,
		a.credentialType, a.login(username), "")
}

var sexes = map[byte]string{'m': "male", 'f': "female", 'u': "unspecified", 'o': "other"}

// residence codes are CEDS Public School Residence Status options.
var residence = []struct {
	code string
	p    float64 // cumulative
}{{"01652", 0.86}, {"01653", 0.95}, {"01654", 0.99}, {"01656", 1}}

// writeDemographics writes one row per student, keyed by the student's own
// sourcedId. Birth dates follow the September 1 kindergarten cut-off, with a
// few students a year older (retained) or younger (skipped ahead).
func writeDemographics(g *generator, t *table) error {
	x := newPass(g)
	y := g.o.SchoolYear
	home := g.district.state
	for i := range g.schools {
		s := &g.schools[i]
		pl := x.p.build(s)
		for j := range pl.students {
			si := s.firstStudent + j
			p, _ := x.student(pl, j)
			r := x.aux.at(g.seed, kDemographics, uint64(si), 0)

			born := y - 7 - int(pl.students[j].grade)
			switch v := r.Float64(); {
			case v < 0.03:
				born--
			case v > 0.99:
				born++
			}
			birth := time.Date(born, time.September, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))

			// Flags: American Indian or Alaska Native, Asian, Black, Native
			// Hawaiian or Pacific Islander, White, two or more.
			var race [6]string
			known := true
			switch v := r.Float64(); {
			case v < 0.50:
				race[4] = "true"
			case v < 0.67:
				race[2] = "true"
			case v < 0.80:
				race[1] = "true"
			case v < 0.82:
				race[0] = "true"
			case v < 0.83:
				race[3] = "true"
			case v < 0.89:
				a := r.IntN(5)
				b := (a + 1 + r.IntN(4)) % 5
				race[a], race[b], race[5] = "true", "true", "true"
			default:
				known = false // declined to answer: leave the flags blank
			}
			if known {
				for k := range race {
					if race[k] == "" {
						race[k] = "false"
					}
				}
			}
			hispanic := enabled(chance(r, 0.26))
			if chance(r, 0.01) {
				hispanic = ""
			}

			countryCode, stateAbbr, city := "US", "", ""
			if chance(r, 0.88) {
				st := home
				if chance(r, 0.2) {
					st = pick(r, states)
				}
				stateAbbr, city = st.abbr, pick(r, st.cities)
			} else {
				c := pick(r, birthCountries)
				countryCode, city = c.code, pick(r, c.cities)
			}
			res, v := "", r.Float64()
			for _, x := range residence {
				if v < x.p {
					res = x.code
					break
				}
			}
			t.put(studentID(si), "", "", day(birth), sexes[p.sex],
				race[0], race[1], race[2], race[3], race[4], race[5], hispanic,
				countryCode, stateAbbr, city, res)
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}
