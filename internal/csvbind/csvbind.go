// Package csvbind is the low-level OneRoster 1.2.1 CSV binding: it opens a
// package (a zip archive or a folder), parses manifest.csv, and streams the
// 21 data files row by row, checking everything that can be checked one row
// at a time — layout, encoding, CSV syntax, headers, required values,
// formats, vocabularies and the bulk/delta rules.
//
// OneRoster 1.1 packages are read too, and presented as 1.2 packages: their
// files are checked against the 1.1 layouts (Files11) and their rows handed
// out in the 1.2.1 layouts, with roles.csv derived from the 1.1 users.csv
// (see Package.OpenFile).
//
// It knows nothing about storage. Checks that need more than one row
// (duplicate ids, references, cycles) belong to the importer; their problem
// codes are defined here so that every report speaks one vocabulary.
//
// Input is treated as hostile: zip entries are streamed, never extracted, and
// every entry and every record has a size cap, so memory use stays constant
// whatever the package holds.
package csvbind

import "fmt"

// Problem is one finding about a package, in the shape compilers use so that
// editors and CI logs can jump to it.
type Problem struct {
	File string `json:"file"` // file inside the package, e.g. "users.csv"; the package or folder name for package-wide problems
	// Line is 1-based; 0 means the whole file.
	Line int `json:"line"`
	// Column is the 1-based field number of the cell, as a spreadsheet
	// counts columns (1 is column A); 0 means the whole line, or a place
	// inside a line that Offset gives (a CSV syntax error).
	Column int `json:"column"`
	// Header is the header of the cell's column, when there is one.
	Header string `json:"header,omitempty"`
	// Offset is the 1-based byte offset of the cell (or of a syntax
	// error) in its line, after a leading BOM, which editors do not show.
	Offset  int    `json:"offset,omitempty"`
	Code    string `json:"code"` // one of the Code* constants
	Message string `json:"message"`
}

// String formats p as FILE:LINE:COLUMN: CODE: message.
func (p Problem) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Column, p.Code, p.Message)
	return s
}

// Error lets Open return a Problem, so callers report an unreadable package
// the same way as every other problem.
func (p Problem) Error() string { return p.String() }

// Problem codes. They are part of the public contract (reports, README,
// tests): never rename one, only add.
const (
	CodePackageUnreadable = "PACKAGE_UNREADABLE"
	CodePackageUnsafe     = "PACKAGE_UNSAFE"
	CodePackageNested     = "PACKAGE_NESTED"
	CodeUnknownFile       = "UNKNOWN_FILE"
	CodeManifestMissing   = "MANIFEST_MISSING"
	CodeManifestInvalid   = "MANIFEST_INVALID"
	CodeFileMissing       = "FILE_MISSING"
	CodeFileNotInManifest = "FILE_NOT_IN_MANIFEST"
	CodeEncoding          = "ENCODING"
	CodeCSVSyntax         = "CSV_SYNTAX"
	CodeLineBreak         = "LINE_BREAK"
	CodeControlChar       = "CONTROL_CHAR"
	CodeHeader            = "HEADER"
	CodeColumnCount       = "COLUMN_COUNT"
	CodeEmptyFile         = "EMPTY_FILE"
	CodeRequired          = "REQUIRED"
	CodeSourcedID         = "SOURCEDID"
	CodeEnum              = "ENUM"
	CodeBoolean           = "BOOLEAN"
	CodeDate              = "DATE"
	CodeDateTime          = "DATETIME"
	CodeYear              = "YEAR"
	CodeNumber            = "NUMBER"
	CodeInteger           = "INTEGER"
	CodeList              = "LIST"
	CodeCaseID            = "CASE_ID"
	CodeParallelLists     = "PARALLEL_LISTS"
	CodeStatusInBulk      = "STATUS_IN_BULK"
	CodeDeltaFields       = "DELTA_FIELDS"
	CodeDuplicateID       = "DUPLICATE_ID"
	CodeDanglingRef       = "DANGLING_REF"
	CodeRefType           = "REF_TYPE"
	CodeCycle             = "CYCLE"
	CodeUnchecked         = "UNCHECKED"

	// Warning codes: what the reader took from a harmless habit of real
	// producers and normalised (STATUS_IN_BULK is one too). --strict turns
	// them into errors.
	CodeCaseFolded      = "CASE_FOLDED"
	CodeManifestVersion = "MANIFEST_VERSION"
	CodeTrailingCell    = "TRAILING_CELL"
	CodePackageClutter  = "PACKAGE_CLUTTER"
)

// CodeInfo documents one problem code.
type CodeInfo struct {
	Code    string
	Meaning string
	// Importer is true for codes this package defines but never reports,
	// because finding them takes more than one row.
	Importer bool
	// Warning codes name input that is read, normalised and reported;
	// the others refuse the package.
	Warning bool
}

