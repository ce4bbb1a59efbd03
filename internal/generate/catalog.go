package generate

import (
	"fmt"
	"strings"
)

// subject pairs a human-readable subject with its two-digit SCED subject
// area code; names carry no commas because subjects is a comma list.
type subject struct{ name, code string }

var (
	sELA  = subject{"English Language and Literature", "01"}
	sMath = subject{"Mathematics", "02"}
	sSci  = subject{"Life and Physical Sciences", "03"}
	sSoc  = subject{"Social Sciences and History", "04"}
	sArts = subject{"Fine and Performing Arts", "05"}
	sLang = subject{"Foreign Language and Literature", "06"}
	sPE   = subject{"Physical Health and Safety Education", "08"}
	sCS   = subject{"Computer and Information Sciences", "10"}
)

type room uint8

const (
	classroom room = iota
	scienceLab
	gym
	artStudio
	musicRoom
	bandRoom
	computerLab
)

// template describes a course offered to a range of grades. perGrade
// templates become one course per grade (code and title get the grade);
// the others become a single course shared by the grades.
type template struct {
	code, title string
	lo, hi      int
	perGrade    bool
	elective    bool
	year        bool // runs in both terms; other courses run one term per class
	subjects    []subject
	room        room
	periods     int // timetable periods per class
}

// templates: every student takes the required courses of their grade plus
// electives up to seven courses, and a homeroom.
var templates = []template{
	{"ELA", "%s English Language Arts", 0, 8, true, false, true, []subject{sELA}, classroom, 1},
	{"MATH", "%s Mathematics", 0, 7, true, false, true, []subject{sMath}, classroom, 1},
	{"PREALG", "Pre-Algebra", 8, 8, false, false, true, []subject{sMath}, classroom, 1},
	{"SCI", "%s Science", 0, 5, true, false, false, []subject{sSci}, classroom, 1},
	{"LIFESCI", "Life Science", 6, 6, false, false, false, []subject{sSci}, scienceLab, 1},
	{"EARTHSCI", "Earth & Space Science", 7, 7, false, false, false, []subject{sSci}, scienceLab, 1},
	{"PHYSSCI", "Physical Science", 8, 8, false, false, false, []subject{sSci}, scienceLab, 2},
	{"SS", "%s Social Studies", 0, 5, true, false, false, []subject{sSoc}, classroom, 1},
	{"GEOG6", "World Geography", 6, 6, false, false, false, []subject{sSoc}, classroom, 1},
	{"ANCIV", "Ancient Civilizations", 7, 7, false, false, false, []subject{sSoc}, classroom, 1},
	{"USHIST8", "U.S. History to 1877", 8, 8, false, false, false, []subject{sSoc}, classroom, 1},
	{"ART-ES", "Art", 0, 5, false, false, false, []subject{sArts}, artStudio, 1},
	{"MUS-ES", "General Music", 0, 5, false, false, false, []subject{sArts}, musicRoom, 1},
	{"PE-ES", "Physical Education", 0, 5, false, false, false, []subject{sPE}, gym, 1},
	{"PE-MS", "Physical Education", 6, 8, false, false, false, []subject{sPE}, gym, 1},
	{"SPANX", "Exploring Spanish", 6, 6, false, true, false, []subject{sLang}, classroom, 1},
	{"SPAN1-MS", "Spanish I", 7, 8, false, true, true, []subject{sLang}, classroom, 1},
	{"BAND-MS", "Concert Band", 6, 8, false, true, true, []subject{sArts}, bandRoom, 1},
	{"ART-MS", "Studio Art", 6, 8, false, true, false, []subject{sArts}, artStudio, 1},
	{"CSD", "Computer Science Discoveries", 6, 8, false, true, false, []subject{sCS, sMath}, computerLab, 1},
	{"CHOIR-MS", "Choir", 6, 8, false, true, false, []subject{sArts}, musicRoom, 1},
	{"STEAM", "STEAM Design Lab", 7, 8, false, true, false, []subject{sSci, sArts}, scienceLab, 2},
	{"ENG9", "English 9", 9, 9, false, false, true, []subject{sELA}, classroom, 1},
	{"ENG10", "English 10", 10, 10, false, false, true, []subject{sELA}, classroom, 1},
	{"ENG11", "American Literature", 11, 11, false, false, true, []subject{sELA}, classroom, 1},
	{"ENG12", "British Literature", 12, 12, false, false, true, []subject{sELA}, classroom, 1},
	{"ALG1", "Algebra I", 9, 9, false, false, true, []subject{sMath}, classroom, 1},
	{"GEOM", "Geometry", 10, 10, false, false, true, []subject{sMath}, classroom, 1},
	{"ALG2", "Algebra II", 11, 11, false, false, true, []subject{sMath}, classroom, 1},
	{"PRECALC", "Pre-Calculus", 12, 12, false, false, true, []subject{sMath}, classroom, 1},
	{"BIO", "Biology", 9, 9, false, false, false, []subject{sSci}, scienceLab, 2},
	{"CHEM", "Chemistry", 10, 10, false, false, false, []subject{sSci}, scienceLab, 2},
	{"PHYS", "Physics", 11, 11, false, false, false, []subject{sSci}, scienceLab, 2},
	{"ENVSCI", "Environmental Science", 12, 12, false, false, false, []subject{sSci}, scienceLab, 1},
	{"WHIST", "World History", 9, 9, false, false, false, []subject{sSoc}, classroom, 1},
	{"GEOG", "Human Geography", 10, 10, false, false, false, []subject{sSoc}, classroom, 1},
	{"USHIST", "U.S. History", 11, 11, false, false, false, []subject{sSoc}, classroom, 1},
	{"GOVECON", "Government & Economics", 12, 12, false, false, false, []subject{sSoc}, classroom, 1},
	{"PE-HS", "Physical Education", 9, 10, false, false, false, []subject{sPE}, gym, 1},
	{"HEALTH", "Health & Wellness", 11, 12, false, false, false, []subject{sPE}, classroom, 1},
	{"SPAN1", "Spanish I", 9, 12, false, true, true, []subject{sLang}, classroom, 1},
	{"SPAN2", "Spanish II", 10, 12, false, true, true, []subject{sLang}, classroom, 1},
	{"FREN1", "Français I", 9, 12, false, true, true, []subject{sLang}, classroom, 1},
	{"APCSP", "AP Computer Science Principles", 10, 12, false, true, true, []subject{sCS, sMath}, computerLab, 1},
	{"ART1", "Art I: Drawing & Painting", 9, 12, false, true, false, []subject{sArts}, artStudio, 1},
	{"BAND-HS", "Symphonic Band", 9, 12, false, true, true, []subject{sArts}, bandRoom, 1},
	{"JOURN", "Journalism", 10, 12, false, true, false, []subject{sELA}, classroom, 1},
	{"PSYCH", "Psychology", 11, 12, false, true, false, []subject{sSoc}, classroom, 1},
	{"APCALC", "AP Calculus AB", 12, 12, false, true, true, []subject{sMath}, classroom, 1},
	{"ROBOT", "Robotics & Engineering", 9, 12, false, true, false, []subject{sSci, sCS}, scienceLab, 2},
}

