package generate

import (
	"slices"
	"strconv"
	"strings"
)

// Resources headers, from the catalogue (see rostering.go).
var (
	resourcesHeader       = header("resources")
	courseResourcesHeader = header("courseResources")
	classResourcesHeader  = header("classResources")
	userResourcesHeader   = header("userResources")
)

// The resources, in brief. The district licenses one catalogue of learning
// resources, the same for every seed (resources.csv): core textbooks and
// their teacher guides from one publisher, elective texts from another,
// practice platforms, simulations, intervention apps, teacher tools, the
// district LMS and a family portal. Every scheduled course gets its
// student text, usually the teacher guide, and sometimes a digital
// platform (courseResources.csv); the district adopts one curriculum, so
// the choice depends on the course code and the seed, not on the school.
// About 30 % of the classes get one more resource of their own
// (classResources.csv): a platform the course does not already use, or an
// advisory program for a homeroom. Some users get personal allocations
// (userResources.csv), always in the context of their school: about 10 %
// of the students still enrolled an intervention app, tied to one of their
// classes of the app's subject most of the time; about a quarter of the
// teachers one or two teacher tools, subject tools tied to a class of that
// subject they teach; a few guardians the family portal. A resource
// allocated to a student lists the student role or no role at all; one
// allocated to a teacher lists the teacher role; one allocated to a
// guardian the guardian role.
//
// Ids: a resource is rsc-<slug>; a course's links crr-003-ALG1.1 to .3 (its
// course id without "crs-", then a number); a class's link clr-003-ALG1.02
// (its class id without "cls-"); a user's allocation urr/<user id>/<slug>.

type resKind uint8

const (
	rText         resKind = iota // student text of a course
	rGuide                       // teacher guide of a course
	rDigital                     // platform that a course or a class may add
	rHomeroom                    // advisory program, for homerooms
	rIntervention                // personal allocation to a student
	rTool                        // personal allocation to a teacher
	rFamily                      // personal allocation to a guardian
)

// resource is one catalogue entry. subject is a two-digit SCED subject area
// code ("" for any subject) and lo..hi the grades it is written for;
// courses, when set, names the only course codes it serves.
type resource struct {
	slug, title, vendorResourceID, vendor, app, roles, importance string
	kind                                                          resKind
	subject                                                       string
	lo, hi                                                        int
	courses                                                       []string
}

func (x *resource) id() string { return "rsc-" + x.slug }

// hasRole tells whether the resource's roles list role.
func (x *resource) hasRole(role string) bool {
	return slices.Contains(strings.Split(x.roles, ","), role)
}

// Vendors. The ids of MathQuest, Reading Roots, CodeCanvas and GradeBridge
// are those of their apps in userProfiles.csv.
const (
	vBrightPath  = "brightpath.example"   // core curriculum publisher
	vHarborHouse = "harborhouse.example"  // electives, advisory, e-books
	vMathQuest   = "mathquest.example"    // math practice
	vReading     = "readingroots.example" // reading platform
	vLabWise     = "labwise.example"      // science simulations
	vCodeCanvas  = "codecanvas.example"   // computer science
	vCanopy      = "canopy.example"       // the district LMS and its tools
	vGradeBridge = "gradebridge.example"  // gradebook sync
)

// Shorthands for the catalogue's roles and importance columns.
const (
	rolS  = "student"
	rolT  = "teacher"
	rolST = "student,teacher"
	impP  = "primary"
	impS  = "secondary"
)

