// Package store defines the storage contracts of the provider: what the
// REST handlers read and what the CSV importer writes. The SQL behind them
// lives in sqlstore, shared by the SQLite and PostgreSQL packages, which
// differ only in driver, dialect and migrations; storetest holds the one
// conformance suite that both must pass.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
)

// Record is one stored object: the values of its table's columns, in the
// order the store's Columns method gives, plus embedded arrays loaded from
// other tables (keyed by JSON property name: "roles", "userProfiles",
// "children").
type Record struct {
	Vals []string
	Sub  map[string][]Record
}

// SubsetName names a restriction that a relationship endpoint or a typed view
// puts on a collection, such as "students of class X".
type SubsetName string

// The subsets the REST binding needs. Arg is the sourcedId (or type/role)
// that the subset is about.
const (
	UsersWithRole      SubsetName = "usersWithRole"      // Arg: role (student, teacher)
	OrgsOfType         SubsetName = "orgsOfType"         // Arg: org type
	SessionsOfType     SubsetName = "sessionsOfType"     // Arg: session type
	StudentsOfClass    SubsetName = "studentsOfClass"    // Arg: class
	TeachersOfClass    SubsetName = "teachersOfClass"    // Arg: class
	EnrollmentsOfClass SubsetName = "enrollmentsOfClass" // Arg: class
	ClassesOfCourse    SubsetName = "classesOfCourse"    // Arg: course
	ClassesOfSchool    SubsetName = "classesOfSchool"    // Arg: school
	ClassesOfTerm      SubsetName = "classesOfTerm"      // Arg: term
	ClassesOfUser      SubsetName = "classesOfUser"      // Arg: user (any enrollment role)
	ClassesOfStudent   SubsetName = "classesOfStudent"   // Arg: user enrolled as student
	ClassesOfTeacher   SubsetName = "classesOfTeacher"   // Arg: user enrolled as teacher
	CoursesOfSchool    SubsetName = "coursesOfSchool"    // Arg: school
	EnrollmentsOfSch   SubsetName = "enrollmentsOfSchool"
	StudentsOfSchool   SubsetName = "studentsOfSchool" // Arg: school
	TeachersOfSchool   SubsetName = "teachersOfSchool" // Arg: school
	TermsOfSchool      SubsetName = "termsOfSchool"    // Arg: school
	ChildrenOfSession  SubsetName = "childrenOfSession"

	ResourcesOfClass    SubsetName = "resourcesOfClass"    // Arg: class (classResources.csv)
	ResourcesOfCourse   SubsetName = "resourcesOfCourse"   // Arg: course (courseResources.csv)
	ResourcesOfUser     SubsetName = "resourcesOfUser"     // Arg: user (userResources.csv)
	LineItemsOfClass    SubsetName = "lineItemsOfClass"    // Arg: class
	LineItemsOfSession  SubsetName = "lineItemsOfSession"  // Arg: academic session
	ResultsOfClass      SubsetName = "resultsOfClass"      // Arg: class (through the result's line item)
	ResultsOfLineItem   SubsetName = "resultsOfLineItem"   // Arg: line item
	ResultsOfStudent    SubsetName = "resultsOfStudent"    // Arg: user
	CategoriesOfClass   SubsetName = "categoriesOfClass"   // Arg: class (categories its line items use)
	ScoreScalesOfClass  SubsetName = "scoreScalesOfClass"  // Arg: class
	ScoreScalesOfSchool SubsetName = "scoreScalesOfSchool" // Arg: school (the scale's org)

	// Visible restricts any entity to what a client whose sharing rule
	// lists some orgs may see (Arg: their sourcedIds, separated by
	// spaces). Below means the listed orgs and every org under them:
	//   - orgs: those below, and those above them (as orgs only, so that
	//     parent references resolve);
	//   - users and demographics: users with an active role at an org below;
	//   - classes: of a school below; enrollments: at a school below, of a
	//     visible user;
	//   - courses: of an org below, or the course of a visible class;
	//   - academicSessions: the terms of visible classes, the school years
	//     of visible courses, the sessions of visible line items, and every
	//     session above those;
	//   - lineItems and assessmentLineItems: of visible classes;
	//     categories: those their line items use; results and
	//     assessmentResults: of those line items, for visible users;
	//   - scoreScales: of a visible class or an org below, or used by a
	//     visible line item, result or assessment line item;
	//   - resources: allocated to a visible class, course or user, and the
	//     district-wide ones, allocated to nothing.
	Visible SubsetName = "visible"
)

