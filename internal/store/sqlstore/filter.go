package sqlstore

import (
	"strconv"
	"strings"
	"time"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
)

// semiPick reports whether the rows of table (alias s) matching cond are
// few (see DB.selective): a condition through them is then best written
// "t.sourced_id IN (SELECT …)", which starts from those rows, rather than
// EXISTS, which probes them for every row of t in page order. Nil means
// EXISTS always.
type semiPick func(table, cond string, args []any) bool

// compileFilter turns a parsed filter into a condition on alias t. Field
// names are looked up in the entity's catalogue, so only catalogued columns
// can appear in SQL; every value is a bind argument. With v (a client's
// sharing rule on rows), references are compared as the client sees them:
// one to an object outside the view as absent, embedded roles at orgs
// outside and list items outside as not there, so that a filter learns
// nothing the objects do not show.
func (db *DB) compileFilter(e *oneroster.Entity, x query.Expr, pick semiPick, v *visibility) (string, []any, error) {
	switch x := x.(type) {
	case *query.Logical:
		l, la, err := db.compileFilter(e, x.Left, pick, v)
		if err != nil {
			return "", nil, err
		}
		r, ra, err := db.compileFilter(e, x.Right, pick, v)
		if err != nil {
			return "", nil, err
		}
		op := " AND "
		if x.Op == "OR" {
			op = " OR "
		}
		return "(" + l + op + r + ")", append(la, ra...), nil
	case *query.Comparison:
		path := strings.Split(x.Field, ".")
		// OneRoster 1.1 consumers still send role='student' to /users;
		// in 1.2 that means "one of the user's roles".
		if e == oneroster.User && path[0] == "role" && len(path) == 1 {
			path = []string{"roles", "role"}
		}
		return db.compare(e, "t", path, x, pick, v)
	}
	return "", nil, oneroster.Errorf(oneroster.CodeInvalidFilterField, "filter: unsupported expression")
}

func badField(c *query.Comparison, why string) error {
	return oneroster.Errorf(oneroster.CodeInvalidFilterField, "filter: %s: %s", c.Field, why)
}

var sqlOps = map[query.Op]string{"=": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}