// resourceCatalog is the district's catalogue, in resources.csv order.
// Titles use commas, quotes and non-ASCII letters on purpose.
var resourceCatalog = []resource{
	// English language arts.
	{"bp-literacy-k5-se", "Bright Path Literacy, Grades K-5: Student eBook", "BPL-LIT-K5-SE-2024", vBrightPath, "", rolST, impP, rText, "01", 0, 5, nil},
	{"bp-literacy-k5-te", "Bright Path Literacy, Grades K-5: Teacher's Guide", "BPL-LIT-K5-TE-2024", vBrightPath, "", rolT, impP, rGuide, "01", 0, 5, nil},
	{"bp-ela-68-se", "Bright Path ELA, Grades 6-8: Student Edition (eBook)", "BPL-ELA-68-SE-2023", vBrightPath, "", rolST, impP, rText, "01", 6, 8, nil},
	{"bp-ela-68-te", "Bright Path ELA, Grades 6-8: Teacher's Edition", "BPL-ELA-68-TE-2023", vBrightPath, "", rolT, impP, rGuide, "01", 6, 8, nil},
	{"bp-litcomp-hs-se", "Literature & Composition: Student eText", "BPL-LC-HS-SE-2022", vBrightPath, "", rolST, impP, rText, "01", 9, 12, nil},
	{"bp-litcomp-hs-te", "Literature & Composition: Teacher Resource Guide", "BPL-LC-HS-TE-2022", vBrightPath, "", rolT, impS, rGuide, "01", 9, 12, nil},
	{"hh-journalism-se", `"Get the Story": A Student Journalism Handbook (e-book)`, "HH-JOURN-SE-3", vHarborHouse, "", rolS, impP, rText, "01", 10, 12, []string{"JOURN"}},
	{"rr-library", "Reading Roots Leveled Library", "RR-LIB-K8", vReading, "rr-ipad", rolST, impS, rDigital, "01", 0, 8, nil},
	{"hh-novels", "Classic Novels e-Book Collection", "HH-NOVELS-612", vHarborHouse, "", "", impS, rDigital, "01", 6, 12, nil},
	{"bp-writewell", "WriteWell Essay Coach", "BPL-WW-612", vBrightPath, "writewell-lti", rolST, "", rDigital, "01", 6, 12, nil},

	// Mathematics.
	{"bp-math-k5-se", "Bright Path Mathematics, Grades K-5: Student eBook", "BPL-MATH-K5-SE-2024", vBrightPath, "", rolST, impP, rText, "02", 0, 5, nil},
	{"bp-math-k5-te", "Bright Path Mathematics, Grades K-5: Teacher's Guide", "BPL-MATH-K5-TE-2024", vBrightPath, "", rolT, impP, rGuide, "02", 0, 5, nil},
	{"bp-math-68-se", "Bright Path Mathematics, Grades 6-8: Student Edition (eBook)", "BPL-MATH-68-SE-2024", vBrightPath, "", rolST, impP, rText, "02", 6, 8, nil},
	{"bp-math-68-te", "Bright Path Mathematics, Grades 6-8: Teacher's Edition", "BPL-MATH-68-TE-2024", vBrightPath, "", rolT, impP, rGuide, "02", 6, 8, nil},
	{"bp-algebra1-se", "Algebra I: Concepts & Connections, Student eText", "BPL-ALG1-SE-2021", vBrightPath, "", rolST, impP, rText, "02", 9, 12, []string{"ALG1"}},
	{"bp-geometry-se", "Geometry: Reasoning & Proof, Student eText", "BPL-GEOM-SE-2021", vBrightPath, "", rolST, impP, rText, "02", 9, 12, []string{"GEOM"}},
	{"bp-algebra2-se", "Algebra II: Functions & Modeling, Student eText", "BPL-ALG2-SE-2021", vBrightPath, "", rolST, impP, rText, "02", 9, 12, []string{"ALG2"}},
	{"bp-precalc-se", "Precalculus: Student eText", "BPL-PREC-SE-2020", vBrightPath, "", "", impP, rText, "02", 9, 12, []string{"PRECALC"}},
	{"hh-apcalc", "AP® Calculus AB Course Pack", "HH-APCALC-AB-2025", vHarborHouse, "", rolST, impP, rText, "02", 12, 12, []string{"APCALC"}},
	{"bp-math-hs-te", "High School Mathematics Teacher Resource Guide", "BPL-MATH-HS-TE-2021", vBrightPath, "", rolT, impS, rGuide, "02", 9, 12, nil},
	{"mq-adaptive", "MathQuest Adaptive Practice", "MQ-ADAPT-K8", vMathQuest, "mathquest-web", rolST, impS, rDigital, "02", 0, 8, nil},
	{"mq-graphing", "MathQuest Graphing Calculator", "MQ-GRAPH-612", vMathQuest, "mathquest-web", "", "", rDigital, "02", 6, 12, nil},
	{"lw-manipulatives", "Virtual Manipulatives: Fraction & Base-Ten Lab", "LW-MANIP-K5", vLabWise, "", rolST, impS, rDigital, "02", 0, 5, nil},

	// Science.
	{"bp-science-k5-se", "Bright Path Science, Grades K-5: Student eBook", "BPL-SCI-K5-SE-2023", vBrightPath, "", rolST, impP, rText, "03", 0, 5, nil},
	{"bp-science-k5-te", "Bright Path Science, Grades K-5: Teacher's Guide", "BPL-SCI-K5-TE-2023", vBrightPath, "", rolT, impP, rGuide, "03", 0, 5, nil},
	{"bp-science-68-se", "Bright Path Science, Grades 6-8: Student Edition (eBook)", "BPL-SCI-68-SE-2023", vBrightPath, "", rolST, impP, rText, "03", 6, 8, nil},
	{"bp-science-68-te", "Bright Path Science, Grades 6-8: Teacher's Edition", "BPL-SCI-68-TE-2023", vBrightPath, "", rolT, impP, rGuide, "03", 6, 8, nil},
	{"bp-biology-se", "Biology: The Living World, Student eText", "BPL-BIO-SE-2022", vBrightPath, "", rolST, impP, rText, "03", 9, 12, []string{"BIO"}},
	{"bp-chemistry-se", "Chemistry: Matter & Change, Student eText", "BPL-CHEM-SE-2022", vBrightPath, "", rolST, impP, rText, "03", 9, 12, []string{"CHEM"}},
	{"bp-physics-se", "Physics: Principles & Problems, Student eText", "BPL-PHYS-SE-2022", vBrightPath, "", rolST, impP, rText, "03", 9, 12, []string{"PHYS"}},
	{"bp-envsci-se", "Environmental Science: Student eText", "BPL-ENV-SE-2022", vBrightPath, "", rolST, impP, rText, "03", 9, 12, []string{"ENVSCI"}},
	{"hh-engineering", "Engineering Design Notebook (e-book)", "HH-ENGR-NB-2", vHarborHouse, "", rolS, impP, rText, "03", 6, 12, []string{"STEAM", "ROBOT"}},
	{"bp-science-hs-te", "High School Science Lab Manual & Teacher Guide", "BPL-SCI-HS-TE-2022", vBrightPath, "", rolT, impS, rGuide, "03", 9, 12, nil},
	{"lw-virtual-labs", "LabWise Virtual Labs", "LW-VLAB-612", vLabWise, "labwise-lti", rolST, impS, rDigital, "03", 6, 12, nil},
	{"lw-simulations", "LabWise Interactive Science Simulations", "LW-SIM-K12", vLabWise, "labwise-web", "", impS, rDigital, "03", 0, 12, nil},

	// Social studies.
	{"bp-socstudies-k5-se", "Bright Path Social Studies, Grades K-5: Student eBook", "BPL-SS-K5-SE-2023", vBrightPath, "", rolST, impP, rText, "04", 0, 5, nil},
	{"bp-socstudies-k5-te", "Bright Path Social Studies, Grades K-5: Teacher's Guide", "BPL-SS-K5-TE-2023", vBrightPath, "", rolT, impP, rGuide, "04", 0, 5, nil},
	{"bp-world-68-se", "Our World: Middle School Social Studies, Student Edition", "BPL-OW-68-SE-2023", vBrightPath, "", rolST, impP, rText, "04", 6, 8, nil},
	{"bp-world-68-te", "Our World: Middle School Social Studies, Teacher's Edition", "BPL-OW-68-TE-2023", vBrightPath, "", rolT, impP, rGuide, "04", 6, 8, nil},
	{"bp-history-hs-se", "History & Social Science, Grades 9-12: Student eText", "BPL-HSS-HS-SE-2022", vBrightPath, "", rolST, impP, rText, "04", 9, 12, nil},
	{"bp-history-hs-te", "History & Social Science, Grades 9-12: Teacher Resource Guide", "BPL-HSS-HS-TE-2022", vBrightPath, "", rolT, impS, rGuide, "04", 9, 12, nil},
	{"hh-psychology", "Introduction to Psychology (e-book)", "HH-PSYCH-SE-4", vHarborHouse, "", rolST, impP, rText, "04", 11, 12, []string{"PSYCH"}},
	{"hh-atlas", "Interactive Atlas & Map Studio", "HH-ATLAS-K12", vHarborHouse, "atlas-web", rolST, impS, rDigital, "04", 0, 12, nil},
	{"hh-primary-sources", "Primary Source Document Library", "HH-PSDL-612", vHarborHouse, "", "", "", rDigital, "04", 6, 12, nil},

	// Arts.
	{"hh-art-se", "Art: A Global Journey, Student eBook", "HH-ART-SE-2", vHarborHouse, "", rolST, impP, rText, "05", 0, 12, nil},
	{"hh-songbook", "Sing & Play: General Music Songbook", "HH-SONG-K8", vHarborHouse, "", rolST, impP, rText, "05", 0, 8, []string{"MUS-ES", "CHOIR-MS"}},
	{"hh-band-method", "Band Method Book 1 (e-book with play-along tracks)", "HH-BAND-1", vHarborHouse, "", rolS, impP, rText, "05", 6, 12, []string{"BAND-MS", "BAND-HS"}},
	{"hh-arts-te", "Visual & Performing Arts Teacher Lesson Library", "HH-VPA-TE", vHarborHouse, "", rolT, impS, rGuide, "05", 0, 12, nil},
	{"hh-ear-training", "Music Theory & Ear Training Online", "HH-MTET-K12", vHarborHouse, "mtet-web", rolST, "", rDigital, "05", 0, 12, []string{"MUS-ES", "CHOIR-MS", "BAND-MS", "BAND-HS"}},
	{"hh-digital-art", "Digital Art Studio", "HH-DART-K12", vHarborHouse, "dart-web", rolST, impS, rDigital, "05", 0, 12, []string{"ART-ES", "ART-MS", "ART1"}},

	// World languages.
	{"hh-vamos-1", "¡Vamos! Spanish 1, Student eText", "HH-VAMOS-1-SE", vHarborHouse, "", rolST, impP, rText, "06", 6, 12, []string{"SPANX", "SPAN1-MS", "SPAN1"}},
	{"hh-vamos-2", "¡Vamos! Spanish 2, Student eText", "HH-VAMOS-2-SE", vHarborHouse, "", rolST, impP, rText, "06", 10, 12, []string{"SPAN2"}},
	{"hh-bonjour-1", "Bonjour ! Français 1 : manuel numérique", "HH-BONJOUR-1-SE", vHarborHouse, "", rolST, impP, rText, "06", 9, 12, []string{"FREN1"}},
	{"hh-languages-te", "World Languages Teacher Guide", "HH-WL-TE", vHarborHouse, "", rolT, impS, rGuide, "06", 6, 12, nil},
	{"hh-lingualoop", "LinguaLoop Language Practice", "HH-LLOOP-612", vHarborHouse, "lingualoop-ios", rolST, impS, rDigital, "06", 6, 12, nil},

	// Physical education and health.
	{"hh-fit-for-life", "Fit for Life: Physical Education Student eBook", "HH-FIT-SE-3", vHarborHouse, "", "", impP, rText, "08", 0, 12, nil},
	{"hh-health", "Health & Wellness: Making Healthy Choices, Student eText", "HH-HLTH-SE-5", vHarborHouse, "", rolST, impP, rText, "08", 11, 12, []string{"HEALTH"}},
	{"hh-pe-te", "Physical Education Curriculum Guide", "HH-PE-TE-3", vHarborHouse, "", rolT, impS, rGuide, "08", 0, 12, nil},
	{"hh-fittrack", "FitTrack Activity Log", "HH-FITTRACK", vHarborHouse, "fittrack-app", rolST, "", rDigital, "08", 0, 12, nil},

	// Computer science.
	{"cc-csd", "Computer Science Discoveries: Student Journal", "CC-CSD-SJ", vCodeCanvas, "", rolST, impP, rText, "10", 6, 8, []string{"CSD"}},
	{"cc-apcsp", "AP® Computer Science Principles: Student Guide", "CC-APCSP-SG", vCodeCanvas, "", rolST, impP, rText, "10", 10, 12, []string{"APCSP"}},
	{"cc-cs-te", "Computer Science Teacher Handbook", "CC-CS-TE", vCodeCanvas, "", rolT, impS, rGuide, "10", 6, 12, nil},
	{"cc-studio", "CodeCanvas Studio", "CC-STUDIO", vCodeCanvas, "", rolST, impS, rDigital, "10", 6, 12, nil},

	// Advisory programs for homerooms.
	{"hh-kind-minds", "Kind Minds: Social-Emotional Learning Lessons", "HH-SEL-K8", vHarborHouse, "", rolST, impS, rHomeroom, "", 0, 8, nil},
	{"hh-digital-citizenship", "Digital Citizenship Essentials", "HH-DIGCIT-K12", vHarborHouse, "", "", "", rHomeroom, "", 0, 12, nil},
	{"hh-college-career", "College & Career Planner", "HH-CCP-912", vHarborHouse, "ccp-web", rolS, impS, rHomeroom, "", 9, 12, nil},

	// Interventions, allocated to students.
	{"mq-intervention", "MathQuest Intervention Pathways", "MQ-INTV-K8", vMathQuest, "mathquest-web", rolS, impS, rIntervention, "02", 0, 8, nil},
	{"mq-algebra-readiness", "Algebra Readiness Tutor", "MQ-ALGR-612", vMathQuest, "mathquest-web", rolST, impS, rIntervention, "02", 6, 12, nil},
	{"rr-intervention", "Reading Roots Intervention", "RR-INTV-K8", vReading, "rr-ipad", rolS, impS, rIntervention, "01", 0, 8, nil},
	{"rr-language-builder", "English Learner Language Builder", "RR-ELL-K12", vReading, "rr-web", rolS, "", rIntervention, "01", 0, 12, nil},
	{"bp-audiobooks", "Read-Aloud Audiobook Library", "BPL-AUDIO-K12", vBrightPath, "", "", "", rIntervention, "01", 0, 12, nil},
	{"hh-text-to-speech", "Text-to-Speech Reader (accessibility)", "HH-TTS", vHarborHouse, "tts-chrome", "", "", rIntervention, "", 0, 12, nil},

	// Teacher tools.
	{"cn-lms", "Canopy LMS (district learning management system)", "CANOPY-LMS", vCanopy, "canopy-lti13", "administrator,aide,student,teacher", impP, rTool, "", 0, 12, nil},
	{"cn-assessments", "Canopy Assessment Builder", "CANOPY-ASSESS", vCanopy, "canopy-lti13", rolT, "", rTool, "", 0, 12, nil},
	{"cn-lesson-planner", "Canopy Lesson Planner", "CANOPY-PLAN", vCanopy, "", rolT, "", rTool, "", 0, 12, nil},
	{"cn-proctor", "State Assessment Proctoring Console", "CANOPY-PROCTOR", vCanopy, "", "proctor,teacher", impS, rTool, "", 3, 12, nil},
	{"gb-sync", "GradeBridge Gradebook Sync", "GB-SYNC", vGradeBridge, "gb-desktop", rolT, "", rTool, "", 0, 12, nil},
	{"mq-dashboard", "MathQuest Teacher Dashboard", "MQ-DASH-K8", vMathQuest, "mathquest-web", rolT, impS, rTool, "02", 0, 8, nil},

	// Family portals, allocated to guardians.
	{"cn-family", "Canopy Family Connect", "CANOPY-FAMILY", vCanopy, "canopy-family-app", "guardian,parent,relative", "", rFamily, "", 0, 12, nil},
	{"rr-at-home", "Reading Roots at Home", "RR-HOME-K8", vReading, "rr-ipad", "guardian,parent", impS, rFamily, "01", 0, 8, nil},
}