// Subset is one restriction of the rows read (not an OAuth scope: those
// are the auth package's); a request may carry several, all of which hold.
type Subset struct {
	Name SubsetName
	Arg  string
}

// ListRequest asks for one page of a collection.
type ListRequest struct {
	Entity *oneroster.Entity
	Within []Subset
	Params query.Params
	// IDsOnly asks for the page's sourcedIds alone (each Record holds just
	// Vals[0], no embedded arrays): a caller that caches rendered objects
	// then reads only the ones it misses, with GetMany. Such pages may be
	// shared between callers: their records must not be modified.
	IDsOnly bool
}

// Page is one page of a collection and the size of the whole collection.
type Page struct {
	Records []Record
	Total   int
	// Version is the data version the page was read at: it changes with
	// every write, by any process, so values derived from a record may be
	// cached under it.
	Version int64
}

// Reader is what the REST binding reads.
//
// List returns *oneroster.Error values with code invalid_filter_field for a
// filter that names an unknown property or compares it with a value of the
// wrong type; unknown sort properties are ignored (the default order,
// sourcedId ascending, applies). Get returns an error matching
// oneroster.ErrNotFound when no object with that sourcedId satisfies the
// scopes. Records hold every column; field selection is the caller's.
type Reader interface {
	Columns(e *oneroster.Entity) []string
	List(ctx context.Context, r ListRequest) (Page, error)
	Get(ctx context.Context, e *oneroster.Entity, id string, within ...Subset) (Record, error)
	// Status returns the status of the object with that sourcedId if it
	// satisfies the scopes (the same objects Get would return), without
	// reading the object: parents of relationship paths and references of
	// written bodies only need to exist.
	Status(ctx context.Context, e *oneroster.Entity, id string, within ...Subset) (string, error)
	// GetMany returns the records with the given sourcedIds (in any
	// order; unknown ids are left out), with their embedded arrays.
	GetMany(ctx context.Context, e *oneroster.Entity, ids []string) ([]Record, error)
	// Among returns those of ids that name an object of e in every subset
	// (whatever its status), in any order: which references a client's
	// view may show.
	Among(ctx context.Context, e *oneroster.Entity, ids []string, within ...Subset) ([]string, error)
	// Version returns the data version that reads of e depend on (see
	// Page.Version).
	Version(ctx context.Context, e *oneroster.Entity) (int64, error)
}

// Existing is what an import needs to know about a stored row.
type Existing struct {
	Hash   string
	Status string
}

// Target is what an import needs to know about a referenced row.
type Target struct {
	Status string
	Type   string // org or academicSession type; "" for other tables
}

// PendingRef is a reference that could not be resolved when its row was
// read, because it may point forward in the same file (an org's parent, a
// user's agents). It is checked when the file is complete.
type PendingRef struct {
	Line, Column int
	ID           string
	// Active says the referring row is active, so the target must be
	// active too once the file is complete. CheckPending sets Deleted on
	// such a reference whose target the file leaves tobedeleted.
	Active, Deleted bool
}

// AfterAllFiles names the checks that run once every file is read.
const AfterAllFiles = "(after all files)"

// Finding is a problem with a row that a check across rows found.
type Finding struct {
	Line    int
	ID      string
	Code    string
	Message string
}

