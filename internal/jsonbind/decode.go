package jsonbind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// Request bodies of the gradebook's write operations (PUT of one object,
// POST of a set) are decoded here into the form the store keeps, the same
// form the CSV import writes, so that what a client PUTs it GETs back.
//
// Validation is strict on types, as the OpenAPI is (additionalProperties
// false everywhere, booleans as strings, no nulls), and lenient only where
// real consumers need it: status and dateLastModified may be left out (the
// server sets them), a GUIDRef needs only its sourcedId and its href may
// be relative, a date may be sent as a date-time (the date written in it
// is kept) and a date-time as a bare date (midnight UTC), a 1.1
// gradingPeriod stands for academicSession, and a learning-objective
// source may be in the CSV binding's ext:<name> form. A value that is sent
// is always checked, even one the server then ignores (dateLastModified,
// href). The README lists these leniencies with their reasons.
//
// Malformed JSON is 400 invaliddata with the byte offset; anything
// well-formed but wrong is 422 invaliddata whose message lists every
// problem (up to maxProblems) as "<JSON path>: <what is wrong>", joined by
// "; ", in body order, then missing properties in schema order.

// maxPostItems is the most objects one POST may carry.
const maxPostItems = 1000

// maxProblems is the most problems one error message lists.
const maxProblems = 10

// vocabulary is the vocabulary of e's Enum property f, from the schema
// catalogue (the CSV binding reads the same column).
func vocabulary(e *oneroster.Entity, f *oneroster.Field) (oneroster.Vocabulary, bool) {
	t := schema.ByName(e.Table)
	if t == nil {
		return oneroster.Vocabulary{}, false
	}
	c := t.Columns.Column(f.Col)
	if c == nil || c.Values == nil {
		return oneroster.Vocabulary{}, false
	}
	return oneroster.Vocabulary{Values: c.Values, Extensible: c.Extensible}, true
}

// legacyAliases are properties of the OpenAPI that the catalogue keeps
// under another name: LineItemDType still has the 1.1 gradingPeriod.
var legacyAliases = map[*oneroster.Entity]map[string]string{
	oneroster.LineItem: {"gradingPeriod": "academicSession"},
}

// problems collects what is wrong with a body.
type problems struct {
	msgs []string
	more int
}

func (p *problems) add(path, format string, args ...any) {
	if len(p.msgs) >= maxProblems {
		p.more++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	p.msgs = append(p.msgs, msg)
}

func (p *problems) err() error {
	if len(p.msgs) == 0 {
		return nil
	}
	msg := strings.Join(p.msgs, "; ")
	if p.more > 0 {
		msg += fmt.Sprintf("; and %d more", p.more)
	}
	return &oneroster.Error{Code: oneroster.CodeInvalidData, Message: msg, Status: http.StatusUnprocessableEntity}
}

func badJSON(format string, args ...any) error {
	return &oneroster.Error{Code: oneroster.CodeInvalidData, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// checkSyntax returns a 400 error when data is not one well-formed JSON
// value (trailing data included) in UTF-8. Byte numbers in its messages
// count from 1, as encoding/json's syntax errors do.
func checkSyntax(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return badJSON("the request body is empty")
	}
	// encoding/json turns invalid UTF-8 and lone surrogate escapes into
	// U+FFFD without a word, which would store a character the client never
	// sent: both are refused instead. The first problem in the body is the
	// one reported.
	bad := invalidUTF8(data)
	badUTF8 := func() error {
		return badJSON("malformed JSON at byte %d: invalid UTF-8 (byte 0x%02x); the body must be UTF-8", bad+1, data[bad])
	}
	if json.Valid(data) {
		if bad >= 0 {
			return badUTF8()
		}
		if i := loneSurrogate(data); i >= 0 {
			return badJSON(`malformed JSON at byte %d: %s is half of a UTF-16 surrogate pair without its other half, which no character is`, i+1, data[i:i+6])
		}
		return nil
	}
	var v json.RawMessage
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && (bad < 0 || se.Offset < int64(bad)+1):
		return badJSON("malformed JSON at byte %d: %s", se.Offset, se.Error())
	case bad >= 0:
		return badUTF8()
	}
	return badJSON("malformed JSON")
}

// invalidUTF8 returns the offset of the first byte of data that is not
// part of a UTF-8 character, or -1.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// loneSurrogate returns the offset of the first \u escape of well-formed
// JSON data (in a string or a key) that is a UTF-16 surrogate without its
// other half — a high one (D800-DBFF) not followed by an escaped low one
// (DC00-DFFF), or a low one alone — or -1.
func loneSurrogate(data []byte) int {
	if !bytes.Contains(data, []byte(`\u`)) {
		return -1
	}
	in := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case !in:
			in = c == '"'
		case c == '"':
			in = false
		case c == '\\':
			if data[i+1] != 'u' { // one escaped character, \\ included
				i++
				continue
			}
			r := hex4(data[i+2 : i+6])
			switch {
			case 0xD800 <= r && r <= 0xDBFF:
				if i+12 <= len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
					if lo := hex4(data[i+8 : i+12]); 0xDC00 <= lo && lo <= 0xDFFF {
						i += 11
						continue
					}
				}
				return i
			case 0xDC00 <= r && r <= 0xDFFF:
				return i
			}
			i += 5
		}
	}
	return -1
}

