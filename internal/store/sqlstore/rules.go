package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/oneroster/oneroster/internal/csvpkg"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// The rules of a REST write. A REST write must leave the store in a state
// the CSV binding can export and the import accepts again, so it keeps the
// import's rules: the same reference types (csvpkg.RefTypeRule), the same
// checks across rows (checks), and it fills in what the JSON binding may
// leave out but the CSV binding requires. All of it runs inside the
// write's transaction, after the rows are written: a concurrent delete or
// import cannot slip between the check and the commit (the references are
// read FOR SHARE where the engine has row locks; SQLite has one writer).

func invalid(format string, args ...any) error {
	return &oneroster.Error{Code: oneroster.CodeInvalidData, Status: http.StatusUnprocessableEntity,
		Message: fmt.Sprintf(format, args...)}
}

// checkRefs makes sure each reference names an active object of the type
// the CSV binding wants.
func (db *DB) checkRefs(ctx context.Context, tx *sql.Tx, e *oneroster.Entity, refs []store.Ref) error {
	for _, ref := range refs {
		typeCol := "''"
		if ref.Entity.Table == "orgs" || ref.Entity.Table == "academicSessions" {
			typeCol = "t.type"
		}
		var status, typ string
		err := tx.QueryRowContext(ctx, db.rebind(`SELECT t.status, `+typeCol+` FROM `+SQLTable(ref.Entity.Table)+
			` t WHERE t.sourced_id = ?`+db.d.ForShare), ref.ID).Scan(&status, &typ)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "active") {
			return invalid("%s: no %s with sourcedId %s", ref.Path, ref.Entity.Name, ref.ID)
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", ref.Path, err)
		}
		if ref.Col == "" {
			continue
		}
		want, not := csvpkg.RefTypeRule(e.Table+".csv", ref.Col)
		switch {
		case !csvpkg.RefTypeOK(want, "", typ):
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
		err := tx.QueryRowContext(ctx, db.rebind(`SELECT `+cols+` FROM classes WHERE sourced_id = ?`), o.Vals["classSourcedId"]).Scan(dst...)
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
		err := tx.QueryRowContext(ctx, db.rebind(`SELECT org_sourced_id, class_sourced_id FROM score_scales WHERE sourced_id = ?`),
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
	from := `(SELECT * FROM ` + SQLTable(e.Table) + ` WHERE sourced_id` + in + `) x`
	for _, c := range list {
		q := c.q
		if alt, ok := pairNotIn[c.code]; ok && db.d.PairNotIn {
			q = alt
		}
		q = strings.NewReplacer("{rows}", from, "{line}", "0").Replace(q)
		// {rows} may appear more than once: each needs its own arguments.
		n := strings.Count(q, from)
		all := make([]any, 0, n*len(args))
		for range n {
			all = append(all, args...)
		}
		var line int
		var id, detail string
		err := tx.QueryRowContext(ctx, db.rebind(q+` ORDER BY 2 LIMIT 1`), all...).Scan(&line, &id, &detail)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check %s %s: %w", e.Table, c.code, err)
		}
		return invalid("%s.%s: %s", paths[id], c.prop, c.message(id, detail))
	}
	return nil
}