func writeResources(_ *generator, t *table) error {
	for i := range resourceCatalog {
		x := &resourceCatalog[i]
		t.put(x.id(), "", "", x.vendorResourceID, x.title, x.roles, x.importance, x.vendor, x.app)
	}
	return t.check()
}

// Allocation rates.
const (
	classExtraRate   = 0.45 // of the classes with a candidate: about 30 % of all classes
	interventionRate = 0.10
	toolRate         = 0.25
	secondToolRate   = 0.20
	familyRate       = 0.05
)

// shelf is what every resources pass works from: which catalogue entries
// each course of each band gets, and which ones fit its classes, students,
// teachers and guardians. It is small and built per pass, like a plan.
type shelf struct {
	course [4][][]int // by band and course index: the course's resources, text first
	extra  [4][][]int // by band and course index: candidates for a class's extra resource
	tools  [4][]int   // by band: teacher tools for the band's grades
	family [4][]int   // by band: family portals for the band's grades
	interv [nGrades][]int
}

// fits tells whether catalogue entry x serves course c: by its course codes
// when it names some, else by the course's first subject and grades.
func (x *resource) fits(c *course) bool {
	if x.courses != nil {
		return slices.Contains(x.courses, c.code)
	}
	return x.subject == c.subjectCodes[:2] && x.lo <= c.lo && c.hi <= x.hi
}