// hex4 decodes four hex digits, which well-formed JSON guarantees after \u
// (anything else gives -1).
func hex4(b []byte) int {
	n := 0
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			n = n<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			n = n<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			n = n<<4 | int(c-'A'+10)
		default:
			return -1
		}
	}
	return n
}

// DecodePut reads the body of a PUT of one object of e, {"<e.Name>": {…}},
// into the form the store writes. id is the sourcedId of the path: a
// body sourcedId that differs is refused, a missing one takes it.
func DecodePut(e *oneroster.Entity, body []byte, id string) (store.Object, error) {
	objs, err := decode(e, body, false, id, nil)
	if err != nil {
		return store.Object{}, err
	}
	return objs[0], nil
}

// DecodePost reads the body of a POST of objects of e,
// {"<e.Plural>": [{…}, …]}: a non-empty array of at most maxPostItems
// objects, whose sourcedIds (the client's temporary ids) are required and
// distinct. fixed maps a reference property to the sourcedId the path
// gives it (the class of line items posted to /classes/{id}/lineItems):
// an object that omits the property takes it, as a reference the store
// checks like any other; one that names another sourcedId is refused.
func DecodePost(e *oneroster.Entity, body []byte, fixed map[string]string) ([]store.Object, error) {
	return decode(e, body, true, "", fixed)
}

