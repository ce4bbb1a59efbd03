package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/schema"
	"github.com/oneroster/oneroster/internal/store"
)

// The rules of a REST write. A REST write must leave the store in a state
// the CSV binding can export and the import accepts again, so it keeps the
// import's rules: the same reference types (schema.RefTypeRule), the same
// checks across rows (checks), and it fills in what the JSON binding may
// leave out but the CSV binding requires. All of it runs inside the
// write's transaction: a concurrent delete or import cannot slip between
// the check and the commit (see Dialect.ShareImports; SQLite has one
// writer).

func invalid(format string, args ...any) error {
	return &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusUnprocessableEntity,
		Message: fmt.Sprintf(format, args...)}
}

// checkRefs makes sure each reference names an active object of the type
// the CSV binding wants. One statement asks about all of them: a write
// is a dozen round trips, and each costs as much as its work.
func (db *DB) checkRefs(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, refs []store.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	parts := make([]string, len(refs))
	var args []any
	for i, ref := range refs {
		typeCol := "''"
		if ref.Entity.Table == "orgs" || ref.Entity.Table == "academicSessions" {
			typeCol = "t.type"
		}
		within := "1"
		if len(ref.Within) > 0 {
			w := &where{}
			for _, sc := range ref.Within {
				c, a, err := subsetSQL(ref.Entity, sc, nil)
				if err != nil {
					return err
				}
				w.add(c, a...)
			}
			within = `CASE WHEN ` + strings.Join(w.conds, " AND ") + ` THEN 1 ELSE 0 END`
			args = append(args, w.args...)
		}
		parts[i] = `SELECT ` + strconv.Itoa(i) + `, t.status, ` + typeCol + `, ` + within + ` FROM ` + SQLTable(ref.Entity.Table) + ` t WHERE t.sourced_id = ?`
		args = append(args, ref.ID)
		// An object outside Visible is not found, like one that does not exist.
		for _, sc := range ref.Visible {
			c, a, err := subsetSQL(ref.Entity, sc, nil)
			if err != nil {
				return err
			}
			parts[i] += ` AND ` + c
			args = append(args, a...)
		}
	}
	rows, err := db.txQuery(ctx, tx, db.rebind(strings.Join(parts, " UNION ALL ")), args...)
	if err != nil {
		return fmt.Errorf("check references of %s: %w", e.Name, err)
	}
	status, types, inside := make([]string, len(refs)), make([]string, len(refs)), make([]bool, len(refs))
	for rows.Next() {
		var i, in int
		var st, typ string
		if err := rows.Scan(&i, &st, &typ, &in); err != nil {
			rows.Close()
			return err
		}
		status[i], types[i], inside[i] = st, typ, in == 1
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check references of %s: %w", e.Name, err)
	}
	for i, ref := range refs {
		if status[i] != "active" {
			return invalid("%s: no %s with sourcedId %s", ref.Path, ref.Entity.Name, ref.ID)
		}
		if !inside[i] {
			return invalid("%s: %s", ref.Path, ref.Outside)
		}
		if ref.Col == "" {
			continue
		}
		want, not := schema.RefTypeRule(e.Table, ref.Col)
		switch typ := types[i]; {
		case !schema.RefTypeOK(want, typ):
			return invalid("%s: %s %s is of type %s, not %s", ref.Path, ref.Entity.Name, ref.ID, typ, want)
		case not != "" && typ == not:
			return invalid("%s: %s %s is a %s; a %s belongs to a term or grading period", ref.Path, ref.Entity.Name, ref.ID, typ, e.Name)
		}
	}
	return nil
}

// derive fills in what the CSV binding requires and the JSON binding may
// leave out, before o is written.
func (db *DB) derive(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, o *store.Object) error {
	class := func(cols string, dst ...any) error {
		err := db.txQueryRow(ctx, tx, db.rebind(`SELECT `+cols+` FROM classes WHERE sourced_id = ?`), o.Vals["classSourcedId"]).Scan(dst...)
		if err != nil {
			return fmt.Errorf("derive %s: %w", e.Name, err) // the class ref was checked
		}
		return nil
	}
	switch e {
	case oneroster.LineItem:
		if o.Vals["academicSessionSourcedId"] != "" {
			return nil
		}
		var terms string
		if err := class("term_sourced_ids", &terms); err != nil {
			return err
		}
		list := strings.Split(terms, ",")
		if terms == "" || len(list) != 1 {
			return invalid("%s.academicSession: required here: class %s has %d terms (%s), so the line item's academic session, which the CSV binding requires, cannot be derived from it",
				o.Path, o.Vals["classSourcedId"], len(list), terms)
		}
		o.Vals["academicSessionSourcedId"] = list[0]
		o.Refs = append(o.Refs, store.Ref{Path: o.Path + ".academicSession (the term of its class)", Entity: oneroster.AcademicSession,
			Col: "academicSessionSourcedId", ID: list[0]})
	case oneroster.ScoreScale:
		// JSON has no org for a score scale; the CSV binding requires one.
		// An imported scale keeps its org while its class stays; otherwise
		// the org is the class's school. The course, optional in JSON and
		// required in CSV, is the class's when left out.
		var org, storedClass string
		err := db.txQueryRow(ctx, tx, db.rebind(`SELECT org_sourced_id, class_sourced_id FROM score_scales WHERE sourced_id = ?`),
			o.Vals["sourcedId"]).Scan(&org, &storedClass)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("derive %s: %w", e.Name, err)
		}
		var school, course string
		if err := class("school_sourced_id, course_sourced_id", &school, &course); err != nil {
			return err
		}
		if org == "" || storedClass != o.Vals["classSourcedId"] {
			org = school
		}
		o.Vals["orgSourcedId"] = org
		if o.Vals["courseSourcedId"] == "" {
			o.Vals["courseSourcedId"] = course
		}
	}
	return nil
}

// checkRows runs the import's checks across rows on the objects just
// written (ids, with their JSON paths).
func (db *DB) checkRows(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, paths map[string]string) error {
	list := checks[e.Table]
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, 0, len(paths))
	for id := range paths {
		ids = append(ids, id)
	}
	in, args := db.in(ids)
	if len(ids) == 1 { // a PUT: one plan, the primary key's
		in, args = ` = ?`, []any{ids[0]}
	}
	from := `(SELECT * FROM ` + SQLTable(e.Table) + ` WHERE sourced_id` + in + `) x`
	// One statement runs every check (see checkRefs); the first broken
	// rule, in the order of checks, is the one reported. Not the
	// PairNotIn forms: for a few written rows an index probe per row
	// beats building an index of a whole table.
	parts := make([]string, len(list))
	var all []any
	for i, c := range list {
		q := strings.NewReplacer("{rows}", from, "{line}", "0").Replace(c.q)
		parts[i] = `SELECT ` + strconv.Itoa(i) + ` AS k, t.* FROM (` + q + `) t`
		// {rows} may appear more than once: each needs its own arguments.
		for range strings.Count(q, from) {
			all = append(all, args...)
		}
	}
	var k, line int
	var id, detail string
	err := db.txQueryRow(ctx, tx, db.rebind(strings.Join(parts, " UNION ALL ")+` ORDER BY 1, 3 LIMIT 1`), all...).Scan(&k, &line, &id, &detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", e.Table, err)
	}
	c := list[k]
	return invalid("%s.%s: %s", paths[id], c.prop, c.message(id, detail))
}