// overlaps tells whether x is written for some grade in lo..hi.
func (x *resource) overlaps(lo, hi int) bool { return x.lo <= hi && lo <= x.hi }

// fitting lists the entries of kind k that serve c, preferring those
// written for the course itself.
func fitting(k resKind, c *course) []int {
	var own, general []int
	for i := range resourceCatalog {
		x := &resourceCatalog[i]
		switch {
		case x.kind != k || !x.fits(c):
		case x.courses != nil:
			own = append(own, i)
		default:
			general = append(general, i)
		}
	}
	if own != nil {
		return own
	}
	return general
}

func newShelf(g *generator) *shelf {
	sh := &shelf{}
	st := newStream()
	for b := range g.catalogs {
		cat := g.catalogs[b]
		lo, hi := band(b).grades()
		sh.course[b] = make([][]int, len(cat.courses))
		sh.extra[b] = make([][]int, len(cat.courses))
		for k := range cat.courses {
			c := &cat.courses[k]
			if c.homeroom {
				for i := range resourceCatalog {
					if x := &resourceCatalog[i]; x.kind == rHomeroom && x.lo <= c.lo && c.hi <= x.hi {
						sh.extra[b][k] = append(sh.extra[b][k], i)
					}
				}
				continue
			}
			// The same course code gets the same resources in every school.
			r := st.at(g.seed, kCourseRes, hashString(c.code), 0)
			var got []int
			if texts := fitting(rText, c); len(texts) > 0 {
				got = append(got, pick(r, texts))
			}
			if guides := fitting(rGuide, c); len(guides) > 0 && (len(got) == 0 || chance(r, 0.7)) {
				got = append(got, pick(r, guides))
			}
			digital := fitting(rDigital, c)
			if len(digital) > 0 && (len(got) == 0 || chance(r, 0.4)) {
				got = append(got, pick(r, digital))
			}
			sh.course[b][k] = got
			for _, i := range digital {
				if !slices.Contains(got, i) {
					sh.extra[b][k] = append(sh.extra[b][k], i)
				}
			}
		}
		for i := range resourceCatalog {
			x := &resourceCatalog[i]
			switch {
			case !x.overlaps(lo, hi):
			case x.kind == rTool:
				sh.tools[b] = append(sh.tools[b], i)
			case x.kind == rFamily:
				sh.family[b] = append(sh.family[b], i)
			}
		}
	}
	for gr := range nGrades {
		for i := range resourceCatalog {
			if x := &resourceCatalog[i]; x.kind == rIntervention && x.lo <= gr && gr <= x.hi {
				sh.interv[gr] = append(sh.interv[gr], i)
			}
		}
	}
	return sh
}

