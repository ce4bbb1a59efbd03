package generate

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Gradebook headers, from the catalogue (see rostering.go).
var (
	categoriesHeader                   = header("categories")
	scoreScalesHeader                  = header("scoreScales")
	lineItemsHeader                    = header("lineItems")
	lineItemScoreScalesHeader          = header("lineItemScoreScales")
	lineItemLearningObjectiveIdsHeader = header("lineItemLearningObjectiveIds")
	resultsHeader                      = header("results")
	resultScoreScalesHeader            = header("resultScoreScales")
	resultLearningObjectiveIdsHeader   = header("resultLearningObjectiveIds")
)

// The gradebook, in brief. Categories are district-wide. Every course has a
// score scale (letter grades; proficiency levels in elementary schools)
// attached to its first section. Every scheduled class (homerooms have no
// gradebook) gets one line item per grading period it runs in, so four for
// a year-long class and two for a one-term class: about 19 results per
// student. The sections of a course share their assessments (title, dates,
// category, objectives), as in a department with common assessments; the
// categories rotate over the grading periods. Tests are graded on the
// course's scale and are aligned with one to three learning objectives,
// projects and a few other items with fewer. Every student enrolled in a
// class gets a result for each of its line items.
//
// The ids derive from the line item's, itself the class id with the item's
// number in the class: li-cls-003-ALG1.02.3, res-cls-003-ALG1.02.3-004512
// (for student stu-004512@district), rss-…-004512, rlo-…-004512.1 (first
// objective), lss-cls-003-ALG1.02.3, llo-cls-003-ALG1.02.3.1. Categories
// are cat-homework and so on; a course's scale is ssc-<course id>.

const (
	catHomework = iota
	catQuiz
	catTest
	catProject
)

var categories = [...]struct{ id, title, weight string }{
	{"cat-homework", "Homework", "20"},
	{"cat-quizzes", "Quizzes", "20"},
	{"cat-tests", "Tests", "40"},
	{"cat-projects", "Projects", "20"},
}

func writeCategories(_ *generator, t *table) error {
	for _, c := range categories {
		t.put(c.id, "", "", c.title, c.weight)
	}
	return t.check()
}

// scale is a score scale over percentages: grades[i] covers from[i] up to
// the previous grade's bound.
type scale struct {
	title, typ, values string
	from               []int
	grades             []string
}

var (
	letterScale = &scale{"Letter Grades (A-F)", "letter grade", "{90-100:A},{80-89:B},{70-79:C},{60-69:D},{0-59:F}",
		[]int{90, 80, 70, 60, 0}, []string{"A", "B", "C", "D", "F"}}
	proficiencyScale = &scale{"Standards-Based Proficiency", "proficiency level", "{90-100:Exceeds},{75-89:Meets},{60-74:Approaching},{0-59:Beginning}",
		[]int{90, 75, 60, 0}, []string{"Exceeds", "Meets", "Approaching", "Beginning"}}
)

// grade gives the scale value of a percentage; a fraction never rounds up
// (89.5 % is a B), as the ranges hold whole numbers.
func (sc *scale) grade(pct float64) string {
	p := int(math.Floor(pct))
	for i, f := range sc.from {
		if p >= f {
			return sc.grades[i]
		}
	}
	return sc.grades[len(sc.grades)-1]
}

func scaleOf(s *school) *scale {
	if s.band == elementary {
		return proficiencyScale
	}
	return letterScale
}

func scaleID(s *school, c *course) string { return "ssc-" + courseID(s, c) }