// decode reads a whole body {"<key>": …}: for a PUT (plural false) the
// key is e.Name and its value one object; for a POST the key is e.Plural.
func decode(e *oneroster.Entity, body []byte, plural bool, pathID string, fixed map[string]string) ([]store.Object, error) {
	key, shape := e.Name, `{"`+e.Name+`": {…}}`
	if plural {
		key, shape = e.Plural, `{"`+e.Plural+`": [{…}, …]}`
	}
	if err := checkSyntax(body); err != nil {
		var oe *oneroster.Error
		if errors.As(err, &oe) && strings.HasPrefix(oe.Message, "the request body is empty") {
			oe.Message += "; expected " + shape
		}
		return nil, err
	}
	var p problems
	if t := jsonType(body); t != "object" {
		p.add("", "the request body must be a JSON object %s, got %s", shape, t)
		return nil, p.err()
	}
	var val json.RawMessage
	found := false
	for _, m := range objectMembers(body) {
		switch {
		case m.key == key && found:
			p.add(key, "duplicate property")
		case m.key == key:
			val, found = m.val, true
		default:
			p.add(joinPath("", m.key), "unknown property; the body must be %s", shape)
		}
	}
	if !found && len(p.msgs) == 0 {
		p.add(key, "required; the body must be %s", shape)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	d := bodyDecoder{p: &p, fixed: fixed}
	if !plural {
		w, err := d.object(e, val, pathID, key)
		if err != nil {
			return nil, err
		}
		if err := p.err(); err != nil {
			return nil, err
		}
		return []store.Object{w}, nil
	}
	if t := jsonType(val); t != "array" {
		p.add(key, "must be an array of %s objects, got %s", e.Name, describeJSON(val))
		return nil, p.err()
	}
	items := arrayElements(val)
	switch {
	case len(items) == 0:
		p.add(key, "must hold at least one %s", e.Name)
	case len(items) > maxPostItems:
		p.add(key, "holds %d items; at most %d are allowed in one request", len(items), maxPostItems)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	out := make([]store.Object, len(items))
	first := map[string]int{}
	for i, item := range items {
		path := key + "[" + strconv.Itoa(i) + "]"
		w, err := d.object(e, item, pathID, path)
		if err != nil {
			return nil, err
		}
		if id := w.Vals["sourcedId"]; id != "" {
			if j, dup := first[id]; dup {
				p.add(path+".sourcedId", "%q is also the sourcedId of %s[%d]", id, key, j)
			} else {
				first[id] = i
			}
		}
		out[i] = w
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// bodyDecoder decodes well-formed JSON, recording problems in p. Its
// methods return an error only for a catalogue it cannot handle (a bug).
type bodyDecoder struct {
	p     *problems
	fixed map[string]string // see DecodePost
}

// object decodes one object of entity e found at path.
func (d *bodyDecoder) object(e *oneroster.Entity, raw json.RawMessage, pathID, path string) (store.Object, error) {
	w := store.Object{Path: path, Vals: map[string]string{}, Links: map[string]string{}}
	for _, f := range e.Fields {
		switch {
		case f.Kind == oneroster.LinkRef:
			w.Links[f.Name] = ""
		case f.Col != "" && f.Name != "dateLastModified":
			w.Vals[f.Col] = ""
		}
	}
	w.Vals["status"] = "active"
	ms, ok := d.props(raw, path)
	if !ok {
		return w, nil
	}
	seen := map[string]bool{}
	nums := map[string]float64{}
	type alias struct{ path, target, id string }
	var aliases []alias
	for _, m := range ms {
		fp := joinPath(path, m.key)
		seen[m.key] = true
		f := e.Field(m.key)
		if f == nil {
			if target, ok := legacyAliases[e][m.key]; ok {
				if id, ok := d.guidRef(m.val, fp, e.Field(target).RefType); ok {
					aliases = append(aliases, alias{fp, target, id})
				}
				continue
			}
			d.p.add(fp, "unknown property%s", suggestField(e, m.key))
			continue
		}
		switch f.Name {
		case "sourcedId":
			d.sourcedID(&w, m.val, fp, pathID)
			continue
		case "status":
			if s, ok := d.enum(oneroster.Vocabulary{Values: oneroster.StatusValues}, m.val, fp); ok {
				w.Vals[f.Col] = s
			}
			continue
		case "dateLastModified":
			// The server sets it, so the value is not kept, but a client
			// that sends one that is not a date-time has a bug to hear of.
			d.dateTime(m.val, fp, false)
			continue
		}
		if err := d.field(e, f, m.val, fp, &w, nums); err != nil {
			return w, err
		}
	}
	if !seen["sourcedId"] {
		switch {
		case pathID == "":
			d.p.add(joinPath(path, "sourcedId"), "required")
		case !oneroster.ValidGUID(pathID):
			d.p.add(joinPath(path, "sourcedId"), "the sourcedId of the path, %q, is not a valid sourcedId (1 to 255 characters from 0-9 A-Z a-z . - _ / @)", pathID)
		default:
			w.Vals["sourcedId"] = pathID
		}
	}
	for _, f := range e.Fields {
		switch f.Name {
		case "sourcedId", "status", "dateLastModified":
			continue
		}
		if f.Required && !seen[f.Name] && d.fixed[f.Name] == "" {
			d.p.add(joinPath(path, f.Name), "required")
		}
	}
	for prop, id := range d.fixed {
		f := e.Field(prop)
		switch cur := w.Vals[f.Col]; {
		case !seen[prop]:
			// The path's parent: a reference like any, which the store
			// checks (status, type) in the write's transaction.
			w.Vals[f.Col] = id
			w.Refs = append(w.Refs, store.Ref{Path: joinPath(path, prop), Entity: oneroster.EntityNamed(f.RefType), Col: f.Col, ID: id})
		case cur != "" && cur != id:
			d.p.add(joinPath(joinPath(path, prop), "sourcedId"), "must be %s, the %s of the path", id, prop)
		}
	}
	for _, a := range aliases {
		f := e.Field(a.target)
		switch cur := w.Vals[f.Col]; {
		case seen[a.target] && cur != "" && cur != a.id:
			d.p.add(a.path, "%q differs from %s.sourcedId %q (gradingPeriod is the 1.1 name of academicSession; send only academicSession)", a.id, joinPath(path, a.target), cur)
		case cur == "" && !seen[a.target]:
			w.Vals[f.Col] = a.id
			w.Refs = append(w.Refs, store.Ref{Path: a.path, Entity: oneroster.EntityNamed(f.RefType), Col: f.Col, ID: a.id})
		}
	}
	lo, okLo := nums["resultValueMin"]
	hi, okHi := nums["resultValueMax"]
	if okLo && okHi && lo > hi {
		d.p.add(joinPath(path, "resultValueMin"), "%s is greater than resultValueMax (%s)", fmtNum(lo), fmtNum(hi))
	}
	return w, nil
}

// field decodes one property of kind other than the base fields'.
func (d *bodyDecoder) field(e *oneroster.Entity, f *oneroster.Field, raw json.RawMessage, path string, w *store.Object, nums map[string]float64) error {
	switch f.Kind {
	case oneroster.String:
		s, ok := d.str(raw, path)
		if ok && s == "" && f.Required {
			d.p.add(path, "must not be empty")
			return nil
		}
		w.Vals[f.Col] = s
	case oneroster.Enum:
		v, known := vocabulary(e, f)
		if !known {
			return fmt.Errorf("jsonbind: no vocabulary for %s.%s", e.Name, f.Name)
		}
		if s, ok := d.enum(v, raw, path); ok {
			w.Vals[f.Col] = s
		}
	case oneroster.Date:
		if s, ok := d.date(raw, path); ok {
			w.Vals[f.Col] = s
		}
	case oneroster.DateTime, oneroster.DateAsTime:
		if s, ok := d.dateTime(raw, path, f.Kind == oneroster.DateAsTime); ok {
			w.Vals[f.Col] = s
		}
	case oneroster.Number:
		if n, ok := d.number(raw, path); ok {
			nums[f.Name] = n
			w.Vals[f.Col] = fmtNum(n)
		}
	case oneroster.Bool:
		if t := jsonType(raw); t != "string" {
			d.p.add(path, `must be the string "true" or "false", got %s`, describeJSON(raw))
			return nil
		}
		s, _ := d.str(raw, path)
		if s != "true" && s != "false" {
			d.p.add(path, `must be the string "true" or "false", got %s`, oneroster.Quote(s))
			return nil
		}
		w.Vals[f.Col] = s
	case oneroster.Metadata:
		if t := jsonType(raw); t != "object" {
			d.p.add(path, "must be an object, got %s", describeJSON(raw))
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return fmt.Errorf("jsonbind: decoding metadata: %w", err)
		}
		if len(m) == 0 {
			w.Vals[f.Col] = ""
			return nil
		}
		b, err := json.Marshal(m) // map keys are sorted, as the CSV import's
		if err != nil {
			return fmt.Errorf("jsonbind: encoding metadata: %w", err)
		}
		w.Vals[f.Col] = string(b)
	case oneroster.Ref, oneroster.LinkRef:
		target := oneroster.EntityNamed(f.RefType)
		if target == nil {
			return fmt.Errorf("jsonbind: unknown GUIDRef type %q of %s.%s", f.RefType, e.Name, f.Name)
		}
		id, ok := d.guidRef(raw, path, f.RefType)
		if !ok {
			return nil
		}
		if f.Kind == oneroster.Ref {
			w.Vals[f.Col] = id
		} else {
			w.Links[f.Name] = id
		}
		ref := store.Ref{Path: path, Entity: target, ID: id}
		if f.Kind == oneroster.Ref {
			ref.Col = f.Col // the column decides the CSV binding's reference-type rule
		}
		w.Refs = append(w.Refs, ref)
	case oneroster.ScoreScaleValues:
		if s, ok := d.scoreScaleValues(raw, path, f.Required); ok {
			w.Vals[f.Col] = s
		}
	case oneroster.Objectives:
		if f.Link == nil {
			return fmt.Errorf("jsonbind: %s.%s has no link table", e.Name, f.Name)
		}
		sets, ok := d.objectives(raw, path, f.Scores)
		if !ok {
			return nil
		}
		for _, s := range sets {
			w.Objectives = append(w.Objectives, s.rows...)
		}
	case oneroster.ObjectivesJSON:
		scores := e == oneroster.AssessmentResult
		sets, ok := d.objectives(raw, path, scores)
		if ok {
			w.Vals[f.Col] = objectivesJSON(sets, scores)
		}
	default:
		return fmt.Errorf("jsonbind: property %s.%s of kind %d cannot be written", e.Name, f.Name, f.Kind)
	}
	return nil
}

// date decodes a date property (OpenAPI format date). A date-time is taken
// too, as the date written in it: Google Classroom sends scoreDate as
// "2026-12-02T13:41:05.474Z". The date is not converted to UTC first,
// because the producer wrote the day it meant in its own offset (a score
// given on 2 December at 20:00 in New York is not a score of 3 December).
func (d *bodyDecoder) date(raw json.RawMessage, path string) (string, bool) {
	s, ok := d.nonEmpty(raw, path)
	if !ok {
		return "", false
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == 't') {
		if _, why := parseDateTime(s); why != "" {
			d.p.add(path, "%s is not a valid date (YYYY-MM-DD) or date-time: %s", oneroster.Quote(s), why)
			return "", false
		}
		return s[:10], true
	}
	if why := oneroster.DateProblem(s); why != "" {
		d.p.add(path, "%s is not a valid date (YYYY-MM-DD): %s", oneroster.Quote(s), why)
		return "", false
	}
	return s, true
}

// dateTime decodes a date-time property in its stored form: UTC with
// milliseconds. A bare date is taken as midnight UTC. With asDate (a
// lineItem's assignDate and dueDate, which the CSV binding and our table
// keep as a Date) the stored form is the date, by date's rule: a
// date-time in that column reads back with a time the CSV file cannot
// carry, and a filter such as dueDate='2026-12-08' misses it.
func (d *bodyDecoder) dateTime(raw json.RawMessage, path string, asDate bool) (string, bool) {
	s, ok := d.nonEmpty(raw, path)
	if !ok {
		return "", false
	}
	if len(s) == 10 {
		if why := oneroster.DateProblem(s); why != "" {
			d.p.add(path, "%s is not a valid date (YYYY-MM-DD): %s", oneroster.Quote(s), why)
			return "", false
		}
		if asDate {
			return s, true
		}
		return s + "T00:00:00.000Z", true
	}
	t, why := parseDateTime(s)
	if why != "" {
		d.p.add(path, "%s is not a valid date-time: %s", oneroster.Quote(s), why)
		return "", false
	}
	if asDate {
		return s[:10], true
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		d.p.add(path, "%s is not a valid date-time: the year is out of range once converted to UTC", oneroster.Quote(s))
		return "", false
	}
	return oneroster.FormatTime(t), true
}

// sourcedID decodes the object's own sourcedId.
func (d *bodyDecoder) sourcedID(w *store.Object, raw json.RawMessage, path, pathID string) {
	id, ok := d.guid(raw, path)
	if !ok {
		return
	}
	if pathID != "" && id != pathID {
		d.p.add(path, "%q does not match the sourcedId of the path (%q)", id, pathID)
		return
	}
	w.Vals["sourcedId"] = id
}

// guid decodes a sourcedId: a string of 1 to 255 characters from the CSV
// binding's safe alphabet.
func (d *bodyDecoder) guid(raw json.RawMessage, path string) (string, bool) {
	s, ok := d.str(raw, path)
	if !ok {
		return "", false
	}
	switch {
	case s == "":
		d.p.add(path, "must not be empty")
		return "", false
	case !oneroster.ValidGUID(s):
		d.p.add(path, "%s is not a valid sourcedId (1 to 255 characters from 0-9 A-Z a-z . - _ / @)", oneroster.Quote(s))
		return "", false
	}
	return s, true
}

// guidRef decodes a GUIDRef of type refType. Only sourcedId is required:
// type, when present, must be refType; href, when present, must be a URI
// reference and is then ignored, since the server writes its own from the
// sourcedId and type. A relative one is taken: clients send placeholders
// such as "x" or paths without a host, which mislead no one here, while a
// value that is no URI at all is a client bug worth reporting.
func (d *bodyDecoder) guidRef(raw json.RawMessage, path, refType string) (string, bool) {
	if t := jsonType(raw); t != "object" {
		d.p.add(path, `must be a GUIDRef object {"sourcedId": "…", "type": %q}, got %s`, refType, describeJSON(raw))
		return "", false
	}
	ms, _ := d.props(raw, path)
	id, has, ok := "", false, true
	for _, m := range ms {
		fp := joinPath(path, m.key)
		switch m.key {
		case "sourcedId":
			has = true
			if v, good := d.guid(m.val, fp); good {
				id = v
			} else {
				ok = false
			}
		case "type":
			if s, good := d.str(m.val, fp); !good {
				ok = false
			} else if s != refType {
				d.p.add(fp, "must be %q, got %s", refType, oneroster.Quote(s))
				ok = false
			}
		case "href":
			s, good := d.nonEmpty(m.val, fp)
			if good {
				if why := uriProblem(s); why != "" {
					d.p.add(fp, "%s is not a URI: %s", oneroster.Quote(s), why)
					good = false
				}
			}
			ok = ok && good
		default:
			d.p.add(fp, "unknown property (a GUIDRef has href, sourcedId and type)")
			ok = false
		}
	}
	if !has {
		d.p.add(joinPath(path, "sourcedId"), "required")
		return "", false
	}
	return id, ok
}

// uriProblem says why s is not a URI reference (RFC 3986 §4.1, so a
// relative one will do), or returns "".
func uriProblem(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "a % must start a percent-encoded byte such as %2F"
			}
		case c >= utf8.RuneSelf:
			return "it contains a character outside ASCII, which must be percent-encoded"
		case c <= ' ' || c == 0x7f:
			return "it contains a space or a control character, which must be percent-encoded"
		case strings.IndexByte("\"<>\\^`{|}", c) >= 0:
			return fmt.Sprintf("it contains %q, which must be percent-encoded", c)
		}
	}
	if _, err := url.Parse(s); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err.Error()
	}
	return ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// enum decodes a token of v.
func (d *bodyDecoder) enum(v oneroster.Vocabulary, raw json.RawMessage, path string) (string, bool) {
	s, ok := d.str(raw, path)
	if !ok {
		return "", false
	}
	if v.Has(s) {
		return s, true
	}
	hint := ""
	if w := v.Suggest(s); w != "" {
		hint = fmt.Sprintf("; did you mean %q?", w)
	}
	d.p.add(path, "%s is not one of %s%s", oneroster.Quote(s), v.List(), hint)
	return "", false
}

// nonEmpty decodes a string that must not be blank.
func (d *bodyDecoder) nonEmpty(raw json.RawMessage, path string) (string, bool) {
	s, ok := d.str(raw, path)
	if ok && s == "" {
		d.p.add(path, "must not be empty (leave an optional property out instead)")
		return "", false
	}
	return s, ok
}

// str decodes a JSON string.
func (d *bodyDecoder) str(raw json.RawMessage, path string) (string, bool) {
	if t := jsonType(raw); t != "string" {
		d.p.add(path, "must be a string, got %s", describeJSON(raw))
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.p.add(path, "must be a string")
		return "", false
	}
	if strings.IndexByte(s, 0) >= 0 {
		d.p.add(path, `must not contain the NUL character (\u0000)`)
		return "", false
	}
	return s, true
}

// number decodes a finite JSON number.
func (d *bodyDecoder) number(raw json.RawMessage, path string) (float64, bool) {
	if t := jsonType(raw); t != "number" {
		d.p.add(path, "must be a number, got %s", describeJSON(raw))
		return 0, false
	}
	lit := string(bytes.TrimSpace(raw))
	n, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(n) {
		d.p.add(path, "must be a number, got %s", lit)
		return 0, false
	}
	if math.IsInf(n, 0) {
		d.p.add(path, "%s is out of range (a number must fit in 64-bit floating point)", lit)
		return 0, false
	}
	if n == 0 {
		n = 0 // no negative zero
	}
	return n, true
}

// props decodes raw as an object, reporting a value of another type and
// duplicate properties (which it leaves out).
func (d *bodyDecoder) props(raw json.RawMessage, path string) ([]jsonMember, bool) {
	if t := jsonType(raw); t != "object" {
		d.p.add(path, "must be an object, got %s", describeJSON(raw))
		return nil, false
	}
	ms := objectMembers(raw)
	seen := make(map[string]bool, len(ms))
	out := ms[:0]
	for _, m := range ms {
		if seen[m.key] {
			d.p.add(joinPath(path, m.key), "duplicate property")
			continue
		}
		seen[m.key] = true
		out = append(out, m)
	}
	return out, true
}

// scoreScaleValues decodes an array of ScoreScaleValue into the CSV form
// "{LHS:RHS},{LHS:RHS}", refusing values that form could not carry.
func (d *bodyDecoder) scoreScaleValues(raw json.RawMessage, path string, required bool) (string, bool) {
	if t := jsonType(raw); t != "array" {
		d.p.add(path, "must be an array of {itemValueLHS, itemValueRHS} objects, got %s", describeJSON(raw))
		return "", false
	}
	items := arrayElements(raw)
	if len(items) == 0 {
		if required {
			d.p.add(path, "must hold at least one item")
			return "", false
		}
		return "", true
	}
	parts := make([]string, 0, len(items))
	ok := true
	for i, item := range items {
		ip := path + "[" + strconv.Itoa(i) + "]"
		ms, good := d.props(item, ip)
		if !good {
			ok = false
			continue
		}
		var lhs, rhs string
		var hasL, hasR bool
		for _, m := range ms {
			fp := joinPath(ip, m.key)
			switch m.key {
			case "itemValueLHS", "itemValueRHS":
				s, good := d.nonEmpty(m.val, fp)
				if !good {
					ok = false
					continue
				}
				if why := scaleValueProblem(s, m.key == "itemValueLHS"); why != "" {
					d.p.add(fp, "%s %s, which the CSV form {LHS:RHS},… cannot carry", oneroster.Quote(s), why)
					ok = false
					continue
				}
				if m.key == "itemValueLHS" {
					lhs, hasL = s, true
				} else {
					rhs, hasR = s, true
				}
			default:
				d.p.add(fp, "unknown property (a scoreScaleValue has itemValueLHS and itemValueRHS)")
				ok = false
			}
		}
		for _, req := range []struct {
			name string
			has  bool
		}{{"itemValueLHS", hasL}, {"itemValueRHS", hasR}} {
			if !req.has && !seenKey(ms, req.name) {
				d.p.add(joinPath(ip, req.name), "required")
				ok = false
			}
		}
		if hasL && hasR {
			parts = append(parts, "{"+lhs+":"+rhs+"}")
		}
	}
	if !ok {
		return "", false
	}
	s := strings.Join(parts, ",")
	if _, err := oneroster.ParseScoreScaleValues(s); err != nil { // a safety net: the checks above make this unreachable
		d.p.add(path, "cannot be stored: %v", err)
		return "", false
	}
	return s, true
}

// scaleValueProblem says why s cannot be one side of a stored
// scoreScaleValue item, or returns "".
func scaleValueProblem(s string, lhs bool) string {
	switch {
	case strings.Contains(s, ","):
		return "contains a comma"
	case strings.ContainsAny(s, "{}"):
		return "contains a brace"
	case lhs && strings.Contains(s, ":"):
		return "contains a colon"
	}
	return ""
}

func seenKey(ms []jsonMember, key string) bool {
	for _, m := range ms {
		if m.key == key {
			return true
		}
	}
	return false
}

// objectiveSet is one item of a learningObjectiveSet, in stored form.
type objectiveSet struct {
	source string
	rows   []store.Objective
}

// objectives decodes a learningObjectiveSet: an array of
// LearningObjectiveSet ({source, learningObjectiveIds}) or, with scores,
// of LearningObjectiveScoreSet ({source, learningObjectiveResults}).
func (d *bodyDecoder) objectives(raw json.RawMessage, path string, scores bool) ([]objectiveSet, bool) {
	listName, shape := "learningObjectiveIds", "{source, learningObjectiveIds}"
	if scores {
		listName, shape = "learningObjectiveResults", "{source, learningObjectiveResults}"
	}
	if t := jsonType(raw); t != "array" {
		d.p.add(path, "must be an array of %s objects, got %s", shape, describeJSON(raw))
		return nil, false
	}
	var sets []objectiveSet
	ok := true
	first := map[[2]string]string{} // (source, id) -> path of its first occurrence
	for i, item := range arrayElements(raw) {
		ip := path + "[" + strconv.Itoa(i) + "]"
		ms, good := d.props(item, ip)
		if !good {
			ok = false
			continue
		}
		set := objectiveSet{}
		var list json.RawMessage
		var hasSource, hasList bool
		for _, m := range ms {
			fp := joinPath(ip, m.key)
			switch m.key {
			case "source":
				hasSource = true
				s, good := d.str(m.val, fp)
				if !good {
					ok = false
					continue
				}
				src, why := normSource(s)
				if why != "" {
					d.p.add(fp, "%s", why)
					ok = false
					continue
				}
				set.source = src
			case listName:
				list, hasList = m.val, true
			default:
				hint := ""
				if m.key == "learningObjectiveIds" || m.key == "learningObjectiveResults" {
					hint = "; this object takes " + listName
				}
				d.p.add(fp, "unknown property (expected %s)%s", shape, hint)
				ok = false
			}
		}
		if !hasSource {
			d.p.add(joinPath(ip, "source"), "required")
			ok = false
		}
		if !hasList {
			d.p.add(joinPath(ip, listName), "required")
			ok = false
			continue
		}
		lp := joinPath(ip, listName)
		if t := jsonType(list); t != "array" {
			d.p.add(lp, "must be an array, got %s", describeJSON(list))
			ok = false
			continue
		}
		ids := arrayElements(list)
		if len(ids) == 0 {
			d.p.add(lp, "must hold at least one item")
			ok = false
			continue
		}
		for j, el := range ids {
			ep := lp + "[" + strconv.Itoa(j) + "]"
			var o store.Objective
			idPath := ep
			if scores {
				r, good := d.objectiveResult(el, ep)
				if !good {
					ok = false
					continue
				}
				o, idPath = r, joinPath(ep, "learningObjectiveId")
			} else {
				id, good := d.nonEmpty(el, ep)
				if !good {
					ok = false
					continue
				}
				o.ID = id
			}
			if set.source == "case" && !validCaseID(o.ID) {
				d.p.add(idPath, "%s is not a CASE identifier (a UUID, bare or as urn:uuid:…), which source \"case\" requires", oneroster.Quote(o.ID))
				ok = false
				continue
			}
			if set.source != "" {
				k := [2]string{set.source, o.ID}
				if prev, dup := first[k]; dup {
					d.p.add(idPath, "%s is already listed at %s", oneroster.Quote(o.ID), prev)
					ok = false
					continue
				}
				first[k] = idPath
			}
			o.Source = set.source
			set.rows = append(set.rows, o)
		}
		sets = append(sets, set)
	}
	return sets, ok
}

// objectiveResult decodes one LearningObjectiveResult.
func (d *bodyDecoder) objectiveResult(raw json.RawMessage, path string) (store.Objective, bool) {
	var o store.Objective
	ms, ok := d.props(raw, path)
	if !ok {
		return o, false
	}
	has := false
	for _, m := range ms {
		fp := joinPath(path, m.key)
		switch m.key {
		case "learningObjectiveId":
			has = true
			s, good := d.nonEmpty(m.val, fp)
			if !good {
				ok = false
				continue
			}
			o.ID = s
		case "score":
			n, good := d.number(m.val, fp)
			if !good {
				ok = false
				continue
			}
			o.Score = fmtNum(n)
		case "textScore":
			s, good := d.str(m.val, fp)
			if !good {
				ok = false
				continue
			}
			o.TextScore = s
		default:
			d.p.add(fp, "unknown property (a learningObjectiveResult has learningObjectiveId, score and textScore)")
			ok = false
		}
	}
	if !has {
		d.p.add(joinPath(path, "learningObjectiveId"), "required")
		ok = false
	}
	return o, ok
}

// objectivesJSON writes sets as the canonical JSON text the assessment
// tables keep: compact, properties in schema order, sources in stored form
// (ext:<name>, as in the link tables), "" for no sets.
func objectivesJSON(sets []objectiveSet, scores bool) string {
	if len(sets) == 0 {
		return ""
	}
	var b buf
	writeObjectiveSets(&b, sets, scores, func(s string) string { return s })
	return string(b)
}

// normSource checks a learning-objective source and returns it in stored
// form: case, unknown or ext:<name>. Besides the OpenAPI's forms (case,
// unknown, /<name> and the encoded /xx… that SourceToJSON writes), the
// CSV binding's ext:<name> is taken, since a client may copy it from a
// CSV file and it names the stored value exactly.
func normSource(s string) (string, string) {
	if name, ok := strings.CutPrefix(s, "ext:"); ok && oneroster.ValidExtName(name) {
		return s, ""
	}
	if stored, ok := oneroster.SourceFromJSON(s); ok {
		return stored, ""
	}
	hint := ""
	t := strings.TrimSpace(s)
	switch {
	case strings.EqualFold(t, "case") || strings.EqualFold(t, "/case"):
		hint = `; did you mean "case"?`
	case strings.EqualFold(t, "unknown") || strings.EqualFold(t, "/unknown"):
		hint = `; did you mean "unknown"?`
	case strings.HasPrefix(t, "/") && oneroster.ValidExtName(t[1:]):
		hint = fmt.Sprintf("; send %q for a name with other characters", "ext:"+t[1:])
	}
	return "", fmt.Sprintf("%s is not one of case, unknown, ext:<name> or /<name> (lower-case letters and digits)%s", oneroster.Quote(s), hint)
}

// validCaseID reports whether s is a UUID, bare or as a urn:uuid: URN.
func validCaseID(s string) bool {
	_, urn := oneroster.UUIDURN(s)
	return urn || oneroster.IsUUID(s)
}

// parseDateTime parses a date-time property (oneroster.ParseDateTime),
// returning it in the offset it was written in, or explains why s is not
// one, with an example of what is expected.
func parseDateTime(s string) (time.Time, string) {
	const shape = "expected an RFC 3339 date-time such as 2024-09-01T08:00:00.000Z"
	t, why, ok := oneroster.ParseDateTime(s)
	switch {
	case ok:
		return t, ""
	case why == "":
		return time.Time{}, shape
	}
	return time.Time{}, why + "; " + shape
}

func fmtNum(n float64) string { return strconv.FormatFloat(n, 'g', -1, 64) }

// jsonMember is one property of a JSON object, in document order.
type jsonMember struct {
	key string
	val json.RawMessage
}

// members splits well-formed JSON object text into its properties in
// document order, duplicates included.
func objectMembers(raw []byte) []jsonMember {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil
	}
	var out []jsonMember
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, jsonMember{k, v})
	}
	return out
}

