package generate

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Id schemes. Every id is a pure function of the layout, so a pass can name
// users of other schools (visiting teachers, partner-school roles) without
// looking them up.

func studentID(i int) string       { return "stu-" + pad(i+1, 6) + "@district" }
func teacherID(i int) string       { return "tch-" + pad(i+1, 5) + "@district" }
func guardianID(key, k int) string { return "grd-" + pad(key, 6) + "." + strconv.Itoa(k) + "@district" }
func adminID(org, tag string) string {
	return "adm-" + org + "." + tag + "@district"
}
func courseID(s *school, c *course) string { return "crs-" + s.num + "-" + c.code }

// classID names section sec (from 0) of course c.
func classID(s *school, c *course, sec int) string {
	return "cls-" + s.num + "-" + c.code + "." + pad(sec+1, 2)
}
func roleID(user, org, role string) string { return "rol/" + user + "/" + org + "." + role }
func profileID(user, app string) string    { return "upr/" + user + "/" + app }

// studentNumber is the SIS student number (users.identifier).
func studentNumber(i int) string { return strconv.Itoa(100001 + i) }

// stateID is a unique ten-digit state student id: multiplying by a number
// coprime with 10^9 permutes the residues, so no two students collide.
func stateID(seed uint64, i int) string {
	return strconv.FormatUint(1_000_000_000+(uint64(i)*2654435761+seed*7919)%1_000_000_000, 10)
}

func educatorID(seed uint64, i int) string {
	return "ED" + strconv.FormatUint(1_000_000+(uint64(i)*7654321+seed*31)%9_000_000, 10)
}

type admin struct{ tag, role string }

var (
	schoolAdmins   = []admin{{"principal", "principal"}, {"siteadmin", "siteAdministrator"}, {"counselor", "counselor"}}
	districtAdmins = []admin{{"superintendent", "districtAdministrator"}, {"sisadmin", "systemAdministrator"}}
)

// admins: elementary schools have no counselor of their own.
func (s *school) admins() []admin {
	if s.band == elementary {
		return schoolAdmins[:2]
	}
	return schoolAdmins
}

// app is a third-party application in which some users have an account
// (userProfiles.csv).
type app struct {
	key, profileType, vendorID, applicationID, description, credentialType string
}

var (
	studentApps = []app{
		{"mathquest", "MathQuest Learner", "mathquest.example", "mathquest-web", "Adaptive math practice", "password"},
		{"readingroots", "Reading Roots Reader", "readingroots.example", "rr-ipad", "Leveled reading library (iPad app)", "sso"},
		{"codecanvas", "CodeCanvas Student", "codecanvas.example", "", "Block and text coding studio", "password"},
	}
	teacherApps = []app{
		{"gradebridge", "GradeBridge Teacher", "gradebridge.example", "gb-desktop", "Gradebook sync agent", "sso"},
		{"mathquest", "MathQuest Teacher", "mathquest.example", "mathquest-web", "Class dashboards for MathQuest", "password"},
	}
)

// login gives the profile's credential username: single sign-on apps reuse
// the district username, the others get an app-specific one.
func (a *app) login(username string) string {
	if a.credentialType == "sso" {
		return username
	}
	return username + "@" + a.key
}

var mailDomains = []string{"example.com", "example.net", "mail.example.org"}

// pass holds the per-goroutine state of one file pass: identities come from
// id, side decisions (profiles, aides, household surnames) from aux, so
// that drawing one never disturbs the other.
type pass struct {
	g       *generator
	id, aux *stream
	p       *planner
}

func newPass(g *generator) *pass {
	return &pass{g: g, id: newStream(), aux: newStream(), p: newPlanner(g)}
}

func (x *pass) householdName(key int) string {
	return surname(x.aux.at(x.g.seed, kHousehold, uint64(key), 0))
}

// student returns student j of the plan and the stream positioned after the
// person, for further draws about the same student.
func (x *pass) student(pl *plan, j int) (person, *rand.Rand) {
	family := x.householdName(pl.households[pl.students[j].hh].key)
	r := x.id.at(x.g.seed, kStudent, uint64(pl.s.firstStudent+j), 0)
	return newPerson(r, family, 0.85, false), r
}

func (x *pass) guardian(key, k int) (person, *rand.Rand) {
	family := x.householdName(key)
	share := 0.55
	if k == 1 {
		share = 0.95
	}
	r := x.id.at(x.g.seed, kGuardian, uint64(key), uint64(k))
	return newPerson(r, family, share, true), r
}

func (x *pass) teacher(i int) (person, *rand.Rand) {
	r := x.id.at(x.g.seed, kTeacher, uint64(i), 0)
	return newPerson(r, "", 0, true), r
}

// admin: org is 0 for the district, 1+school index for a school.
func (x *pass) admin(org, k int) (person, *rand.Rand) {
	r := x.id.at(x.g.seed, kAdmin, uint64(org), uint64(k))
	return newPerson(r, "", 0, true), r
}

// profile tells whether a user (kind k, number i) has an app account; about
// one in five students and teachers do.
func (x *pass) profile(k kind, i int, apps []app) (*app, bool) {
	r := x.aux.at(x.g.seed, kProfile, uint64(k), uint64(i))
	if !chance(r, 0.2) {
		return nil, false
	}
	return &apps[r.IntN(len(apps))], true
}

// aide: a few guardians volunteer as classroom aides at their school.
func (x *pass) aide(key, k int) bool {
	return chance(x.aux.at(x.g.seed, kGuardian, uint64(key), 100+uint64(k)), 0.02)
}

// newHire: a few teachers joined the school this year and their role has a
// begin date.
func (x *pass) newHire(i int) bool {
	return chance(x.aux.at(x.g.seed, kTeacher, uint64(i), 1), 0.08)
}

func studentUsername(p *person, i int) string {
	return login(p.given, 1) + login(p.base, 12) + studentNumber(i)
}

func teacherUsername(p *person, i int) string {
	return login(p.given, 12) + "." + login(p.base, 16) + strconv.Itoa(i+1)
}

// phone numbers use the 555-01xx exchange reserved for fiction.
func phone(r *rand.Rand, area string) string {
	return "(" + area + ") 555-01" + pad(r.IntN(100), 2)
}

// agentsOfStudent lists the guardians of student j: the household's own
// guardians and a teacher who is a parent there.
func (pl *plan) agentsOfStudent(j int) string {
	h := &pl.households[pl.students[j].hh]
	var b strings.Builder
	for k := 1; k <= int(h.guardians); k++ {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(guardianID(h.key, k))
	}
	if h.teacher >= 0 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(teacherID(pl.s.firstTeacher + int(h.teacher)))
	}
	return b.String()
}

// agentsOfHousehold lists the students of household h, for their guardians.
func (pl *plan) agentsOfHousehold(h int32) string {
	var b strings.Builder
	for _, m := range pl.hhMembers(h) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(studentID(pl.s.firstStudent + int(m)))
	}
	return b.String()
}

// gradeList formats a grade bit set as a grades column value.
func gradeList(mask uint16) string {
	var b strings.Builder
	for g := range nGrades {
		if mask&(1<<g) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(gradeCodes[g])
		}
	}
	return b.String()
}
