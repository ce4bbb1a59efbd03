package csvbind

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
)

// This file presents the files of a OneRoster 1.1 package as 1.2.1 files.
// The Reader checks each file against its real (1.1) layout, so problems
// name the real columns and positions, and then rewrites each row's Values
// into the layout the caller asked for. Nothing is buffered beyond the
// current row.

// rowMap rewrites rows read against one spec (the file's real layout) into
// the layout of another, matching columns by name.
type rowMap struct {
	out   *FileSpec // the layout of the rewritten rows; see Reader.Spec
	src   []int     // per column of out: the source column, or -1 for blank
	first []bool    // per column of out: keep only the first item of a source list
	vals  []string  // reused for the rewritten values
}

// newRowMap maps the columns of from onto those of to; renames names, for
// a column of to, the column of from that feeds it when the names differ.
// It returns nil when the layouts are the same.
func newRowMap(to, from *FileSpec, renames map[string]string) *rowMap {
	m := &rowMap{out: to, src: make([]int, len(to.Columns)), first: make([]bool, len(to.Columns))}
	identity := len(to.Columns) == len(from.Columns)
	var blankRequired bool
	for i, c := range to.Columns {
		name := c.Name
		if r, ok := renames[name]; ok {
			name = r
		}
		j := from.Columns.Index(name)
		m.src[i] = j
		if j >= 0 {
			m.first[i] = isList(from.Columns[j].Format) && !isList(c.Format)
		} else if c.Required != schema.ReqNo {
			blankRequired = true
		}
		identity = identity && j == i && !m.first[i]
	}
	if identity {
		return nil
	}
	if blankRequired {
		// A column the source cannot fill is blank in every row, so the
		// layout handed out says it is optional.
		out := *to
		out.Columns = slices.Clone(to.Columns)
		for i := range out.Columns {
			if m.src[i] < 0 {
				out.Columns[i].Required = schema.ReqNo
			}
		}
		m.out = &out
	}
	m.vals = make([]string, len(to.Columns))
	return m
}

func isList(f schema.Format) bool {
	return f == schema.GUIDRefList || f == schema.StringList || f == schema.EnumList || f == schema.UserIDList || f == schema.ScoreScaleValueList
}

// apply rewrites one row's values. The result is reused by the next call.
func (m *rowMap) apply(vals []string) []string {
	for i, j := range m.src {
		switch {
		case j < 0 || j >= len(vals):
			m.vals[i] = ""
		case m.first[i]:
			m.vals[i], _, _ = strings.Cut(vals[j], ",")
		default:
			m.vals[i] = vals[j]
		}
	}
	return m.vals
}

// The columns of users.csv (1.1) and roles.csv (1.2) that the derived
// roles use.
var (
	u11ID, u11Status, u11Modified = 0, 1, 2
	u11Orgs                       = users11.Columns.Index("orgSourcedIds")
	u11Role                       = users11.Columns.Index("role")
)

// roleSource[i] is the users.csv (1.1) column that column i of roles.csv
// comes from, for positions; -1 for columns 1.1 has nothing for.
var roleSource = func() []int {
	src := make([]int, len(rolesFile.Columns))
	for i, c := range rolesFile.Columns {
		switch c.Name {
		case "sourcedId", "userSourcedId":
			src[i] = u11ID
		case "status":
			src[i] = u11Status
		case "dateLastModified":
			src[i] = u11Modified
		case "roleType", "role":
			src[i] = u11Role
		case "orgSourcedId":
			src[i] = u11Orgs
		default:
			src[i] = -1
		}
	}
	return src
}()

// derivedRoles is the roles.csv of a OneRoster 1.1 package: a second pass
// over users.csv that yields one 1.2 roles row per user and org of the
// user's orgSourcedIds.
//
// Problems of users.csv — of the file or of a row — are the users.csv
// Reader's to report; this pass does not repeat them, and a user row with
// problems yields no roles. Its own problems (a derived sourcedId too long)
// name users.csv and the cell the value came from.
type derivedRoles struct {
	users *Reader // users.csv against the 1.1 layout

	line   int      // line of the current user row
	user   []string // its values (the slice is owned here; the strings are immutable)
	orgs   string   // the items of its orgSourcedIds not yet turned into roles
	more   bool     // whether orgs still holds an item
	n      int      // position in orgSourcedIds of the last item taken
	seen   map[string]bool
	vals   []string // the roles row, in rolesFile order
	probs  []Problem
	active bool // a user row is being expanded
}

func newDerivedRoles(users *Reader) *derivedRoles {
	return &derivedRoles{users: users, vals: make([]string, len(rolesFile.Columns)), seen: map[string]bool{}}
}

// next returns the next roles row, in rolesFile's layout.
func (d *derivedRoles) next() (Row, error) {
	for {
		if d.active && d.more {
			var org string
			org, d.orgs, d.more = strings.Cut(d.orgs, ",")
			d.n++
			if d.seen[org] {
				continue // the same org twice: one role is enough
			}
			d.seen[org] = true
			return d.row(org), nil
		}
		d.active = false
		row, err := d.users.Next()
		if err != nil {
			return Row{}, err
		}
		if len(row.Problems) > 0 {
			continue // reported by the users.csv Reader
		}
		d.user = append(d.user[:0], row.Values...)
		d.line = row.Line
		d.orgs, d.more, d.n, d.active = d.user[u11Orgs], d.user[u11Orgs] != "", 0, true
		if len(d.seen) > 64 {
			d.seen = map[string]bool{} // let a freak row's map go
		} else {
			clear(d.seen)
		}
	}
}

func (d *derivedRoles) row(org string) Row {
	u := d.user
	id := u[u11ID] + "/role/" + strconv.Itoa(d.n)
	for i, c := range rolesFile.Columns {
		var v string
		switch c.Name {
		case "sourcedId":
			v = id
		case "status":
			v = u[u11Status]
		case "dateLastModified":
			v = u[u11Modified]
		case "userSourcedId":
			v = u[u11ID]
		case "roleType":
			v = "primary"
		case "role":
			v = roleFrom11(u[u11Role])
		case "orgSourcedId":
			v = org
		}
		d.vals[i] = v
	}
	d.probs = d.probs[:0]
	if len(id) > oneroster.MaxGUIDLength {
		line, field, off := d.users.Pos(u11ID)
		d.probs = append(d.probs, Problem{File: users11.Name, Line: line, Column: field, Header: d.users.Header(u11ID), Offset: off, Code: CodeSourcedID, Message: fmt.Sprintf(
			"the roles.csv sourcedId %s derived from this OneRoster 1.1 user (its sourcedId, /role/ and the position %d of the org in orgSourcedIds) is %d characters long; the limit is %d, so shorten the user's sourcedId",
			oneroster.Quote(id), d.n, len(id), oneroster.MaxGUIDLength)})
	}
	return Row{Line: d.line, Values: d.vals, Problems: d.probs}
}

// pos gives the position in users.csv of column i of the roles row.
func (d *derivedRoles) pos(i int) (line, field, offset int) {
	if i < 0 || i >= len(roleSource) || roleSource[i] < 0 {
		return d.line, 0, 0
	}
	return d.users.Pos(roleSource[i])
}

// header gives the users.csv header of column i of the roles row.
func (d *derivedRoles) header(i int) string {
	if i < 0 || i >= len(roleSource) || roleSource[i] < 0 {
		return ""
	}
	return d.users.Header(roleSource[i])
}