// coursesPerStudent counts the scheduled courses of a student, homeroom
// excluded.
const coursesPerStudent = 7

type course struct {
	code, title              string
	grades                   string // grades column value
	subjects, subjectCodes   string
	lo, hi                   int
	homeroom, year, elective bool
	room                     room
	periods                  int
	capacity                 int // students per class (section)
}

// catalog is the course list of a school band plus, per grade, which
// courses every student takes and which they may choose.
type catalog struct {
	courses   []course
	required  [nGrades][]int // homeroom first
	electives [nGrades][]int
}

func newCatalog(b band) *catalog {
	lo, hi := b.grades()
	capacity := 27
	if b == elementary {
		capacity = 22
	}
	c := &catalog{}
	add := func(x course) {
		i := len(c.courses)
		c.courses = append(c.courses, x)
		for g := x.lo; g <= x.hi; g++ {
			if x.elective {
				c.electives[g] = append(c.electives[g], i)
			} else {
				c.required[g] = append(c.required[g], i)
			}
		}
	}
	for g := lo; g <= hi; g++ {
		add(course{
			code: "HR-" + gradeCodes[g], title: gradeTitle(g) + " Homeroom", grades: gradeCodes[g],
			lo: g, hi: g, homeroom: true, year: true, room: classroom, periods: 1,
		})
	}
	for _, t := range templates {
		tlo, thi := max(t.lo, lo), min(t.hi, hi)
		if tlo > thi {
			continue
		}
		x := course{
			code: t.code, title: t.title, lo: tlo, hi: thi, year: t.year, elective: t.elective,
			room: t.room, periods: t.periods, capacity: capacity,
		}
		names, codes := make([]string, len(t.subjects)), make([]string, len(t.subjects))
		for i, s := range t.subjects {
			names[i], codes[i] = s.name, s.code
		}
		x.subjects, x.subjectCodes = strings.Join(names, ","), strings.Join(codes, ",")
		if !t.perGrade {
			x.grades = strings.Join(gradeCodes[tlo:thi+1], ",")
			add(x)
			continue
		}
		for g := tlo; g <= thi; g++ {
			y := x
			y.code, y.title, y.grades = t.code+"-"+gradeCodes[g], fmt.Sprintf(t.title, gradeTitle(g)), gradeCodes[g]
			y.lo, y.hi = g, g
			add(y)
		}
	}
	return c
}
