package generate

import (
	"strconv"
	"time"
)

// A plan is everything about one school that more than one file needs to
// agree on: which classes exist, who teaches them, which classes each student
// takes and who lives with whom. It is rebuilt from the seed by every pass
// that needs it, so only one school's plan is ever held per pass.
type plan struct {
	s          *school
	cat        *catalog
	classFirst []int32 // per course, index of its first class; one extra entry at the end
	classes    []class
	classIDs   []string
	pool       []int32 // teacher slots: the school's own teachers, then visitors (global indexes)
	students   []student
	members    []int32 // household members (local student indexes), grouped by household
	households []household
	teacherHH  []int32  // per own teacher: the household they are a guardian in, or -1
	grades     []uint16 // per own teacher: bit g set when they teach grade g here
	itinerant  []bool   // per own teacher

	counts, scratch []int // reusable
}

type class struct {
	course, section int32
	primary, co     int32 // pool slots; co is -1 when the class has no co-teacher
	coGP            int8  // grading period a co-teacher is limited to, or -1
}

type student struct {
	grade   int8
	n       int8 // classes used
	hh      int32
	classes [coursesPerStudent + 1]int32 // course indexes while planning, class indexes after
	// Day offsets from the school-year start; 0 = not applicable. Late
	// joiners and withdrawn students give enrollments and roles their dates.
	join, leave int16
}

type household struct {
	key       int   // global number of its first student; guardian ids derive from it
	first, n  int32 // members[first : first+n]
	guardians int8  // guardian users of its own (0-2)
	teacher   int32 // own teacher who is also a guardian here, or -1
}

func (pl *plan) hhMembers(h int32) []int32 {
	x := &pl.households[h]
	return pl.members[x.first : x.first+x.n]
}

type planner struct {
	g  *generator
	st *stream
	pl plan
}

func newPlanner(g *generator) *planner { return &planner{g: g, st: newStream()} }

func (p *planner) build(s *school) *plan {
	g, pl := p.g, &p.pl
	pl.s, pl.cat = s, g.catalogs[s.band]
	cat := pl.cat
	r := p.st.at(g.seed, kPlan, uint64(s.idx), 0)

	t1, t2 := g.term(0), g.term(1)
	yearStart := g.sessions[0].start
	// offset draws a school day (Monday to Friday) well inside term t.
	offset := func(t *session, margin int) int16 {
		days := int(t.end.Sub(t.start).Hours() / 24)
		d := t.start.AddDate(0, 0, margin+r.IntN(max(1, days-2*margin)))
		switch d.Weekday() {
		case time.Saturday:
			d = d.AddDate(0, 0, 2)
		case time.Sunday:
			d = d.AddDate(0, 0, 1)
		}
		return int16(d.Sub(yearStart).Hours() / 24)
	}

	pl.counts = resize(pl.counts, len(cat.courses))
	pl.students = pl.students[:0]
	for grade := range nGrades {
		for range s.gradeN[grade] {
			st := student{grade: int8(grade), hh: -1}
			for _, c := range cat.required[grade] {
				st.classes[st.n] = int32(c)
				st.n++
			}
			el := cat.electives[grade]
			if need := len(st.classes) - int(st.n); need > 0 && len(el) > 0 {
				pl.scratch = append(pl.scratch[:0], el...)
				for k := 0; k < need && k < len(pl.scratch); k++ {
					x := k + r.IntN(len(pl.scratch)-k)
					pl.scratch[k], pl.scratch[x] = pl.scratch[x], pl.scratch[k]
					st.classes[st.n] = int32(pl.scratch[k])
					st.n++
				}
			}
			for _, c := range st.classes[:st.n] {
				pl.counts[c]++
			}
			switch x := r.Float64(); {
			case x < 0.03:
				st.join = offset(t1, 10)
			case x < 0.042:
				st.leave = offset(t2, 10)
			}
			pl.students = append(pl.students, st)
		}
	}

	// Sections: enough classes to keep each under capacity; homerooms hold
	// the whole grade.
	pl.classFirst = pl.classFirst[:0]
	pl.classes = pl.classes[:0]
	for c := range cat.courses {
		pl.classFirst = append(pl.classFirst, int32(len(pl.classes)))
		m := 1
		if x := &cat.courses[c]; !x.homeroom {
			m = max(1, (pl.counts[c]+x.capacity-1)/x.capacity)
		}
		for sec := range m {
			pl.classes = append(pl.classes, class{course: int32(c), section: int32(sec), co: -1, coGP: -1})
		}
	}
	pl.classFirst = append(pl.classFirst, int32(len(pl.classes)))
	// Round-robin over the students in grade order mixes grades in the
	// sections of multi-grade courses.
	clear(pl.counts)
	for i := range pl.students {
		st := &pl.students[i]
		for k, c := range st.classes[:st.n] {
			first, m := pl.classFirst[c], pl.classFirst[c+1]-pl.classFirst[c]
			st.classes[k] = first + int32(pl.counts[c])%m
			pl.counts[c]++
		}
	}

	// Teachers take consecutive blocks of classes, so most teach several
	// sections of the same course, as in a real timetable.
	pl.pool = pl.pool[:0]
	for t := range s.teachers {
		pl.pool = append(pl.pool, int32(s.firstTeacher+t))
	}
	pl.pool = append(pl.pool, s.visitors...)
	pl.grades = resize(pl.grades, s.teachers)
	// Homerooms (the first classes) are spread over the staff on their own,
	// so that no teacher gets every homeroom.
	lo, hi := s.band.grades()
	nh := hi - lo + 1 // homeroom courses come first in the catalog, with one class each
	nc, np := len(pl.classes), len(pl.pool)
	for i := range pl.classes {
		cl := &pl.classes[i]
		if i < nh {
			cl.primary = int32(i * np / nh)
		} else {
			cl.primary = int32((i - nh) * np / (nc - nh))
		}
		if np > 1 && chance(r, 0.08) {
			cl.co = int32((int(cl.primary) + 1 + r.IntN(np-1)) % np)
			if chance(r, 0.4) {
				first, last := pl.gpRange(i)
				cl.coGP = int8(first + r.IntN(last-first+1))
			}
		}
		c := &cat.courses[cl.course]
		for _, t := range [2]int32{cl.primary, cl.co} {
			if t >= 0 && int(t) < s.teachers {
				for gr := c.lo; gr <= c.hi; gr++ {
					pl.grades[t] |= 1 << gr
				}
			}
		}
	}
	pl.classIDs = pl.classIDs[:0]
	for i := range pl.classes {
		cl := &pl.classes[i]
		pl.classIDs = append(pl.classIDs, classID(s, &cat.courses[cl.course], int(cl.section)))
	}

	// Households: siblings are drawn from the whole school (so they are in
	// different grades); about 70 % of students have guardians on file.
	pl.members = resize(pl.members, s.students)
	for i := range pl.members {
		pl.members[i] = int32(i)
	}
	r.Shuffle(len(pl.members), func(i, j int) { pl.members[i], pl.members[j] = pl.members[j], pl.members[i] })
	pl.households = pl.households[:0]
	for i := 0; i < len(pl.members); {
		size := 1
		switch x := r.Float64(); {
		case x < 0.07:
			size = 3
		case x < 0.25:
			size = 2
		}
		size = min(size, len(pl.members)-i)
		h := household{key: s.firstStudent + int(pl.members[i]) + 1, first: int32(i), n: int32(size), teacher: -1}
		if chance(r, 0.70) {
			h.guardians = 1
			if chance(r, 0.6) {
				h.guardians = 2
			}
		}
		for _, m := range pl.members[i : i+size] {
			pl.students[m].hh = int32(len(pl.households))
		}
		pl.households = append(pl.households, h)
		i += size
	}
	// A few teachers are also parents at their own school: one of the
	// household's guardians is then the teacher's user, not a separate one.
	pl.teacherHH = resize(pl.teacherHH, s.teachers)
	for t := range pl.teacherHH {
		pl.teacherHH[t] = -1
		if len(pl.households) == 0 || !chance(r, 0.05) {
			continue
		}
		for range 4 {
			hi := r.IntN(len(pl.households))
			if h := &pl.households[hi]; h.guardians > 0 && h.teacher < 0 {
				h.guardians--
				h.teacher = int32(t)
				pl.teacherHH[t] = int32(hi)
				break
			}
		}
	}

	pl.itinerant = resize(pl.itinerant, s.teachers)
	for _, t := range s.itinerant {
		pl.itinerant[t] = true
	}
	return pl
}

