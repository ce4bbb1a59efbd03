package generate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Grade levels are the CEDS codes most US SIS export: KG, then 01..12.
const nGrades = 13

var gradeCodes = [nGrades]string{"KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}

func gradeTitle(g int) string {
	if g == 0 {
		return "Kindergarten"
	}
	return "Grade " + strconv.Itoa(g)
}

type band uint8

const (
	elementary band = iota // KG-05
	middle                 // 06-08
	high                   // 09-12
	secondary              // 06-12, only in a two-school district
)

func (b band) grades() (lo, hi int) {
	switch b {
	case elementary:
		return 0, 5
	case middle:
		return 6, 8
	case high:
		return 9, 12
	default:
		return 6, 12
	}
}

func (b band) suffix() string {
	return [...]string{"Elementary School", "Middle School", "High School", "Junior/Senior High School"}[b]
}

// hasDepartments: only schools teaching grades 9-12 are organised into
// departments.
func (b band) hasDepartments() bool { return b == high || b == secondary }

type school struct {
	idx          int
	num          string // "003": shared by the ids of the school's courses, classes, enrollments
	code         string // "sch-003": used in role ids
	id           string // orgs.csv sourcedId, "org/sch-003"
	name, nces   string
	band         band
	gradeN       [nGrades]int32 // students per grade
	students     int
	firstStudent int // global index of the school's first student
	teachers     int
	firstTeacher int     // global index of the school's first teacher
	partner      int     // the other school that this school's itinerant teachers also serve
	itinerant    []int32 // local indexes of this school's teachers who also teach at partner
	visitors     []int32 // global indexes of other schools' teachers who teach here too
}

type state struct {
	abbr, fips, area string // area: a telephone area code of the state
	cities           []string
}

var states = []state{
	{"WA", "53", "206", []string{"Seattle", "Tacoma", "Spokane", "Bellevue", "Everett", "Yakima"}},
	{"OR", "41", "503", []string{"Portland", "Salem", "Eugene", "Bend", "Medford"}},
	{"CA", "06", "415", []string{"Los Angeles", "San José", "Fresno", "Sacramento", "Oakland"}},
	{"TX", "48", "512", []string{"Houston", "El Paso", "San Antonio", "Austin", "Laredo"}},
	{"IL", "17", "312", []string{"Chicago", "Aurora", "Peoria", "Springfield", "Joliet"}},
	{"MN", "27", "612", []string{"Minneapolis", "Saint Paul", "Duluth", "Rochester"}},
	{"GA", "13", "404", []string{"Atlanta", "Savannah", "Macon", "Athens", "Columbus"}},
	{"CO", "08", "303", []string{"Denver", "Aurora", "Pueblo", "Greeley", "Boulder"}},
}

type country struct {
	code   string
	cities []string
}

var birthCountries = []country{
	{"MX", []string{"Guadalajara", "Ciudad de México", "Monterrey", "Puebla"}},
	{"IN", []string{"Pune", "Chennai", "Hyderabad"}},
	{"PH", []string{"Manila", "Cebu City", "Davao City"}},
	{"VN", []string{"Thành phố Hồ Chí Minh", "Hà Nội", "Đà Nẵng"}},
	{"CN", []string{"Shanghai", "Guangzhou", "Chengdu"}},
	{"SO", []string{"Mogadishu", "Hargeisa"}},
	{"UA", []string{"Kyiv", "Lviv", "Kharkiv"}},
	{"KR", []string{"Seoul", "Busan"}},
	{"SV", []string{"San Salvador", "Santa Ana"}},
	{"CA", []string{"Toronto", "Vancouver", "Montréal"}},
	{"ET", []string{"Addis Ababa"}},
	{"GT", []string{"Guatemala City", "Quetzaltenango"}},
}

var districtNames = []string{
	"Cedar Valley", "Riverbend", "Pine Ridge", "Lakeshore", "Silver Creek",
	"Maple Heights", "Eagle Rock", "Bayview", "Stonebridge", "Willow Springs",
}

var districtKinds = []string{"School District", "Unified School District", "Public Schools"}

// schoolPlaces name the schools; the comma in the King name makes orgs.csv
// need quoting.
var schoolPlaces = []string{
	"Lincoln", "Washington", "Jefferson", "Roosevelt", "Lakeview", "Hillcrest", "Maple Grove", "Cedar Ridge",
	"Oak Hollow", "Riverside", "Sunnyside", "Westwood", "Eastgate", "Northview", "Southridge", "Pioneer",
	"Evergreen", "Meadowbrook", "Fairview", "Highland", "Brookside", "Summit", "Mountain View", "Harbor",
	"Dr. Martin Luther King, Jr.", "César Chávez", "Sacajawea", "Frederick Douglass", "Harriet Tubman",
	"Sojourner Truth", "Amelia Earhart", "Rachel Carson", "Sally Ride", "Grace Hopper", "Ada Lovelace",
	"Roberto Clemente", "Dolores Huerta", "Sonia Sotomayor", "Patsy Mink", "Daniel Inouye", "Chief Joseph",
	"O'Connell", "Whispering Pines", "Stone Creek", "Falcon Crest", "Bear Creek", "Aspen", "Sequoia",
	"Redwood", "Willow Bend", "Copper Hills", "Prairie Wind", "Silver Lake", "Golden Valley", "Orchard Park",
	"Heritage", "Liberty", "Discovery", "Horizon", "Canyon View", "Wildflower", "Foothill", "Bridgewater",
	"Kennedy", "Garfield", "Madison", "Monroe", "Franklin", "Adams", "Hamilton", "Whitman", "Thoreau",
}

var placePrefixes = []string{"", "North ", "South ", "East ", "West ", "Upper ", "Lower ", "New "}

// sessions holds the academic calendar: a school year split into two terms,
// each split into two grading periods (quarters).
type session struct {
	id, title, typ, parent string
	start, end             time.Time // end is exclusive
	from, to               string    // start and end as CSV dates
}

type generator struct {
	o        Options
	seed     uint64
	year     string // schoolYear column value
	district struct {
		id, name, nces, domain string
		state                  state
	}
	schools  []school
	teachers int
	// year, term1, gp1, gp2, term2, gp3, gp4
	sessions []session
	catalogs [4]*catalog // by band
	files    []file      // the files the options ask for, before probing for empty ones
	prog     *progress   // nil without Options.Progress
}

func (g *generator) term(i int) *session { return &g.sessions[1+3*i] }

// gp returns grading period i (0-3) of the year.
func (g *generator) gp(i int) *session { return &g.sessions[2+3*(i/2)+i%2] }

func newGenerator(o Options) (*generator, error) {
	if o.Students < 0 {
		return nil, fmt.Errorf("generate: negative student count %d", o.Students)
	}
	if o.Students == 0 {
		o.Students = 1000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.SchoolYear == 0 {
		o.SchoolYear = 2026
	}
	if o.SchoolYear < 1902 || o.SchoolYear > 9999 {
		return nil, fmt.Errorf("generate: school year %d out of range", o.SchoolYear)
	}
	g := &generator{o: o, seed: uint64(o.Seed), year: strconv.Itoa(o.SchoolYear), files: candidates(o)}
	for b := range g.catalogs {
		g.catalogs[b] = newCatalog(band(b))
	}
	g.calendar()

	st := newStream()
	r := st.at(g.seed, kLayout, 0, 0)
	name := pick(r, districtNames)
	g.district.id = "org/district"
	g.district.name = name + " " + pick(r, districtKinds)
	g.district.state = pick(r, states)
	g.district.nces = g.district.state.fips + fmt.Sprintf("%05d", 10+r.IntN(89990))
	g.district.domain = login(name, 20) + "sd.example.org"

	g.layOutSchools(r)
	return g, nil
}

// layOutSchools sizes the district at about one school per 500 students,
// splits each grade's students over the schools teaching it (schools differ
// in size by up to ±25 %) and numbers students and teachers school by
// school so that ids can be computed without a lookup table.
func (g *generator) layOutSchools(r *rand.Rand) {
	n := g.o.Students
	ns := max(2, (n+250)/500)
	if g.o.Schools > 0 {
		ns = max(2, g.o.Schools)
	}
	var bands []band
	if ns == 2 {
		bands = []band{elementary, secondary}
	} else {
		nh := max(1, int(math.Round(float64(ns)*4/13)))
		nm := max(1, int(math.Round(float64(ns)*3/13)))
		for range ns - nh - nm {
			bands = append(bands, elementary)
		}
		for range nm {
			bands = append(bands, middle)
		}
		for range nh {
			bands = append(bands, high)
		}
	}
	places := r.Perm(len(schoolPlaces))
	g.schools = make([]school, ns)
	weights := make([]float64, ns)
	for i := range g.schools {
		s := &g.schools[i]
		s.idx = i
		s.band = bands[i]
		s.num = pad(i+1, 3)
		s.code = "sch-" + s.num
		s.id = "org/" + s.code
		s.name = placePrefixes[(i/len(places))%len(placePrefixes)] + schoolPlaces[places[i%len(places)]] + " " + s.band.suffix()
		if i >= len(places)*len(placePrefixes) {
			s.name += " " + strconv.Itoa(i/(len(places)*len(placePrefixes))+1)
		}
		s.nces = g.district.nces + fmt.Sprintf("%05d", 100+i*7+r.IntN(7))
		weights[i] = 0.75 + 0.5*r.Float64()
	}

	for grade := range nGrades {
		count := n / nGrades
		if grade < n%nGrades {
			count++
		}
		var at []int
		total := 0.0
		for i := range g.schools {
			if lo, hi := g.schools[i].band.grades(); grade >= lo && grade <= hi {
				at = append(at, i)
				total += weights[i]
			}
		}
		// Cumulative rounding hands out exactly count students.
		acc, prev := 0.0, 0
		for _, i := range at {
			acc += weights[i]
			upto := int(math.Round(float64(count) * acc / total))
			g.schools[i].gradeN[grade] = int32(upto - prev)
			prev = upto
		}
	}

	student, teacher := 0, 0
	byBand := map[band][]int{}
	for i := range g.schools {
		s := &g.schools[i]
		for _, c := range s.gradeN {
			s.students += int(c)
		}
		s.firstStudent = student
		student += s.students
		s.teachers = max(3, (s.students+14)/15)
		s.firstTeacher = teacher
		teacher += s.teachers
		byBand[s.band] = append(byBand[s.band], i)
	}
	g.teachers = teacher

	// Itinerant teachers (music, languages, special education in real
	// districts) serve a second school of the same level when there is one.
	st := newStream()
	for i := range g.schools {
		s := &g.schools[i]
		peers := byBand[s.band]
		if len(peers) > 1 {
			for k, p := range peers {
				if p == i {
					s.partner = peers[(k+1)%len(peers)]
				}
			}
		} else {
			s.partner = (i + 1) % ns
		}
		for t := range s.teachers {
			if chance(st.at(g.seed, kItinerant, uint64(i), uint64(t)), 0.10) {
				s.itinerant = append(s.itinerant, int32(t))
				p := &g.schools[s.partner]
				p.visitors = append(p.visitors, int32(s.firstTeacher+t))
			}
		}
	}
}

// calendar lays out a US school year ending in June of SchoolYear: classes
// start on the last Monday of August, the spring term on the third Monday of
// January, and the year ends on the second Saturday of June.
func (g *generator) calendar() {
	y := g.o.SchoolYear
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	onOrAfter := func(t time.Time, wd time.Weekday) time.Time {
		return t.AddDate(0, 0, (int(wd)-int(t.Weekday())+7)%7)
	}
	start := onOrAfter(date(y-1, time.August, 25), time.Monday)
	mid := onOrAfter(date(y, time.January, 15), time.Monday)
	end := onOrAfter(date(y, time.June, 8), time.Saturday)
	half := func(a, b time.Time) time.Time {
		return onOrAfter(a.AddDate(0, 0, int(b.Sub(a).Hours()/24/2)-3), time.Monday)
	}
	q2, q4 := half(start, mid), half(mid, end)

	sy := "as-" + g.year
	span := strconv.Itoa(y-1) + "-" + g.year
	g.sessions = []session{
		{id: sy, title: span + " School Year", typ: "schoolYear", start: date(y-1, time.July, 1), end: date(y, time.July, 1)},
		{id: sy + ".t1", title: "Fall Semester " + strconv.Itoa(y-1), typ: "term", parent: sy, start: start, end: mid},
		{id: sy + ".t1.gp1", title: "Quarter 1 " + span, typ: "gradingPeriod", parent: sy + ".t1", start: start, end: q2},
		{id: sy + ".t1.gp2", title: "Quarter 2 " + span, typ: "gradingPeriod", parent: sy + ".t1", start: q2, end: mid},
		{id: sy + ".t2", title: "Spring Semester " + g.year, typ: "term", parent: sy, start: mid, end: end},
		{id: sy + ".t2.gp3", title: "Quarter 3 " + span, typ: "gradingPeriod", parent: sy + ".t2", start: mid, end: q4},
		{id: sy + ".t2.gp4", title: "Quarter 4 " + span, typ: "gradingPeriod", parent: sy + ".t2", start: q4, end: end},
	}
	for i := range g.sessions {
		x := &g.sessions[i]
		x.from, x.to = day(x.start), day(x.end)
	}
}

func day(t time.Time) string { return t.Format(time.DateOnly) }
