// Package jsonbind is the REST binding's JSON: it encodes the store's
// records as OneRoster 1.2 objects (Encoder, a pure function of entity,
// record and the client's View) and decodes request bodies straight into
// the store's objects (DecodePut, DecodePost). It does no transport (its
// errors only carry the status the standard gives them), so anything that
// must show an object as an app sees it (a response, a webhook, an export
// per client) renders it the same way.
package jsonbind

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// buf is a byte slice that JSON is written into by hand: the schemas are
// fixed, so a direct writer is both exact (no nulls, property order as in
// the OpenAPI, booleans as strings) and cheap.
type buf []byte

func (b *buf) raw(s string) { *b = append(*b, s...) }

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes a JSON string holds as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str writes s as a JSON string. Invalid UTF-8 becomes U+FFFD; U+2028 and
// U+2029 are escaped so the output is also safe to embed in JavaScript.
func (b *buf) str(s string) {
	*b = append(*b, '"')
	b.strBody(s)
	*b = append(*b, '"')
}

// strs writes the concatenation of parts as one JSON string, without
// building it first (hrefs are a base, a path and an id).
func (b *buf) strs(parts ...string) {
	*b = append(*b, '"')
	for _, p := range parts {
		b.strBody(p)
	}
	*b = append(*b, '"')
}