func writeScoreScales(g *generator, t *table) error {
	for i := range g.schools {
		s := &g.schools[i]
		sc := scaleOf(s)
		for k := range g.catalogs[s.band].courses {
			c := &g.catalogs[s.band].courses[k]
			if c.homeroom {
				continue
			}
			t.put(scaleID(s, c), "", "", c.title+": "+sc.title, sc.typ, s.id, courseID(s, c), classID(s, c, 0), sc.values)
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// slot is the assessment a course gives in one grading period: every
// section that runs in that period has it as a line item.
type slot struct {
	cat         int
	max         string  // resultValueMax as written
	maxV, step  float64 // maximum and score granularity
	hard        float64 // difficulty, in percentage points off the students' usual level
	due         int16   // day offset from the school-year start
	from, to    string  // assignDate, dueDate
	title, desc string
	source      string   // of the learning objectives
	objectives  []string // learning objective ids, often none
}

// item is one line item: a slot in one class.
type item struct {
	class int32 // plan class index
	slot  int32 // index in book.slots
	gp    int8
	id    string
}

// pupil holds what the results need about a student beyond the plan.
type pupil struct {
	ability  float64 // usual percentage
	missRate float64 // chance of not turning work in
	id, num  string  // sourcedId, and the student number used in result ids
}

// book is one school's gradebook, rebuilt from the seed by every pass that
// needs it, like the plan it extends.
type book struct {
	pl      *plan
	slots   []slot  // 4 per course, by grading period; empty for homerooms
	items   []item  // grouped by class
	roster  []int32 // local student indexes grouped by class
	rfirst  []int32 // per class, its first roster entry; one extra entry at the end
	next    []int32 // scratch
	pupils  []pupil
	letters []bool // per class: the teacher links results to the score scale
	mastery []bool // per class: the teacher scores results per learning objective
}

type booker struct {
	g               *generator
	p               *planner
	st, aux, result *stream
	b               book
}

func newBooker(g *generator) *booker {
	return &booker{g: g, p: newPlanner(g), st: newStream(), aux: newStream(), result: newStream()}
}

// build plans school s and its line items; withResults also fills the
// rosters and the pupils.
func (k *booker) build(s *school, withResults bool) *book {
	g, b := k.g, &k.b
	pl := k.p.build(s)
	b.pl = pl
	cat := pl.cat

	b.slots = resize(b.slots, 4*len(cat.courses))
	for c := range cat.courses {
		x := &cat.courses[c]
		if x.homeroom {
			continue
		}
		r := k.st.at(g.seed, kCourseBook, uint64(s.idx), uint64(c))
		rot := r.IntN(4)
		for gp := range 4 {
			k.slot(&b.slots[4*c+gp], r, x, gp, (rot+gp)%4)
		}
	}

	b.items = b.items[:0]
	for ci := range pl.classes {
		c := pl.classes[ci].course
		if cat.courses[c].homeroom {
			continue
		}
		first, last := pl.gpRange(ci)
		for gp := first; gp <= last; gp++ {
			b.items = append(b.items, item{
				class: int32(ci), slot: 4*c + int32(gp), gp: int8(gp),
				id: "li-" + pl.classIDs[ci] + "." + strconv.Itoa(gp-first+1),
			})
		}
	}
	if !withResults {
		return b
	}

	// Rosters: a counting sort of the students' classes.
	nc := len(pl.classes)
	b.rfirst = resize(b.rfirst, nc+1)
	for j := range pl.students {
		for _, ci := range pl.students[j].classes[:pl.students[j].n] {
			b.rfirst[ci+1]++
		}
	}
	for ci := range nc {
		b.rfirst[ci+1] += b.rfirst[ci]
	}
	b.roster = resize(b.roster, int(b.rfirst[nc]))
	b.next = resize(b.next, nc)
	copy(b.next, b.rfirst)
	for j := range pl.students {
		for _, ci := range pl.students[j].classes[:pl.students[j].n] {
			b.roster[b.next[ci]] = int32(j)
			b.next[ci]++
		}
	}

	b.letters, b.mastery = resize(b.letters, nc), resize(b.mastery, nc)
	for ci := range nc {
		r := k.st.at(g.seed, kClassBook, uint64(s.idx), uint64(ci))
		b.letters[ci], b.mastery[ci] = chance(r, 0.4), chance(r, 0.3)
	}

	b.pupils = resize(b.pupils, len(pl.students))
	for j := range b.pupils {
		i := s.firstStudent + j
		r := k.st.at(g.seed, kAbility, uint64(i), 0)
		b.pupils[j] = pupil{
			ability:  min(99, max(40, 80+9*r.NormFloat64())),
			missRate: min(0.5, 0.04*math.Exp(0.8*r.NormFloat64())),
			id:       studentID(i),
			num:      pad(i+1, 6),
		}
	}
	return b
}

// slot draws the assessment of course c in grading period gp. Its dates lie
// on school days inside the grading period.
func (k *booker) slot(x *slot, r *rand.Rand, c *course, gp, cat int) {
	g := k.g
	base := g.sessions[0].start
	ses := g.gp(gp)
	start, end := dayOffset(base, ses.start), dayOffset(base, ses.end)
	n := end - start
	var a, d int
	switch cat {
	case catHomework:
		a = start + 3 + r.IntN(max(1, n-14))
		d = a + 2 + r.IntN(4)
	case catQuiz:
		a = start + 7 + r.IntN(max(1, n-21))
		d = a + 3 + r.IntN(5)
	case catTest:
		a = start + n/2 + r.IntN(max(1, n/2-14))
		d = a + 5 + r.IntN(5)
	default:
		a = start + 3 + r.IntN(max(1, n/3))
		d = a + 14 + r.IntN(8)
	}
	a = max(start, schoolDay(base, min(a, end-1)))
	d = max(a, schoolDay(base, min(d, end-1)))

	*x = slot{cat: cat, max: "100.0", maxV: 100, step: 1, hard: 4 * r.NormFloat64(), due: int16(d)}
	x.from, x.to = day(base.AddDate(0, 0, a)), day(base.AddDate(0, 0, d))
	if cat == catQuiz {
		x.max, x.maxV, x.step = "10.0", 10, 0.5
		if chance(r, 0.5) {
			x.max, x.maxV = "20.0", 20
		}
	}
	unit := gp + 1
	if !c.year {
		unit = gp%2 + 1
	}
	subject := c.subjectCodes[:2]
	topic := pick(r, topics[subject])
	switch cat {
	case catHomework:
		x.title = topic + " Practice"
	case catQuiz:
		x.title = "Quiz: " + topic
	case catTest:
		x.title = "Unit " + strconv.Itoa(unit) + " Test: " + topic
	default:
		x.title = topic + " Project"
	}
	if chance(r, 0.6) {
		x.desc = pick(r, descriptions[cat])
	}

	objs := 0
	switch {
	case cat == catTest:
		objs = 1 + r.IntN(3)
	case cat == catProject && chance(r, 0.5):
		objs = 1 + r.IntN(2)
	case chance(r, 0.1):
		objs = 1
	}
	if objs == 0 {
		return
	}
	// Core subjects are aligned with standards published in CASE; the
	// others with the district's own learning targets.
	core := subject <= "04"
	x.source = "unknown"
	if core {
		x.source = "case"
	}
	first := r.IntN(objectivesPerCourse)
	x.objectives = make([]string, objs)
	for o := range objs {
		n := (first + o) % objectivesPerCourse
		if core {
			x.objectives[o] = caseID(k.aux.at(g.seed, kObjective, hashString(c.code), uint64(n)))
		} else {
			x.objectives[o] = c.code + ".LT" + pad(n+1, 2)
		}
	}
}

const objectivesPerCourse = 8

func dayOffset(base, t time.Time) int { return int(t.Sub(base).Hours() / 24) }

// schoolDay moves a weekend day offset back to the Friday before.
func schoolDay(base time.Time, off int) int {
	switch base.AddDate(0, 0, off).Weekday() {
	case time.Saturday:
		return off - 1
	case time.Sunday:
		return off - 2
	}
	return off
}

// caseID draws a version 4 UUID and writes it as a URN, the form the binding
// requires for CASE identifiers.
func caseID(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	var u [16]byte
	a, b := r.Uint64(), r.Uint64()
	for i := range 8 {
		u[i], u[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	out := make([]byte, 0, 45)
	out = append(out, "urn:uuid:"...)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}

// hashString is FNV-1a: it keys a course's objectives by its code, so that
// every school of the district shares them.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Topics by SCED subject area code; some need CSV quoting or are not ASCII.
var topics = map[string][]string{
	"01": {"Narrative Writing", "Main Idea and Details", "Poetry", "Persuasive Essay", "Vocabulary in Context", "Character Analysis", "Research Skills", "Informational Texts"},
	"02": {"Place Value", "Fractions", "Linear Equations", "Ratios and Proportions", "Geometry", "Functions", "Data and Statistics", "Exponents, Roots and Radicals"},
	"03": {"The Scientific Method", "Ecosystems", "Forces and Motion", "Cells", "Chemical Reactions", "Weather and Climate", "Energy", "Genetics"},
	"04": {"Maps and Globes", "Early Civilizations", "The Constitution", "Civil Rights", "Supply and Demand", "World Religions", "Colonial America", "The Industrial Revolution"},
	"05": {"Color Theory", "Rhythm and Meter", "Self-Portrait", "Spring Concert", "Sight Reading", "Sculpture", "Art History", "Composition"},
	"06": {"Greetings and Introductions", "Family and Home", "Food, Meals and Shopping", "Present Tense", "Travel", "Día de los Muertos", "Past Tense", "La francophonie"},
	"08": {"Fitness Testing", "Team Sports", "Nutrition", "Mental Health", "First Aid", "Dance", "Goal Setting", "Healthy Relationships"},
	"10": {"Algorithms", "Variables and Loops", "Web Design", "Data Privacy", "App Design", "The Internet", "Binary and Data", "Debugging"},
}

var descriptions = [4][]string{
	catHomework: {"Complete the practice set and show your work.", "Read pages 45–60 and answer questions 1–5.", "Finish the worksheet started in class."},
	catQuiz:     {"Short quiz; notes allowed.", "Covers vocabulary, key terms and concepts.", "Ten questions, closed book."},
	catTest:     {"Covers the whole unit, including the review sheet.", "Review the study guide before test day.", "Study guide posted on the class page."},
	catProject:  {`Final product plus a one-page reflection ("What would you change?").`, "Group project; each member submits their own log.", "Presentations in class on the due date."},
}

var (
	gradedComments  = []string{"Great work!", "Nice improvement, keep it up.", "See me about question 4.", "Careful with units; see the rubric.", `Excellent "show your work" effort.`, "Retake available until Friday.", "Très bien !", "Please review the feedback, then resubmit."}
	missingComments = []string{"Not turned in, please see me.", "Missing – family contacted.", "Still accepted for partial credit."}
	exemptComments  = []string{"Excused absence.", "Exempt per IEP accommodation.", "Excused: school event."}
	masteryLevels   = []string{"Beginning", "Approaching", "Meets", "Exceeds"}
)

// result is the outcome of one student's work on one line item.
type result struct {
	status, score, date, comment, text    string
	inProgress, incomplete, late, missing string
	pct                                   float64 // percentage earned, for the objectives
}

const notEnrolled = "Not enrolled in this class when it was due."

// outcome draws student j's result for it. Every pass that needs a result
// calls this with the same stream, so they all agree; callers may go on
// drawing from the returned stream for details of their own.
func (k *booker) outcome(b *book, it *item, j int32) (result, *rand.Rand) {
	g, pl := k.g, b.pl
	sl := &b.slots[it.slot]
	st, pu := &pl.students[j], &b.pupils[j]
	r := k.result.at(g.seed, kResult, uint64(pl.s.idx)<<32|uint64(it.class)<<8|uint64(it.gp), uint64(pl.s.firstStudent)+uint64(j))
	out := result{date: sl.to}
	// Students who joined late or left are exempt from the work due outside
	// their enrollment (the dates of enrollments.csv).
	if st.join > 0 && sl.due < st.join || st.leave > 0 && sl.due >= st.leave {
		out.status, out.comment = "exempt", notEnrolled
		return out, r
	}
	pct := pu.ability + sl.hard + 8*r.NormFloat64()
	scored := false
	switch x := r.Float64(); {
	case x < pu.missRate:
		out.status, out.missing = "not submitted", "true"
		if chance(r, 0.3) {
			out.inProgress = "true"
		}
		if chance(r, 0.3) {
			out.comment = pick(r, missingComments)
		}
	case x < pu.missRate+0.03:
		out.status = "exempt"
		if chance(r, 0.5) {
			out.comment = pick(r, exemptComments)
		}
	case x < pu.missRate+0.07:
		out.status = "submitted"
		if chance(r, 0.1) {
			out.late = "true"
		}
	case x < pu.missRate+0.09:
		out.status, out.incomplete, scored = "partially graded", "true", true
		pct *= 0.4 + 0.4*r.Float64()
	default:
		out.status, scored = "fully graded", true
		if chance(r, 0.06) {
			out.late = "true"
			pct -= 10
			out.date = day(g.sessions[0].start.AddDate(0, 0, int(sl.due)+1+r.IntN(4)))
		}
		if chance(r, 0.07) {
			out.comment = pick(r, gradedComments)
		}
	}
	out.pct = min(100, max(0, pct))
	if scored {
		v := math.Round(out.pct/100*sl.maxV/sl.step) * sl.step
		out.score = strconv.FormatFloat(v, 'f', 1, 64)
		if sl.cat == catTest && out.status == "fully graded" {
			out.text = scaleOf(pl.s).grade(v * 100 / sl.maxV)
		}
	}
	// Some systems export every flag; most leave the false ones blank.
	if chance(r, 0.2) {
		for _, f := range []*string{&out.inProgress, &out.incomplete, &out.late, &out.missing} {
			if *f == "" {
				*f = "false"
			}
		}
	}
	return out, r
}

// writeLineItems files each line item under its grading period (every term
// of the calendar has two; a term without any would take the term itself).
func writeLineItems(g *generator, t *table) error {
	k := newBooker(g)
	for i := range g.schools {
		s := &g.schools[i]
		b := k.build(s, false)
		for _, it := range b.items {
			sl := &b.slots[it.slot]
			t.put(it.id, "", "", sl.title, sl.desc, sl.from, sl.to, b.pl.classIDs[it.class],
				categories[sl.cat].id, g.gp(int(it.gp)).id, "0.0", sl.max, s.id)
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// writeLineItemScoreScales grades every test on its course's scale.
func writeLineItemScoreScales(g *generator, t *table) error {
	k := newBooker(g)
	for i := range g.schools {
		s := &g.schools[i]
		b := k.build(s, false)
		title := scaleOf(s).title
		for _, it := range b.items {
			if b.slots[it.slot].cat != catTest {
				continue
			}
			c := &b.pl.cat.courses[b.pl.classes[it.class].course]
			t.put("lss-"+it.id[3:], "", "", title, it.id, scaleID(s, c))
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func writeLineItemLearningObjectiveIds(g *generator, t *table) error {
	k := newBooker(g)
	for i := range g.schools {
		s := &g.schools[i]
		b := k.build(s, false)
		for _, it := range b.items {
			sl := &b.slots[it.slot]
			for o, id := range sl.objectives {
				t.put("llo-"+it.id[3:]+"."+strconv.Itoa(o+1), "", "", it.id, sl.source, id)
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// eachResult calls fn for every result of the district, school by school,
// line item by line item; keep skips the line items whose results fn has no
// use for.
func eachResult(g *generator, t *table, keep func(*book, *item) bool, fn func(k *booker, b *book, it *item, j int32)) error {
	k := newBooker(g)
	for i := range g.schools {
		b := k.build(&g.schools[i], true)
		for ii := range b.items {
			it := &b.items[ii]
			if !keep(b, it) {
				continue
			}
			for _, j := range b.roster[b.rfirst[it.class]:b.rfirst[it.class+1]] {
				fn(k, b, it, j)
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func resultTail(b *book, it *item, j int32) string { return it.id[3:] + "-" + b.pupils[j].num }

func writeResults(g *generator, t *table) error {
	all := func(*book, *item) bool { return true }
	return eachResult(g, t, all, func(k *booker, b *book, it *item, j int32) {
		x, _ := k.outcome(b, it, j)
		t.put("res-"+resultTail(b, it, j), "", "", it.id, b.pupils[j].id, x.status, x.score, x.date, x.comment, x.text,
			b.pl.classIDs[it.class], x.inProgress, x.incomplete, x.late, x.missing)
	})
}

// writeResultScoreScales links the letter-graded test results to the
// course's scale, in the classes whose teachers record it per result.
func writeResultScoreScales(g *generator, t *table) error {
	keep := func(b *book, it *item) bool { return b.letters[it.class] && b.slots[it.slot].cat == catTest }
	return eachResult(g, t, keep, func(k *booker, b *book, it *item, j int32) {
		if x, _ := k.outcome(b, it, j); x.text != "" {
			tail := resultTail(b, it, j)
			t.put("rss-"+tail, "", "", "", "res-"+tail, scaleID(b.pl.s, &b.pl.cat.courses[b.pl.classes[it.class].course]))
		}
	})
}

// writeResultLearningObjectiveIds scores each objective of a scored result
// on a 1-4 mastery scale, in the classes whose teachers do so.
func writeResultLearningObjectiveIds(g *generator, t *table) error {
	keep := func(b *book, it *item) bool { return b.mastery[it.class] && len(b.slots[it.slot].objectives) > 0 }
	return eachResult(g, t, keep, func(k *booker, b *book, it *item, j int32) {
		x, r := k.outcome(b, it, j)
		if x.score == "" {
			return
		}
		sl := &b.slots[it.slot]
		tail := resultTail(b, it, j)
		for o, id := range sl.objectives {
			p := x.pct + 6*r.NormFloat64()
			level := 1
			for _, f := range [...]float64{60, 75, 90} {
				if p >= f {
					level++
				}
			}
			text := ""
			if chance(r, 0.4) {
				text = masteryLevels[level-1]
			}
			t.put("rlo-"+tail+"."+strconv.Itoa(o+1), "", "", "res-"+tail, sl.source, id, strconv.Itoa(level)+".0", text)
		}
	})
}