// ImportTx is one import, run in one database transaction: nothing it
// writes is visible to readers until Commit, and Rollback (or a crash)
// leaves the store exactly as it was. Tables are named by CSV file base
// name ("users"); columns by CSV column name.
type ImportTx interface {
	ID() int64
	// BeginFile starts the file of table and reports whether table holds
	// no row, the first load of a district: every row of the file is then
	// new, none can be missing at its end, and the store writes them with
	// plain inserts (Upsert must then never meet a stored sourcedId). On a
	// first load other writers to table wait until the import ends.
	BeginFile(ctx context.Context, table string) (empty bool, err error)
	// Existing returns the stored rows among ids.
	Existing(ctx context.Context, table string, ids []string) (map[string]Existing, error)
	// Resolve returns the rows among ids that exist in table.
	Resolve(ctx context.Context, table string, ids []string) (map[string]Target, error)
	// Upsert inserts or replaces rows; cols are CSV column names and must
	// include sourcedId, status, dateLastModified, metadata and contentHash.
	Upsert(ctx context.Context, table string, cols []string, rows [][]string) error
	// Seen records that ids were read from the current file of table at
	// lines; it returns, for each position in ids already seen in this
	// import, the line that first had it. On a first load (see BeginFile)
	// the table itself holds the file's accepted rows, and their lines are
	// not kept: such a line is returned as 0, for the caller to find in
	// the file (duplicates refuse the import; the common case writes
	// nothing for them).
	Seen(ctx context.Context, table string, ids []string, lines []int) (map[int]int, error)
	// Reject records rows of table's file that had problems of their own,
	// and RejectedLines returns, for those of ids so recorded, their line:
	// a reference to such a row is not reported a second time.
	Reject(ctx context.Context, table string, ids []string, lines []int) error
	RejectedLines(ctx context.Context, table string, ids []string) (map[string]int, error)
	// EndFile releases what the import kept about table's file (the ids it
	// held), once the bulk step is done. The ids of users.csv are kept to
	// the end, for the AfterAllFiles checks. It also infers what a file may leave
	// out: the school of a OneRoster 1.1 line item, from its class.
	EndFile(ctx context.Context, table string) error
	// MarkMissing turns every active row of table that this import has not
	// seen into tobedeleted at time now (bulk semantics) and returns how many.
	MarkMissing(ctx context.Context, table string, now time.Time) (int64, error)
	// CountMissing counts the active rows of table that this import has not
	// seen (what MarkMissing would delete) and all active rows, so that a
	// bulk file that would delete too much can be refused first.
	CountMissing(ctx context.Context, table string) (missing, active int64, err error)
	// Findings runs the checks that involve several rows or files on the
	// rows of table seen in this import (a result's student must be enrolled
	// in its line item's class, one primary role per user and org, no
	// parent cycles, …); table AfterAllFiles runs the checks on users.csv
	// that need its roles (a role for every user, the primary org's role).
	// After a first load, Finding.Line is 0, as for Seen.
	Findings(ctx context.Context, table string, limit int) ([]Finding, error)
	// SetComplete tells Findings which tables hold all the rows its
	// checks may need: a check that needs another table (complete false:
	// in a validate without a database, a file the package does not carry
	// whole; in any import, a file that could not be read) would report
	// what is only missing from here, so it is skipped and named in
	// Skipped ("results.csv NOT_ENROLLED").
	SetComplete(complete func(table string) bool)
	Skipped() []string
	// AddPending stores forward references of table to be checked by
	// CheckPending against target once the file is complete: the target
	// must exist then, and be active for an Active reference.
	AddPending(ctx context.Context, table string, refs []PendingRef) error
	CheckPending(ctx context.Context, table, target string, limit int) ([]PendingRef, error)
	// TouchOwners sets dateLastModified=now on objects whose JSON is made
	// partly of rows of other files that this import changed (a user's
	// roles and profiles, a line item's or result's score scale and
	// learning objectives), so that delta consumers see them.
	TouchOwners(ctx context.Context, now time.Time) (int64, error)
	Finish(ctx context.Context, outcome, report string) error
	Commit() error
	Rollback() error
}

// ImportRecord is the history entry of one import, kept whether the
// package was imported or refused.
type ImportRecord struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time
	Source     string // the package's file or folder name
	SHA256     string // of a zip package; "" for a folder
	Outcome    string // "imported", "rejected" or "cancelled"
	Report     string // the import report, JSON
}