func writeCourseResources(g *generator, t *table) error {
	sh := newShelf(g)
	for i := range g.schools {
		s := &g.schools[i]
		cat := g.catalogs[s.band]
		for k := range cat.courses {
			c := &cat.courses[k]
			for n, ri := range sh.course[s.band][k] {
				x := &resourceCatalog[ri]
				t.put("crr-"+s.num+"-"+c.code+"."+strconv.Itoa(n+1), "", "", x.title, courseID(s, c), x.id())
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// writeClassResources gives some classes one more resource; the link's
// title is the class's, as the binding describes the column.
func writeClassResources(g *generator, t *table) error {
	sh, p, st := newShelf(g), newPlanner(g), newStream()
	for i := range g.schools {
		s := &g.schools[i]
		pl := p.build(s)
		for ci := range pl.classes {
			course := pl.classes[ci].course
			cands := sh.extra[s.band][course]
			if len(cands) == 0 {
				continue
			}
			r := st.at(g.seed, kClassRes, uint64(s.idx), uint64(ci))
			if !chance(r, classExtraRate) {
				continue
			}
			x := &resourceCatalog[pick(r, cands)]
			t.put("clr-"+pl.classIDs[ci][4:], "", "", pl.title(ci), pl.classIDs[ci], x.id())
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

// Streams of the personal allocations, by kind of user.
const (
	allocStudent = iota + 1
	allocTeacher
	allocGuardian
)

// writeUserResources writes, per school, the teachers' allocations, then
// the students', then the guardians'.
func writeUserResources(g *generator, t *table) error {
	sh, p, st := newShelf(g), newPlanner(g), newStream()
	var tools, classes []int
	put := func(user string, s *school, class string, ri int) {
		x := &resourceCatalog[ri]
		t.put("urr/"+user+"/"+x.slug, "", "", user, s.id, class, x.id())
	}
	for i := range g.schools {
		s := &g.schools[i]
		pl := p.build(s)
		cat := pl.cat
		subjectOf := func(ci int32) string { return cat.courses[pl.classes[ci].course].subjectCodes[:2] }

		for lt := range s.teachers {
			ti := s.firstTeacher + lt
			r := st.at(g.seed, kUserRes, allocTeacher, uint64(ti))
			if !chance(r, toolRate) {
				continue
			}
			// The classes this teacher teaches here, as primary or co-teacher.
			classes = classes[:0]
			for ci := range pl.classes {
				if cl := &pl.classes[ci]; int(cl.primary) == lt || int(cl.co) == lt {
					classes = append(classes, ci)
				}
			}
			teaches := func(subject string) bool {
				return slices.ContainsFunc(classes, func(ci int) bool {
					return !cat.courses[pl.classes[ci].course].homeroom && subjectOf(int32(ci)) == subject
				})
			}
			tools = tools[:0]
			for _, ri := range sh.tools[s.band] {
				if x := &resourceCatalog[ri]; x.subject == "" || teaches(x.subject) {
					tools = append(tools, ri)
				}
			}
			n := 1
			if chance(r, secondToolRate) {
				n = 2
			}
			for k := 0; k < n && k < len(tools); k++ {
				j := k + r.IntN(len(tools)-k)
				tools[k], tools[j] = tools[j], tools[k]
				x := &resourceCatalog[tools[k]]
				class := ""
				if x.subject != "" {
					// A subject tool is used with a class of the subject.
					var fit []int
					for _, ci := range classes {
						if !cat.courses[pl.classes[ci].course].homeroom && subjectOf(int32(ci)) == x.subject {
							fit = append(fit, ci)
						}
					}
					if chance(r, 0.8) {
						class = pl.classIDs[pick(r, fit)]
					}
				} else if len(classes) > 0 && chance(r, 0.3) {
					class = pl.classIDs[pick(r, classes)]
				}
				put(teacherID(ti), s, class, tools[k])
			}
		}

		for j := range pl.students {
			stu := &pl.students[j]
			if stu.leave > 0 {
				continue // a withdrawn student's licences are taken back
			}
			si := s.firstStudent + j
			r := st.at(g.seed, kUserRes, allocStudent, uint64(si))
			cands := sh.interv[stu.grade]
			if len(cands) == 0 || !chance(r, interventionRate) {
				continue
			}
			ri := pick(r, cands)
			x := &resourceCatalog[ri]
			class := ""
			if x.subject != "" && chance(r, 0.8) {
				classes = classes[:0]
				for _, ci := range stu.classes[:stu.n] {
					if !cat.courses[pl.classes[ci].course].homeroom && subjectOf(ci) == x.subject {
						classes = append(classes, int(ci))
					}
				}
				if len(classes) > 0 {
					class = pl.classIDs[pick(r, classes)]
				}
			}
			put(studentID(si), s, class, ri)
		}

		if fam := sh.family[s.band]; len(fam) > 0 {
			for h := range pl.households {
				hh := &pl.households[h]
				for k := 1; k <= int(hh.guardians); k++ {
					r := st.at(g.seed, kUserRes, allocGuardian, uint64(hh.key)<<2|uint64(k))
					if chance(r, familyRate) {
						put(guardianID(hh.key, k), s, "", pick(r, fam))
					}
				}
			}
		}
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}