// Codes lists every problem code with its meaning, in the order a package is
// checked; the README's code table is generated from it.
var Codes = []CodeInfo{
	{CodePackageUnreadable, "The package, or one entry of it, cannot be read: not a zip archive, corrupt data, encrypted or unsupported compression, or an I/O error.", false, false},
	{CodePackageUnsafe, "A zip entry was refused for safety: absolute path, a .. element, a name used twice, or more data than the size limit.", false, false},
	{CodePackageNested, "Files sit in a folder inside the zip; OneRoster wants every CSV file at the root of the archive.", false, false},
	{CodeUnknownFile, "The package holds a file that is neither manifest.csv nor one of the 21 data files (names are case-sensitive), or a package that declares OneRoster 1.1 holds one of the 8 files 1.2 added.", false, false},
	{CodeManifestMissing, "manifest.csv is not at the root of the package.", false, false},
	{CodeManifestInvalid, "manifest.csv is malformed: wrong header, wrong cell count, unknown, duplicate or missing property, bad mode, wrong version.", false, false},
	{CodeFileMissing, "The manifest marks a file bulk or delta but the package does not contain it.", false, false},
	{CodeFileNotInManifest, "A data file is present but the manifest marks it absent (or does not list it); it is not read.", false, false},
	{CodeEncoding, "A cell is not valid UTF-8.", false, false},
	{CodeCSVSyntax, "The file is not valid RFC 4180 CSV (bare or unterminated quote, oversized record); the rest of the file is not read.", false, false},
	{CodeLineBreak, "A cell contains a carriage return or line feed, which the CSV binding forbids.", false, false},
	{CodeControlChar, "A cell holds a NUL byte or another control character (a tab is allowed).", false, false},
	{CodeHeader, "The header row is missing, or a column is missing, misspelt, out of order or duplicated, or a metadata.* column is malformed or placed before a standard column; the file's rows are not read.", false, false},
	{CodeColumnCount, "A row has a different number of cells than the header.", false, false},
	{CodeEmptyFile, "A data file has a header but no data rows; such a file must be left out and marked absent.", false, false},
	{CodeRequired, "A required value is blank.", false, false},
	{CodeSourcedID, "An identifier (sourcedId or reference) is empty, longer than 255 characters, or uses characters outside 0-9 A-Z a-z . - _ / @.", false, false},
	{CodeEnum, "A value is not in the column's vocabulary (exact case), or uses ext: where the vocabulary is closed, or is a malformed ext: value.", false, false},
	{CodeBoolean, "A true/false column holds something other than lower-case true or false.", false, false},
	{CodeDate, "A date is not YYYY-MM-DD or is not a real calendar date.", false, false},
	{CodeDateTime, "A date-time is not an ISO 8601 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.fff]Z or +00:00).", false, false},
	{CodeYear, "A year is not four digits.", false, false},
	{CodeNumber, "A decimal number is malformed.", false, false},
	{CodeInteger, "A whole number is malformed.", false, false},
	{CodeList, "A list has an empty item, or a structured item ({type:id}, {LHS:RHS}) is malformed.", false, false},
	{CodeCaseID, "A learning objective whose source is case has an id that is not a UUID URN (urn:uuid:<uuid>).", false, false},
	{CodeParallelLists, "subjects and subjectCodes are both filled but have different numbers of items; they are parallel lists.", false, false},
	{CodeStatusInBulk, "Warning: a bulk file fills status or dateLastModified, which bulk rows leave blank. Bulk semantics apply: dateLastModified is ignored (the import's time is used), and a row whose status is tobedeleted marks its record deleted, as a delta row would.", false, true},
	{CodeDeltaFields, "A delta row leaves status or dateLastModified blank; both are required in delta rows.", false, false},
	{CodeDuplicateID, "A sourcedId appears more than once in a file.", true, false},
	{CodeDanglingRef, "A reference names a sourcedId that is neither in the package nor already stored.", true, false},
	{CodeRefType, "A reference resolves to a record of the wrong kind (e.g. a schoolSourcedId naming a district).", true, false},
	{CodeCycle, "Parent references (orgs, academicSessions) form a cycle.", true, false},
	{CodeUnchecked, "A file could not be read whole (header, syntax, size): the references into it, and the checks that need it, were not checked one by one; one line counts them.", true, false},
	{CodeCaseFolded, "Warning: a boolean or vocabulary value in another letter case (TRUE, Active, Scheduled) that matches exactly one value; read as that value.", false, true},
	{CodeManifestVersion, "Warning: manifest.version is 1, read as 1.0.", false, true},
	{CodeTrailingCell, "Warning: a row (or the header) has one empty cell too many at its end, a trailing comma; the cell is ignored.", false, true},
	{CodePackageClutter, "Warning: the zip holds entries that operating systems add (__MACOSX/, ._*, .DS_Store, Thumbs.db, desktop.ini); they are skipped.", false, true},
}
