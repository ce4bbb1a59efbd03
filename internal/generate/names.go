package generate

import (
	"math/rand/v2"
	"strings"
)

// The name lists are deliberately mixed: accents, apostrophes, hyphens,
// spaces and non-Latin-1 letters all occur, because importers, search and
// sorting break on exactly those.

var femaleNames = []string{
	"Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Isabella", "Ava", "Mia", "Evelyn", "Harper",
	"Luna", "Camila", "Gianna", "Elizabeth", "Eleanor", "Ella", "Abigail", "Sofia", "Scarlett", "Emily",
	"Aria", "Penelope", "Chloé", "Layla", "Mila", "Nora", "Hazel", "Madison", "Ellie", "Lily",
	"Nova", "Isla", "Grace", "Violet", "Aurora", "Zoë", "Willow", "Emilia", "Stella", "Victoria",
	"Hannah", "Addison", "Leah", "Lucy", "Eliana", "Ivy", "Everly", "Lillian", "Elena", "Naomi",
	"Maya", "Natalie", "Delilah", "Claire", "Audrey", "Aaliyah", "Ruby", "Brooklyn", "Alice", "Autumn",
	"Leilani", "Savannah", "Valentina", "Kennedy", "Josephine", "Bella", "Genesis", "Sophie", "Hailey", "Sadie",
	"Natalia", "Caroline", "Allison", "Gabriella", "Anna", "Nevaeh", "Cora", "Ariana", "Lydia", "Jade",
	"Sarah", "Eva", "Adeline", "Madeline", "Piper", "Athena", "Vivian", "Clara", "Samantha", "Maria",
	"Iris", "Eloise", "Eliza", "Melody", "Julia", "Rose", "Isabelle", "Margaret", "Katherine", "Jennifer",
	"Renée", "Siobhán", "Ximena", "Guadalupe", "María José", "Fatima", "Aisha", "Amina", "Priya", "Ananya",
	"Mei", "Yuna", "Seo-yeon", "Thảo", "Linh", "Hana", "Ingrid", "Astrid", "Małgorzata", "Zofia",
	"Oksana", "Nadia", "Aoife", "Niamh", "Saoirse", "Nkechi", "Adaeze", "Hodan", "Ifrah", "Anne-Marie",
}

var maleNames = []string{
	"Liam", "Noah", "Oliver", "James", "Elijah", "William", "Henry", "Lucas", "Benjamin", "Theodore",
	"Mateo", "Levi", "Sebastian", "Daniel", "Jack", "Michael", "Alexander", "Owen", "Asher", "Samuel",
	"Ethan", "Leo", "Jackson", "Mason", "Ezra", "John", "Hudson", "Luca", "Aiden", "Joseph",
	"David", "Jacob", "Logan", "Luke", "Julian", "Gabriel", "Grayson", "Wyatt", "Matthew", "Dylan",
	"Isaac", "Elias", "Anthony", "Thomas", "Jayden", "Carter", "Santiago", "Ezekiel", "Charles", "Josiah",
	"Caleb", "Cooper", "Lincoln", "Miles", "Christopher", "Nathan", "Isaiah", "Kai", "Joshua", "Andrew",
	"Angel", "Adrian", "Cameron", "Nolan", "Roman", "Eli", "Wesley", "Aaron", "Ian", "Christian",
	"Ryan", "Leonardo", "Brooks", "Axel", "Jonathan", "Everett", "Bennett", "Robert", "Silas", "José",
	"Micah", "Jeremiah", "Adam", "Nicholas", "Xavier", "Dominic", "Gael", "Thiago", "Damian", "August",
	"Diego", "Luis", "Jasper", "Lorenzo", "Evan", "Jonah", "Nathaniel", "Arthur", "Juan", "George",
	"Carlos", "Calvin", "Elliot", "Emiliano", "Graham", "Max", "Ivan", "Jude", "Malachi", "Jesús",
	"Zachary", "Emmanuel", "Finn", "Antonio", "Kevin", "Matías", "Muhammad", "Omar", "Yusuf", "Ahmed",
	"Arjun", "Rohan", "Wei", "Jin", "Min-jun", "Minh", "Huy", "Bảo", "Søren", "Björn",
	"Łukasz", "Mikołaj", "Dmytro", "Andriy", "Seán", "Oisín", "Chidi", "Emeka", "Abdirahman", "Liban",
	"José Luis", "André", "François", "Jean-Luc", "Kwame", "Tomás",
}