// Store is a whole provider store.
type Store interface {
	Reader
	Writer
	Exporter
	AuthStore
	BeginImport(ctx context.Context, source, sha256 string) (ImportTx, error)
	// RecordImport adds the history entry of an import whose transaction
	// was rolled back (a refused package); Imports lists the newest first.
	RecordImport(ctx context.Context, r ImportRecord) error
	Imports(ctx context.Context, limit int) ([]ImportRecord, error)
	// Import returns the history entry with that id, or an error
	// matching oneroster.ErrNotFound.
	Import(ctx context.Context, id int64) (ImportRecord, error)
	// Ready reports whether the database answers, within ctx's deadline,
	// and holds every migration this build knows: nil, an error matching
	// ErrNotMigrated, or the error of the query (the context's when the
	// deadline passed first). It writes nothing.
	Ready(ctx context.Context) error
	// Unavailable reports whether err, returned by one of the store's
	// methods, means the database could not be reached or is not taking
	// work now (restarting, failing over, out of connections): worth a
	// retry in a few seconds, not a failure of the request.
	Unavailable(err error) bool
	Close() error
}

// ErrNotMigrated is Ready's answer when the database lacks migrations this
// build applies (another process is migrating it, or it was restored from
// an older backup while this one ran).
var ErrNotMigrated = errors.New("store: migrations not applied")

// Client is an OAuth 2.0 client of the REST API. Its secret is never
// stored, only SecretHash.
type Client struct {
	ID         string
	Name       string
	SecretHash string
	Scopes     string // space-separated scope URIs
	// Hide is the client's sharing rule on properties: space-separated
	// "entity.property" paths and whole entities it never receives
	// (jsonbind.ParseHide checks them); "" hides nothing.
	Hide string
	// Orgs is the client's sharing rule on rows: the sourcedIds of the
	// orgs whose data it sees (see Visible), separated by spaces; "" is
	// every org.
	Orgs      string
	CreatedAt time.Time
	RotatedAt time.Time // zero: never rotated
	RevokedAt time.Time // zero: not revoked
	// TokenGen counts the changes that end the client's tokens (a
	// revocation, a new secret, new scopes). A token keeps the generation
	// it was issued under and is refused once the client's has moved on,
	// so a token survives no such change, even one made while it was
	// being issued, and even where tokens are stored apart from clients.
	TokenGen int64
}

// Token is an issued access token, known by the hash of its value.
type Token struct {
	ClientID  string
	Scopes    string
	ExpiresAt time.Time
	// Gen is the client's TokenGen when the token was issued.
	Gen int64
	// Hide and Orgs are the client's rules as they stand when the token
	// is read (not when it was issued), so a change reaches existing
	// tokens.
	Hide, Orgs string
}

// Usage is what one client did in one hour: the requests it made, the
// records it received, the time of its last request.
type Usage struct {
	ClientID          string
	Hour              time.Time // truncated to the hour, UTC
	Requests, Records int64
	LastUsed          time.Time
}

// AuthStore keeps OAuth clients, tokens and failed attempts.
//
// Client and Token lookups return an error matching oneroster.ErrNotFound
// when there is no such (unrevoked, for Token) record. Times cross this
// interface as time.Time; the store keeps them in oneroster.TimeLayout.
type AuthStore interface {
	CreateClient(ctx context.Context, c Client) error
	Client(ctx context.Context, id string) (Client, error)
	Clients(ctx context.Context) ([]Client, error)
	// RevokeClient marks the client revoked and deletes its tokens.
	RevokeClient(ctx context.Context, id string, now time.Time) error
	// SetClientSecret replaces the secret hash and deletes the client's tokens.
	SetClientSecret(ctx context.Context, id, hash string, now time.Time) error
	// SetClientScopes replaces the client's scopes and deletes its tokens
	// (a token holds the scopes it was issued with).
	SetClientScopes(ctx context.Context, id, scopes string) error
	// SetClientHide replaces the client's Hide rule; its tokens stay and
	// carry the new rule from their next lookup.
	SetClientHide(ctx context.Context, id, hide string) error
	// SetClientOrgs replaces the client's Orgs rule, as SetClientHide does.
	SetClientOrgs(ctx context.Context, id, orgs string) error
	// AddUsage adds counts to the clients' hours (one batch, one
	// transaction) and forgets hours before forget.
	AddUsage(ctx context.Context, batch []Usage, forget time.Time) error
	// UsageSince sums each client's counts over the hours from since on
	// (Hour zero in the result), with its last use.
	UsageSince(ctx context.Context, since time.Time) (map[string]Usage, error)
	// CreateToken stores a token and deletes tokens that expired before now.
	CreateToken(ctx context.Context, hash string, t Token, now time.Time) error
	// Token returns the token with that hash if it has not expired at now
	// and its client is not revoked.
	Token(ctx context.Context, hash string, now time.Time) (Token, error)
	// AddFailure records a failed attempt under key at time now and forgets
	// failures older than since; Failures counts key's failures after since
	// and returns the time of the oldest of them.
	AddFailure(ctx context.Context, key string, now, since time.Time) error
	Failures(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error)
	// ClearFailures forgets the failures of every key that begins with
	// prefix (compared as text: '_' and '%' are themselves) and returns
	// how many it forgot.
	ClearFailures(ctx context.Context, prefix string) (int64, error)
}