// strBody writes the escaped content of a JSON string: runs of plain
// bytes are copied at once (most values are plain ASCII).
func (b *buf) strBody(s string) {
	out := *b
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && plain[s[j]] {
			j++
		}
		out = append(out, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				out = append(out, '\\', c)
			case c == '\n':
				out = append(out, '\\', 'n')
			case c == '\r':
				out = append(out, '\\', 'r')
			case c == '\t':
				out = append(out, '\\', 't')
			case c < 0x20:
				out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			out = append(out, `\u202`...)
			out = append(out, hexDigits[r&0xf])
		default:
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	*b = out
}

// AppendString appends s to dst as a JSON string. Invalid UTF-8 becomes
// U+FFFD; U+2028 and U+2029 are escaped so the output is also safe to
// embed in JavaScript.
func AppendString(dst []byte, s string) []byte {
	b := buf(dst)
	b.str(s)
	return b
}

// Columns gives the stored column names of an entity in the order of a
// record's Vals (store.Reader does).
type Columns interface {
	Columns(e *oneroster.Entity) []string
}

// Encoder writes records of the store as OneRoster JSON objects. The
// column positions of every entity are worked out once, when it is made,
// so encoding takes no lock and an Encoder may be shared.
type Encoder struct {
	index map[*oneroster.Entity]map[string]int
}

// NewEncoder builds an Encoder for records whose Vals follow cols.
func NewEncoder(cols Columns) *Encoder {
	enc := &Encoder{index: map[*oneroster.Entity]map[string]int{}}
	for _, e := range append(slices.Clone(oneroster.Entities), oneroster.Role, oneroster.UserProfile) {
		m := map[string]int{}
		for i, c := range cols.Columns(e) {
			m[c] = i
		}
		enc.index[e] = m
	}
	return enc
}

// ColumnIndex maps e's stored column names to positions in its records'
// Vals (shared: callers must not modify it).
func (enc *Encoder) ColumnIndex(e *oneroster.Entity) map[string]int { return enc.index[e] }

// Append appends rec, an object of e, to dst. base is the absolute URL
// prefix (scheme and host) of GUIDRef hrefs; fields, when non-nil, selects
// the properties (View.Fields gives it for a client's view).
func (enc *Encoder) Append(dst []byte, e *oneroster.Entity, rec store.Record, base string, fields map[string]bool) []byte {
	b := buf(dst)
	enc.object(&b, e, rec, base, fields)
	return b
}

// AppendList appends recs as a comma-separated list of objects (the items
// of a collection's array).
func (enc *Encoder) AppendList(dst []byte, e *oneroster.Entity, recs []store.Record, base string, fields map[string]bool) []byte {
	b := buf(dst)
	for i, rec := range recs {
		if i > 0 {
			b.raw(",")
		}
		enc.object(&b, e, rec, base, fields)
	}
	return b
}

// object writes one record (see Append).
func (enc *Encoder) object(b *buf, e *oneroster.Entity, rec store.Record, base string, fields map[string]bool) {
	idx := enc.index[e]
	b.raw("{")
	first := true
	key := func(name string) {
		if !first {
			b.raw(",")
		}
		first = false
		b.str(name)
		b.raw(":")
	}
	for i := range e.Fields {
		f := &e.Fields[i]
		if fields != nil && !fields[f.Name] {
			continue
		}
		v := ""
		if f.Col != "" {
			v = rec.Vals[idx[f.Col]]
		}
		switch f.Kind {
		case oneroster.String, oneroster.Enum, oneroster.Date, oneroster.DateTime, oneroster.Bool:
			if v == "" && !f.Required {
				continue
			}
			key(f.Name)
			b.str(v)
		case oneroster.ProfileID:
			if v == "" && !f.Required {
				continue
			}
			key(f.Name)
			b.str(oneroster.ProfileURI(v))
		case oneroster.DateAsTime:
			if v == "" && !f.Required {
				continue
			}
			key(f.Name)
			if len(v) == 10 {
				v += "T00:00:00.000Z"
			}
			b.str(v)
		case oneroster.Number:
			if v == "" {
				continue
			}
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				continue
			}
			key(f.Name)
			*b = strconv.AppendFloat(*b, n, 'g', -1, 64)
		case oneroster.Metadata:
			if v == "" {
				continue
			}
			key(f.Name)
			b.raw(v)
		case oneroster.Ref:
			if v == "" {
				continue
			}
			key(f.Name)
			guidRef(b, base, f.RefType, v)
		case oneroster.RefList:
			ids := oneroster.SplitList(v)
			if len(ids) == 0 && !f.Required {
				continue
			}
			key(f.Name)
			refArray(b, base, f.RefType, len(ids), func(j int) string { return ids[j] })
		case oneroster.StringList:
			items := oneroster.SplitList(v)
			if len(items) == 0 {
				continue
			}
			key(f.Name)
			b.raw("[")
			for j, s := range items {
				if j > 0 {
					b.raw(",")
				}
				b.str(s)
			}
			b.raw("]")
		case oneroster.UserIDs:
			ids, err := oneroster.ParseUserIDs(v)
			if err != nil || len(ids) == 0 {
				continue
			}
			key(f.Name)
			pairArray(b, len(ids), "type", "identifier", func(j int) (string, string) { return ids[j].Type, ids[j].Identifier })
		case oneroster.Children, oneroster.LinkRefs:
			subs := rec.Sub[f.Name]
			if len(subs) == 0 {
				continue
			}
			key(f.Name)
			refArray(b, base, f.RefType, len(subs), func(j int) string { return subs[j].Vals[0] })
		case oneroster.LinkRef:
			subs := rec.Sub[f.Name]
			if len(subs) == 0 {
				continue
			}
			key(f.Name)
			guidRef(b, base, f.RefType, subs[0].Vals[0])
		case oneroster.Objectives:
			subs := rec.Sub[f.Name]
			if len(subs) == 0 {
				continue
			}
			key(f.Name)
			objectives(b, subs, f.Scores)
		case oneroster.ObjectivesJSON:
			if v == "" {
				continue
			}
			key(f.Name)
			storedObjectives(b, v, f.Scores)
		case oneroster.ScoreScaleValues:
			items, err := oneroster.ParseScoreScaleValues(v)
			if err != nil || (len(items) == 0 && !f.Required) {
				continue
			}
			key(f.Name)
			pairArray(b, len(items), "itemValueLHS", "itemValueRHS", func(j int) (string, string) { return items[j].LHS, items[j].RHS })
		case oneroster.Embedded:
			subs := rec.Sub[f.Name]
			if len(subs) == 0 && !f.Required {
				continue
			}
			key(f.Name)
			b.raw("[")
			for j, s := range subs {
				if j > 0 {
					b.raw(",")
				}
				if f.Name == "userProfiles" {
					enc.userProfile(b, s)
				} else {
					enc.object(b, oneroster.Role, s, base, nil)
				}
			}
			b.raw("]")
		}
	}
	b.raw("}")
}

// userProfile writes a profile; the CSV binding flattens its one
// credential into the profile row, the JSON nests it.
func (enc *Encoder) userProfile(b *buf, s store.Record) {
	idx := enc.index[oneroster.UserProfile]
	enc.object(b, oneroster.UserProfile, s, "", nil)
	*b = (*b)[:len(*b)-1] // reopen the object to append credentials
	ct, user, pw := s.Vals[idx["credentialType"]], s.Vals[idx["username"]], s.Vals[idx["password"]]
	if ct != "" || user != "" {
		b.raw(`,"credentials":[{"type":`)
		b.str(ct)
		b.raw(`,"username":`)
		b.str(user)
		if pw != "" {
			b.raw(`,"password":`)
			b.str(pw)
		}
		b.raw("}]")
	}
	b.raw("}")
}