// elements splits well-formed JSON array text into its items.
func arrayElements(raw []byte) []json.RawMessage {
	var out []json.RawMessage
	json.Unmarshal(raw, &out)
	return out
}

// jsonType names the JSON type of well-formed value text.
func jsonType(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// describe names the type of a value, with the value when it is short.
func describeJSON(raw []byte) string {
	t := jsonType(raw)
	switch t {
	case "string":
		var s string
		json.Unmarshal(raw, &s)
		return "string " + oneroster.Quote(s)
	case "number", "boolean":
		lit := string(bytes.TrimSpace(raw))
		if len(lit) > 40 {
			lit = lit[:40] + "…"
		}
		return t + " " + lit
	}
	return t
}

// joinPath appends a property name to a JSON path: .name when it is a
// plain identifier, ["name"] otherwise.
func joinPath(path, key string) string {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == ':' || c == '@' || c == '$') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return path + "[" + oneroster.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}

// suggestField proposes the property an unknown name probably meant.
func suggestField(e *oneroster.Entity, name string) string {
	for _, f := range e.Fields {
		if strings.EqualFold(f.Name, name) {
			return fmt.Sprintf("; did you mean %q?", f.Name)
		}
	}
	for alias := range legacyAliases[e] {
		if strings.EqualFold(alias, name) {
			return fmt.Sprintf("; did you mean %q?", alias)
		}
	}
	return " (extensions belong in metadata)"
}