var neutralNames = []string{
	"Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Rowan",
	"Sage", "Emerson", "Finley", "Reese", "Skyler", "Dakota", "Hayden", "Kendall", "Ari", "Remy",
	"Sasha", "Robin", "Jesse", "Frankie", "Noor", "Kiran", "River", "Charlie", "Parker", "Eden",
}

var familyNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Rodríguez", "Martínez",
	"Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyễn", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
	"Gómez", "Phillips", "Evans", "Turner", "Díaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
	"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutiérrez", "Ortiz", "Morgan", "Cooper",
	"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
	"Watson", "Brooks", "Chávez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
	"Price", "Álvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jiménez",
	"Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
	"Fisher", "Vásquez", "Simmons", "Romero", "Jordan", "Patterson", "Hamilton", "Graham", "Reynolds", "Griffin",
	"Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Medina",
	"Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernández", "McDonald",
	"Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
	"Guzmán", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Silva", "Shaw",
	"Snyder", "Mason", "Dixon", "Muñoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black",
	"Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice",
	"Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
	"Grant", "Dunn", "Spencer", "Hawkins", "Arnold", "Pierce", "Hansen", "Peters", "Santos", "Hart",
	"Bradley", "Knight", "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Andrews",
	"Alvarado", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Peña", "Contreras", "Sandoval",
	"O'Brien", "O'Connor", "O'Neill", "McCarthy", "D'Angelo", "D'Souza", "LeBlanc", "DuBois", "Van der Berg", "St. John",
	"Müller", "Schröder", "Weiß", "Kowalski", "Wiśniewski", "Nowak", "Kovalenko", "Shevchenko", "Trần", "Lê",
	"Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Wang", "Li", "Zhang", "Liu", "Huang",
	"Zhao", "Wu", "Park", "Choi", "Jung", "Kang", "Yamamoto", "Tanaka", "Sato", "Suzuki",
	"Sharma", "Singh", "Gupta", "Kumar", "Reddy", "Iyer", "Khan", "Ali", "Hussain", "Ahmed",
	"Al-Sayed", "Haddad", "Mohamed", "Abdi", "Hassan", "Warsame", "Okafor", "Adeyemi", "Mensah", "Nakamura",
	"Oliveira", "Pereira", "Costa", "Rossi", "Russo", "Bianchi", "Papadopoulos", "Jensen", "Larsen", "Lindqvist",
	"Yılmaz", "Öztürk", "Begay", "Yazzie", "Tsosie", "Kealoha", "Fa'alogo", "Nakoa", "Ngata", "Haugen",
}

// nicknames supplies realistic preferredGivenName values; anyone without an
// entry gets a neutral name instead.
var nicknames = map[string]string{
	"Elizabeth": "Liz", "Katherine": "Kate", "Margaret": "Maggie", "Samantha": "Sam", "Victoria": "Tori",
	"Isabella": "Bella", "Jennifer": "Jen", "Abigail": "Abby", "Gabriella": "Gabby", "Josephine": "Josie",
	"Małgorzata": "Gosia", "María José": "Majo", "Anne-Marie": "Annie", "Natalia": "Nati",
	"Robert": "Bobby", "William": "Will", "Alexander": "Xander", "Christopher": "Chris", "Jonathan": "Jon",
	"Benjamin": "Ben", "Nicholas": "Nick", "Daniel": "Dani", "Michael": "Mike", "Matthew": "Matt",
	"Joseph": "Joe", "Anthony": "Tony", "Theodore": "Teddy", "Zachary": "Zach", "Samuel": "Sam",
	"José Luis": "Pepe", "Mikołaj": "Mikey", "Muhammad": "Mo", "Sebastian": "Seb", "Nathaniel": "Nate",
}