// Object is one object written through the REST binding, in stored form.
type Object struct {
	// Path is the JSON path of the object in its request ("lineItem",
	// "results[3]"): errors about it name the property under it.
	Path       string
	Vals       map[string]string // CSV column -> value; blank optional values are ""
	Links      map[string]string // LinkRef property -> referenced sourcedId ("" for none)
	Objectives []Objective       // rows of an Objectives property
	Refs       []Ref             // every reference of the body, to check
	// Visible, when set, is what the writing client may see: an object
	// that exists outside it is not replaced, and the write answers as
	// for an unknown object (ErrNotFound).
	Visible []Subset
}

// Ref is one reference of a written object: the object it names must
// exist and be active when the write commits.
type Ref struct {
	Path   string            // JSON path of the reference, for messages ("lineItem.class")
	Entity *oneroster.Entity // the entity it points at
	Col    string            // the writer's column holding it; "" for a LinkRef
	ID     string
	// Within, when set, restricts what the reference may name (a line
	// item of the class and session of the path); Outside is then the
	// message for an active object outside them.
	Within  []Subset
	Outside string
	// Visible, when set, is what the writing client may see: an object
	// outside it is reported exactly as one that does not exist.
	Visible []Subset
}

// Objective is one learning objective (and, for results, its score).
type Objective struct {
	Source, ID, Score, TextScore string
}

// Writer is what the gradebook's write operations need.
//
// Put writes objects in one transaction, setting dateLastModified to now,
// and reports for each whether it was created (new, or replacing a deleted
// one). In that same transaction it checks what the CSV binding requires,
// so that the next export is a package the import accepts: every Ref
// exists, is active and has the type the binding wants; the rules across
// rows that the import checks hold; values the JSON cannot carry are
// derived (a line item's academic session from its class's one term, a
// score scale's org and course from its class) or kept from the stored
// row. A broken rule is a 422 *oneroster.Error naming the property.
//
// Delete turns an active object into a tombstone (tobedeleted), with what
// hangs off it: its link rows, and the objects that belong to it (a line
// item's results, an assessment line item's results and children). An
// object that active objects still refer to otherwise (a category, a
// score scale) is not deleted: 422 naming them. Delete returns an error
// matching oneroster.ErrNotFound when there is no active object in the
// visible subsets.
type Writer interface {
	Put(ctx context.Context, e *oneroster.Entity, objs []Object, now time.Time) ([]bool, error)
	Delete(ctx context.Context, e *oneroster.Entity, id string, now time.Time, visible ...Subset) error
}

// Exporter streams the rows of a table for a CSV export.
//
// ExportRows calls each, in sourcedId order, with the values of a row of
// table (CSV base name) in the order of the table's CSV columns followed
// by metadata. With a zero since it yields the active rows; otherwise the
// rows changed after since, tobedeleted ones too. With a Visible subset
// it yields only the rows that client may see (link rows when it sees
// both ends), with optional references to objects it does not see blank.
// The slice is reused between calls.
type Exporter interface {
	ExportRows(ctx context.Context, table string, since time.Time, each func(vals []string) error, visible ...Subset) error
}