// terms reports which terms class i runs in: year courses run in both,
// the sections of one-term courses alternate between fall and spring.
func (pl *plan) terms(i int) (first, last int) {
	cl := &pl.classes[i]
	if pl.cat.courses[cl.course].year {
		return 0, 1
	}
	t := int(cl.section+cl.course) % 2
	return t, t
}

// gpRange gives the grading periods (0-3) covered by class i.
func (pl *plan) gpRange(i int) (first, last int) {
	a, b := pl.terms(i)
	return 2 * a, 2*b + 1
}

// resize returns xs with length n and every element zero, reusing its array.
func resize[T any](xs []T, n int) []T {
	if cap(xs) < n {
		return make([]T, n)
	}
	xs = xs[:n]
	clear(xs)
	return xs
}

// pad formats n in decimal with at least width digits.
func pad(n, width int) string {
	var buf [20]byte
	b := strconv.AppendInt(buf[:0], int64(n), 10)
	if len(b) >= width {
		return string(b)
	}
	out := make([]byte, width)
	k := width - len(b)
	for i := range k {
		out[i] = '0'
	}
	copy(out[k:], b)
	return string(out)
}

// periods gives the timetable periods of class i: two-period courses (labs)
// meet in alternating periods such as "1,3".
func (pl *plan) periods(i int) string {
	cl := &pl.classes[i]
	c := &pl.cat.courses[cl.course]
	if c.homeroom {
		return "HR"
	}
	p := 1 + int(cl.section+cl.course*3)%7
	if c.periods < 2 {
		return strconv.Itoa(p)
	}
	q := p%7 + 2
	if q > 7 {
		q -= 7
	}
	return strconv.Itoa(min(p, q)) + "," + strconv.Itoa(max(p, q))
}

// title names class i: homerooms by their course, other classes by course
// and section.
func (pl *plan) title(i int) string {
	cl := &pl.classes[i]
	c := &pl.cat.courses[cl.course]
	if c.homeroom {
		return c.title
	}
	return c.title + " - Section " + strconv.Itoa(int(cl.section)+1)
}

// location puts ordinary classes in the primary teacher's room and the
// others in the matching special room.
func (pl *plan) location(i int) string {
	cl := &pl.classes[i]
	switch pl.cat.courses[cl.course].room {
	case scienceLab:
		return "Science Lab " + strconv.Itoa(1+int(cl.section)%3)
	case gym:
		return "Gymnasium"
	case artStudio:
		return "Art Studio"
	case musicRoom:
		return "Music Room"
	case bandRoom:
		return "Band Room"
	case computerLab:
		return "Computer Lab " + string(rune('A'+cl.section%2))
	}
	t := int(cl.primary)
	if t >= pl.s.teachers {
		return "Portable " + strconv.Itoa(t-pl.s.teachers+1)
	}
	return "Room " + strconv.Itoa(100*(1+t/40)+1+t%40)
}