func (db *DB) compare(e *oneroster.Entity, alias string, path []string, c *query.Comparison, pick semiPick, v *visibility) (string, []any, error) {
	f := e.Field(path[0])
	if f == nil {
		return "", nil, badField(c, "unknown field for "+e.Name)
	}
	rest := path[1:]
	col := ""
	if f.Col != "" {
		col = alias + "." + SQLCol(f.Col)
	}
	// seen is the condition that the client sees an object of the
	// reference's target entity whose id is expr ("1 = 1" without v).
	seen := func(expr string) (q, error) {
		if v == nil {
			return lit(`1 = 1`), nil
		}
		ids, err := v.ids(oneroster.EntityNamed(f.RefType).Table)
		return lit(expr + ` IN `).cat(ids), err
	}
	switch f.Kind {
	case oneroster.Ref:
		if len(rest) == 1 && rest[0] == "type" {
			return constant(c, f.RefType)
		}
		if len(rest) > 1 || (len(rest) == 1 && rest[0] != "sourcedId") {
			return "", nil, badField(c, "a reference can be filtered on sourcedId or type")
		}
		if v != nil {
			// A reference outside the view is absent for the client.
			ok, err := seen(col)
			if err != nil {
				return "", nil, err
			}
			cond, args, err := scalar(c, oneroster.String, `(CASE WHEN `+ok.sql+` THEN `+col+` ELSE '' END)`)
			return cond, append(ok.args, args...), err
		}
		return scalar(c, oneroster.String, col)
	case oneroster.RefList, oneroster.StringList:
		if f.Kind == oneroster.RefList && len(rest) == 1 && rest[0] == "type" {
			return constant(c, f.RefType)
		}
		if len(rest) > 1 || (len(rest) == 1 && (f.Kind == oneroster.StringList || rest[0] != "sourcedId")) {
			return "", nil, badField(c, "unknown sub-field")
		}
		if v != nil && f.Kind == oneroster.RefList {
			// An item outside the view is not in the client's list.
			if c.Op != "=" && c.Op != "!=" {
				return "", nil, badField(c, "under this client's sharing rules a list of references is filtered with = or != only")
			}
			has, args, err := db.listContains(&query.Comparison{Field: c.Field, Op: "=", Value: c.Value}, col, "", "")
			if err != nil {
				return "", nil, err
			}
			ok, err := seen("?")
			if err != nil {
				return "", nil, err
			}
			cond := "(" + has + " AND " + ok.sql + ")"
			if c.Op == "!=" {
				cond = "NOT " + cond
			}
			return cond, append(append(args, c.Value), ok.args...), nil
		}
		return db.listContains(c, col, "", "")
	case oneroster.UserIDs:
		if len(rest) != 1 || (rest[0] != "type" && rest[0] != "identifier") {
			return "", nil, badField(c, "userIds can be filtered on type or identifier")
		}
		if rest[0] == "type" {
			return db.listContains(c, col, "{", ":")
		}
		return db.listContains(c, col, ":", "}")
	case oneroster.Embedded:
		sub := oneroster.Role
		if f.Name == "userProfiles" {
			sub = oneroster.UserProfile
		}
		if len(rest) == 0 {
			return "", nil, badField(c, "name a field of "+f.Name+", e.g. "+f.Name+"."+sub.Fields[0].Name)
		}
		cond, args, err := db.compare(sub, "s", rest, c, nil, nil)
		if err != nil {
			return "", nil, err
		}
		if v != nil && sub == oneroster.Role {
			// Roles at orgs outside the view are not the client's to see.
			orgs, err := v.ids("orgs")
			if err != nil {
				return "", nil, err
			}
			cond += ` AND s.org_sourced_id IN ` + orgs.sql
			args = append(args, orgs.args...)
		}
		if pick != nil && pick(SQLTable(sub.Table), cond, args) {
			return alias + `.sourced_id IN (SELECT s.user_sourced_id FROM ` + SQLTable(sub.Table) + ` s WHERE s.status = 'active' AND ` + cond + `)`, args, nil
		}
		return `EXISTS (SELECT 1 FROM ` + SQLTable(sub.Table) + ` s WHERE s.user_sourced_id = ` + alias + `.sourced_id AND s.status = 'active' AND ` + cond + `)`, args, nil
	case oneroster.Children:
		if len(rest) > 1 || (len(rest) == 1 && rest[0] != "sourcedId") {
			return "", nil, badField(c, "children can be filtered on sourcedId")
		}
		cond, args, err := scalar(c, oneroster.String, "ch.sourced_id")
		if err != nil {
			return "", nil, err
		}
		if v != nil {
			ids, err := v.ids(e.Table)
			if err != nil {
				return "", nil, err
			}
			cond += ` AND ch.sourced_id IN ` + ids.sql
			args = append(args, ids.args...)
		}
		return `EXISTS (SELECT 1 FROM ` + SQLTable(e.Table) + ` ch WHERE ch.parent_sourced_id = ` + alias + `.sourced_id AND ` + cond + `)`, args, nil
	case oneroster.LinkRef, oneroster.LinkRefs:
		if len(rest) == 1 && rest[0] == "type" {
			return constant(c, f.RefType)
		}
		if len(rest) > 1 || (len(rest) == 1 && rest[0] != "sourcedId") {
			return "", nil, badField(c, "a reference can be filtered on sourcedId or type")
		}
		l := f.Link
		cond, args, err := scalar(c, oneroster.String, "lk."+SQLCol(l.Target))
		if err != nil {
			return "", nil, err
		}
		if v != nil {
			ok, err := seen("lk." + SQLCol(l.Target))
			if err != nil {
				return "", nil, err
			}
			cond += ` AND ` + ok.sql
			args = append(args, ok.args...)
		}
		return `EXISTS (SELECT 1 FROM ` + SQLTable(l.Table) + ` lk WHERE lk.` + SQLCol(l.Owner) + ` = ` + alias + `.sourced_id AND lk.status = 'active' AND ` + cond + `)`, args, nil
	case oneroster.Metadata, oneroster.Objectives, oneroster.ObjectivesJSON, oneroster.ScoreScaleValues:
		return "", nil, badField(c, "filtering on "+f.Name+" is not supported")
	}
	if len(rest) > 0 {
		return "", nil, badField(c, path[0]+" has no sub-fields")
	}
	return scalar(c, f.Kind, col)
}