// objectives writes a learningObjectiveSet from link rows (source, id[,
// score, textScore]), one set per source in order of first appearance.
func objectives(b *buf, rows []store.Record, scores bool) {
	var sets []objectiveSet
	at := map[string]int{}
	for _, r := range rows {
		k, ok := at[r.Vals[0]]
		if !ok {
			k = len(sets)
			at[r.Vals[0]] = k
			sets = append(sets, objectiveSet{source: r.Vals[0]})
		}
		o := store.Objective{ID: r.Vals[1]}
		if scores {
			if n, err := strconv.ParseFloat(r.Vals[2], 64); err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
				o.Score = strconv.FormatFloat(n, 'g', -1, 64)
			}
			o.TextScore = r.Vals[3]
		}
		sets[k].rows = append(sets[k].rows, o)
	}
	writeObjectiveSets(b, sets, scores, oneroster.SourceToJSON)
}

// storedObjectives writes the learningObjectiveSet an assessment table
// keeps as JSON text (see objectivesJSON). Its sources are in stored form,
// so text that holds an ext: source is parsed and written again with
// their JSON form; other text (no extension, the common case) is copied.
// Text that does not parse, which no writer stores, is copied too.
func storedObjectives(b *buf, v string, scores bool) {
	if !strings.Contains(v, `"ext:`) {
		b.raw(v)
		return
	}
	var stored []struct {
		Source  string   `json:"source"`
		IDs     []string `json:"learningObjectiveIds"`
		Results []struct {
			ID        string      `json:"learningObjectiveId"`
			Score     json.Number `json:"score"`
			TextScore string      `json:"textScore"`
		} `json:"learningObjectiveResults"`
	}
	if err := json.Unmarshal([]byte(v), &stored); err != nil {
		b.raw(v)
		return
	}
	sets := make([]objectiveSet, len(stored))
	for i, s := range stored {
		sets[i].source = s.Source
		for _, id := range s.IDs {
			sets[i].rows = append(sets[i].rows, store.Objective{ID: id})
		}
		for _, r := range s.Results {
			sets[i].rows = append(sets[i].rows, store.Objective{ID: r.ID, Score: string(r.Score), TextScore: r.TextScore})
		}
	}
	writeObjectiveSets(b, sets, scores, oneroster.SourceToJSON)
}

// writeObjectiveSets writes sets as a learningObjectiveSet, each source
// passed through source. A row's Score is a JSON number's text.
func writeObjectiveSets(b *buf, sets []objectiveSet, scores bool, source func(string) string) {
	b.raw("[")
	for i, s := range sets {
		if i > 0 {
			b.raw(",")
		}
		b.raw(`{"source":`)
		b.str(source(s.source))
		if scores {
			b.raw(`,"learningObjectiveResults":[`)
		} else {
			b.raw(`,"learningObjectiveIds":[`)
		}
		for j, o := range s.rows {
			if j > 0 {
				b.raw(",")
			}
			if !scores {
				b.str(o.ID)
				continue
			}
			b.raw(`{"learningObjectiveId":`)
			b.str(o.ID)
			if o.Score != "" {
				b.raw(`,"score":`)
				b.raw(o.Score)
			}
			if o.TextScore != "" {
				b.raw(`,"textScore":`)
				b.str(o.TextScore)
			}
			b.raw("}")
		}
		b.raw("]}")
	}
	b.raw("]")
}

// pairArray writes a JSON array of n objects with two string properties.
func pairArray(b *buf, n int, k1, k2 string, get func(int) (string, string)) {
	b.raw("[")
	for j := 0; j < n; j++ {
		if j > 0 {
			b.raw(",")
		}
		v1, v2 := get(j)
		b.raw(`{"` + k1 + `":`)
		b.str(v1)
		b.raw(`,"` + k2 + `":`)
		b.str(v2)
		b.raw("}")
	}
	b.raw("]")
}

// refArray writes a JSON array of n GUIDRefs whose ids id(j) gives.
func refArray(b *buf, base, typ string, n int, id func(int) string) {
	b.raw("[")
	for j := 0; j < n; j++ {
		if j > 0 {
			b.raw(",")
		}
		guidRef(b, base, typ, id(j))
	}
	b.raw("]")
}

func guidRef(b *buf, base, typ, id string) {
	b.raw(`{"href":`)
	b.strs(base, oneroster.RefPath(typ), escapeID(id))
	b.raw(`,"sourcedId":`)
	b.str(id)
	b.raw(`,"type":`)
	b.str(typ)
	b.raw("}")
}

// escapeID is the path segment of a sourcedId in an href: escaped like
// any segment, and "." and ".." as %2E and %2E%2E, which url.PathEscape
// leaves as they are and a client resolving the URL would remove.
func escapeID(id string) string {
	switch id {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(id)
}