var suffixes = []string{", Jr.", ", Sr.", ", II", ", III"}

var pronounsBySex = map[byte][]string{
	'f': {"she/her", "she/her", "she/they"},
	'm': {"he/him", "he/him", "he/they"},
	'u': {"they/them"},
	'o': {"they/them", "xe/xem", "ze/zir"},
}

type person struct {
	given, middle, family string
	base                  string // family without a generational suffix: logins are built from it
	prefGiven, prefMiddle string
	prefFamily, pronouns  string
	sex                   byte // m, f, u (unspecified) or o (other), as demographics.sex
}

// newPerson draws one person from r. family, when not empty, is the
// household's surname; most people in a household share it.
func newPerson(r *rand.Rand, family string, shareFamily float64, adult bool) person {
	var p person
	switch x := r.Float64(); {
	case x < 0.485:
		p.sex = 'f'
	case x < 0.97:
		p.sex = 'm'
	case x < 0.985:
		p.sex = 'u'
	default:
		p.sex = 'o'
	}
	p.given = givenName(r, p.sex)
	switch x := r.Float64(); {
	case x < 0.55:
		p.middle = givenName(r, p.sex)
	case x < 0.62:
		p.middle = givenName(r, p.sex) + " " + givenName(r, p.sex)
	}
	if family != "" && chance(r, shareFamily) {
		p.base = family
	} else {
		p.base = surname(r)
	}
	p.family = p.base
	if p.sex == 'm' && chance(r, 0.02) {
		p.family += pick(r, suffixes)
	}
	if chance(r, 0.07) {
		if nick, ok := nicknames[p.given]; ok {
			p.prefGiven = nick
		} else {
			p.prefGiven = pick(r, neutralNames)
		}
	}
	if chance(r, 0.01) {
		p.prefMiddle = givenName(r, p.sex)
	}
	if chance(r, 0.01) {
		p.prefFamily = surname(r)
	}
	share := 0.12
	if adult {
		share = 0.2
	}
	if p.sex == 'u' || p.sex == 'o' || chance(r, share) {
		p.pronouns = pick(r, pronounsBySex[p.sex])
	}
	return p
}

func givenName(r *rand.Rand, sex byte) string {
	switch {
	case sex == 'f' && !chance(r, 0.04):
		return pick(r, femaleNames)
	case sex == 'm' && !chance(r, 0.04):
		return pick(r, maleNames)
	default:
		return pick(r, neutralNames)
	}
}

// surname occasionally joins two names with a hyphen, as double-barrelled
// family names are common in SIS data.
func surname(r *rand.Rand) string {
	if chance(r, 0.05) {
		return pick(r, familyNames) + "-" + pick(r, familyNames)
	}
	return pick(r, familyNames)
}

// asciiFold spells out the letters of the name lists without diacritics.
var asciiFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ą': "a", 'ạ': "a", 'ả': "a", 'ầ': "a", 'ặ': "a",
	'ç': "c", 'ć': "c", 'č': "c", 'đ': "d", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ę': "e", 'ễ': "e", 'ệ': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ı': "i", 'ñ': "n", 'ń': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ồ': "o", 'ơ': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ư': "u", 'ý': "y", 'ỳ': "y", 'ÿ': "y",
	'ś': "s", 'š': "s", 'ş': "s", 'ß': "ss", 'ł': "l", 'ż': "z", 'ź': "z", 'ž': "z", 'ğ': "g",
	'Á': "a", 'Ö': "o", 'Đ': "d", 'Ł': "l", 'Ø': "o", 'É': "e",
}

// login lower-cases s to [a-z] only, dropping spaces and punctuation, for
// usernames and e-mail local parts; at most max letters are kept.
func login(s string, max int) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() >= max {
			break
		}
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c + 'a' - 'A')
		default:
			b.WriteString(asciiFold[c])
		}
	}
	out := b.String()
	if len(out) > max {
		out = out[:max]
	}
	return out
}