// constant evaluates a comparison whose left side is fixed by the schema
// (a GUIDRef's type) without touching the database.
func constant(c *query.Comparison, v string) (string, []any, error) {
	var ok bool
	switch c.Op {
	case "=":
		ok = v == c.Value
	case "!=":
		ok = v != c.Value
	case "~":
		ok = strings.Contains(strings.ToLower(v), strings.ToLower(c.Value))
	default:
		return "", nil, badField(c, "only =, != and ~ apply to a type")
	}
	if ok {
		return "1 = 1", nil, nil
	}
	return "1 = 0", nil, nil
}

// scalar compares one column with a typed value: dates and date-times as
// time (both are stored in a fixed-width form whose text order is time
// order), numbers as numbers, booleans as "true"/"false".
func scalar(c *query.Comparison, k oneroster.Kind, col string) (string, []any, error) {
	v := c.Value
	var arg any = v
	switch k {
	case oneroster.ProfileID:
		// Accept the URI form the API shows as well as the bare sourcedId.
		arg = strings.TrimPrefix(v, oneroster.ProfileURIPrefix)
	case oneroster.Date:
		d, ok := normDate(v)
		if !ok {
			return "", nil, badField(c, "'"+clip(v)+"' is not a date (YYYY-MM-DD)")
		}
		arg = d
	case oneroster.DateTime, oneroster.DateAsTime:
		t, ok := normDateTime(v)
		if !ok {
			return "", nil, badField(c, "'"+clip(v)+"' is not a date-time (e.g. 2024-01-31T00:00:00Z) or date")
		}
		if k == oneroster.DateAsTime {
			t = t[:10]
		}
		arg = t
	case oneroster.Number:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return "", nil, badField(c, "'"+clip(v)+"' is not a number")
		}
		arg = n
	case oneroster.Bool:
		if v != "true" && v != "false" {
			return "", nil, badField(c, "'"+clip(v)+"' is not true or false")
		}
	}
	if c.Op == "~" {
		switch k {
		case oneroster.String, oneroster.Enum, oneroster.ProfileID:
			return "LOWER(" + col + ") LIKE ? ESCAPE '!'", []any{"%" + likeEscape(strings.ToLower(v)) + "%"}, nil
		default:
			return "", nil, badField(c, "~ (contains) applies to text fields")
		}
	}
	return col + " " + sqlOps[c.Op] + " ?", []any{arg}, nil
}

// listContains matches a comma-list column holding the value as one whole
// item (pre and post frame the item inside the stored text).
func (db *DB) listContains(c *query.Comparison, col, pre, post string) (string, []any, error) {
	switch c.Op {
	case "=", "!=":
		var hay, needle string
		var arg any
		if pre == "" {
			hay, needle, arg = "(',' || "+col+" || ',')", "?", ","+c.Value+","
		} else {
			hay, needle, arg = col, "?", pre+c.Value+post
		}
		cond := db.d.Contains(hay, needle)
		if c.Op == "!=" {
			cond = "NOT " + cond
		}
		return cond, []any{arg}, nil
	case "~":
		return "LOWER(" + col + ") LIKE ? ESCAPE '!'", []any{"%" + likeEscape(strings.ToLower(c.Value)) + "%"}, nil
	}
	return "", nil, badField(c, "only =, != and ~ apply to a list")
}

func likeEscape(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func normDate(v string) (string, bool) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Format("2006-01-02"), true
	}
	if t, ok := normDateTime(v); ok {
		return t[:10], true
	}
	return "", false
}

// normDateTime accepts a date (midnight UTC) or an RFC 3339 date-time in
// any offset, and renders it in the stored form.
func normDateTime(v string) (string, bool) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return oneroster.FormatTime(t), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return oneroster.FormatTime(t), true
		}
	}
	return "", false
}
