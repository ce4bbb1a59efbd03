package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// where accumulates SQL conditions and their bind arguments.
type where struct {
	conds []string
	args  []any
	// keys, when set, is the table a list's keys are read from under the
	// alias t instead of the entity's own (list_members, memberList); the
	// page's rows are then read by a join on those keys.
	keys string
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// and returns a copy of w with one more condition.
func (w *where) and(cond string, args ...any) *where {
	c := &where{conds: append([]string(nil), w.conds...), args: append([]any(nil), w.args...), keys: w.keys}
	c.add(cond, args...)
	return c
}

// byID is the condition of a single-object read: that sourcedId, active
// where the entity keeps tombstones, within the subsets.
func byID(e *oneroster.Entity, id string, within []store.Subset) (*where, error) {
	w := &where{}
	w.add(`t.sourced_id = ?`, id)
	if e.Tombstones {
		w.add(`t.status = 'active'`)
	}
	v := visibilityOf(within)
	for _, s := range within {
		c, args, err := subsetSQL(e, s, v)
		if err != nil {
			return nil, err
		}
		w.add(c, args...)
	}
	return w, nil
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

const activeE = `e.status = 'active'`

// subsetSQL returns the condition on alias t, a row of e, for one subset.
// Relationships go through active enrollments and roles only
// (rest-query.md §7). v, the rule of a Visible subset beside it (nil for
// none), restricts the roles a user is counted by to the visible orgs.
func subsetSQL(e *oneroster.Entity, s store.Subset, v *visibility) (string, []any, error) {
	a := s.Arg
	// Relationship subsets are written "t.x IN (SELECT … WHERE parent = ?)":
	// the subquery is selective and indexed, and SQLite, unlike
	// PostgreSQL, would otherwise run a correlated EXISTS for every row of
	// the outer table.
	switch s.Name {
	case store.Visible:
		c, err := visibleOrgs(a).cond(e)
		return c.sql, c.args, err
	case store.UsersWithRole:
		// Not selective (most users are students): EXISTS per user is best.
		if v != nil {
			orgs, err := v.ids("orgs")
			if err != nil {
				return "", nil, err
			}
			return `EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = t.sourced_id AND r.role = ? AND r.status = 'active' AND r.org_sourced_id IN ` + orgs.sql + `)`,
				append([]any{a}, orgs.args...), nil
		}
		return `EXISTS (SELECT 1 FROM roles r WHERE r.user_sourced_id = t.sourced_id AND r.role = ? AND r.status = 'active')`, []any{a}, nil
	case store.OrgsOfType, store.SessionsOfType:
		return `t.type = ?`, []any{a}, nil
	case store.StudentsOfClass, store.TeachersOfClass:
		return `t.sourced_id IN (SELECT e.user_sourced_id FROM enrollments e WHERE e.class_sourced_id = ? AND e.role = ? AND ` + activeE + `)`,
			[]any{a, roleOf(s.Name)}, nil
	case store.EnrollmentsOfClass:
		return `t.class_sourced_id = ?`, []any{a}, nil
	case store.ClassesOfCourse:
		return `t.course_sourced_id = ?`, []any{a}, nil
	case store.ClassesOfSchool:
		return `t.school_sourced_id = ?`, []any{a}, nil
	case store.ClassesOfTerm:
		return `t.sourced_id IN (SELECT ct.class_sourced_id FROM class_terms ct WHERE ct.term_sourced_id = ?)`, []any{a}, nil
	case store.ClassesOfUser:
		return `t.sourced_id IN (SELECT e.class_sourced_id FROM enrollments e WHERE e.user_sourced_id = ? AND ` + activeE + `)`, []any{a}, nil
	case store.ClassesOfStudent, store.ClassesOfTeacher:
		return `t.sourced_id IN (SELECT e.class_sourced_id FROM enrollments e WHERE e.user_sourced_id = ? AND e.role = ? AND ` + activeE + `)`,
			[]any{a, roleOf(s.Name)}, nil
	case store.CoursesOfSchool:
		return `t.org_sourced_id = ?`, []any{a}, nil
	case store.EnrollmentsOfSch:
		return `t.school_sourced_id = ?`, []any{a}, nil
	case store.StudentsOfSchool, store.TeachersOfSchool:
		// A user belongs to a school through a role at it, or through an
		// enrollment in one of its classes.
		r := roleOf(s.Name)
		return `(t.sourced_id IN (SELECT r.user_sourced_id FROM roles r WHERE r.org_sourced_id = ? AND r.role = ? AND r.status = 'active')
		 OR t.sourced_id IN (SELECT e.user_sourced_id FROM enrollments e WHERE e.school_sourced_id = ? AND e.role = ? AND ` + activeE + `))`,
			[]any{a, r, a, r}, nil
	case store.TermsOfSchool:
		// Academic sessions carry no org: a school's terms are the terms
		// its classes run in.
		return `t.sourced_id IN (SELECT ct.term_sourced_id FROM class_terms ct JOIN classes c ON c.sourced_id = ct.class_sourced_id
		 WHERE c.school_sourced_id = ?)`, []any{a}, nil
	case store.ChildrenOfSession:
		return `t.parent_sourced_id = ?`, []any{a}, nil
	case store.ResourcesOfClass:
		return `t.sourced_id IN (SELECT x.resource_sourced_id FROM class_resources x WHERE x.class_sourced_id = ? AND x.status = 'active')`, []any{a}, nil
	case store.ResourcesOfCourse:
		return `t.sourced_id IN (SELECT x.resource_sourced_id FROM course_resources x WHERE x.course_sourced_id = ? AND x.status = 'active')`, []any{a}, nil
	case store.ResourcesOfUser:
		return `t.sourced_id IN (SELECT x.resource_sourced_id FROM user_resources x WHERE x.user_sourced_id = ? AND x.status = 'active')`, []any{a}, nil
	case store.LineItemsOfSession:
		return `t.academic_session_sourced_id = ?`, []any{a}, nil
	case store.LineItemsOfClass, store.ScoreScalesOfClass:
		return `t.class_sourced_id = ?`, []any{a}, nil
	case store.ScoreScalesOfSchool:
		return `t.org_sourced_id = ?`, []any{a}, nil
	case store.ResultsOfClass:
		// A result belongs to the class of its line item.
		return `t.line_item_sourced_id IN (SELECT li.sourced_id FROM line_items li WHERE li.class_sourced_id = ?)`, []any{a}, nil
	case store.ResultsOfLineItem:
		return `t.line_item_sourced_id = ?`, []any{a}, nil
	case store.ResultsOfStudent:
		return `t.student_sourced_id = ?`, []any{a}, nil
	case store.CategoriesOfClass:
		// Categories carry no class: a class's categories are those its
		// line items use.
		return `t.sourced_id IN (SELECT li.category_sourced_id FROM line_items li WHERE li.class_sourced_id = ? AND li.status = 'active')`, []any{a}, nil
	}
	return "", nil, fmt.Errorf("sqlstore: unknown subset %q", s.Name)
}

func roleOf(n store.SubsetName) string {
	switch n {
	case store.TeachersOfClass, store.ClassesOfTeacher, store.TeachersOfSchool:
		return "teacher"
	}
	return "student"
}

func (db *DB) selectCols(e *oneroster.Entity, alias string) string {
	cols := db.cols[e.Table]
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = alias + "." + SQLCol(c)
	}
	return strings.Join(parts, ", ")
}

func (db *DB) conditions(e *oneroster.Entity, r store.ListRequest, pick semiPick) (*where, error) {
	w := &where{}
	v := visibilityOf(r.Within)
	for _, s := range r.Within {
		if s.Name == store.UsersWithRole && v == nil && pick("roles", `s.role = ?`, []any{s.Arg}) {
			// A rare role (teachers): start from its roles.
			w.add(`t.sourced_id IN (SELECT s.user_sourced_id FROM roles s WHERE s.status = 'active' AND s.role = ?)`, s.Arg)
			continue
		}
		c, args, err := subsetSQL(e, s, v)
		if err != nil {
			return nil, err
		}
		w.add(c, args...)
	}
	if r.Params.Filter != nil {
		c, args, err := db.compileFilter(e, r.Params.Filter, pick, v)
		if err != nil {
			return nil, err
		}
		w.add(c, args...)
	}
	if e.Tombstones && !asksAboutChanges(r.Params.Filter) {
		w.add(`t.status = 'active'`)
	}
	return w, nil
}

// steady reports whether r lists a gradebook collection whose members and
// order only a creation, a deletion or a change of status can alter: no
// filter, no subset, in sourcedId order. A write that rewrites objects in
// place (a new score) moves none of its rows, so its total and bookmarks
// stay valid across it (shapeVersion): without that, one grade written
// made the next deep page of /results walk from its start (3.0 s at offset
// 353,000 instead of 0.01 s). Rostering and resources have no REST writes.
func steady(r store.ListRequest) bool {
	return r.Entity.Service == "gradebook" && unfiltered(r) &&
		(len(r.Params.Sort) == 0 || len(r.Params.Sort) == 1 && r.Params.Sort[0] == "sourcedId")
}

// unfiltered reports whether r lists a whole collection: no filter, no
// subset (relationship, typed view or sharing rule). Its total is kept
// (list_counts), and its one condition is the tombstones'.
func unfiltered(r store.ListRequest) bool { return len(r.Within) == 0 && r.Params.Filter == nil }

// asksAboutChanges reports whether a filter names status or
// dateLastModified: then deleted (tobedeleted) objects of entities with
// tombstones are listed too, so delta consumers learn of deletions.
func asksAboutChanges(x query.Expr) bool {
	if x == nil {
		return false
	}
	for _, c := range query.Fields(x) {
		if c.Field == "status" || c.Field == "dateLastModified" {
			return true
		}
	}
	return false
}

// List returns one page of a collection and its total size.
func (db *DB) List(ctx context.Context, r store.ListRequest) (store.Page, error) {
	e := r.Entity
	table := SQLTable(e.Table)
	var page store.Page
	ve := e
	if slices.ContainsFunc(r.Within, func(s store.Subset) bool { return s.Name == store.Visible }) {
		// What a client sees of a rostering table can depend on gradebook
		// rows (the sessions of its line items): the cached answers must
		// follow every write.
		ve = oneroster.Result
	}
	version, err := db.Version(ctx, ve)
	if err != nil {
		return page, fmt.Errorf("list %s: %w", table, err)
	}
	// keptName names the kept total of the list, if it has one.
	var w *where
	keptName := ""
	if list, ok := memberList(r); ok {
		w = &where{keys: "list_members"}
		w.add(`t.list = ?`, list)
		keptName = memberCountName(list)
	} else if w, err = db.conditions(e, r, func(sub, cond string, args []any) bool { return db.selective(ctx, version, sub, cond, args) }); err != nil {
		return page, err
	} else if unfiltered(r) {
		keptName = table
	}
	counted := table
	if w.keys != "" {
		counted = w.keys
	}
	// The total and the bookmarks of a steady list follow only the writes
	// that can move its rows.
	shape := version
	if steady(r) {
		if shape, err = db.shapeVersion(ctx); err != nil {
			return page, fmt.Errorf("list %s: %w", table, err)
		}
	}
	var total int64
	kept := false
	if keptName != "" {
		if total, kept, err = db.keptCount(ctx, shape, keptName); err != nil {
			return page, fmt.Errorf("count %s: %w", table, err)
		}
	}
	if !kept {
		total, err = db.countAt(ctx, shape, db.rebind(`SELECT COUNT(*) FROM `+counted+` t`+w.sql()), w.args)
	}
	if err != nil {
		return page, fmt.Errorf("count %s: %w", table, err)
	}
	page.Total, page.Version = int(total), version
	if page.Total == 0 || r.Params.Offset >= page.Total {
		return page, nil
	}
	off, limit := r.Params.Offset, r.Params.Limit
	if !r.IDsOnly && limit >= 2000 && off+limit/2 < page.Total {
		// A bulk page is read as two halves at once, each on its own
		// connections: one request of a bulk pull would otherwise keep
		// one core of the machine busy and leave the other idle.
		half := limit / 2
		var first, second []store.Record
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) {
			first, err = db.slice(gctx, r, w, version, shape, page.Total, off, half)
			return err
		})
		g.Go(func() (err error) {
			second, err = db.slice(gctx, r, w, version, shape, page.Total, off+half, limit-half)
			return err
		})
		if err := g.Wait(); err != nil {
			return page, err
		}
		page.Records = append(first, second...)
		return page, nil
	}
	page.Records, err = db.slice(ctx, r, w, version, shape, page.Total, off, limit)
	return page, err
}

// slice reads the records from off to off+limit of the list that r and w
// describe, at version (total records in all); its bookmarks are kept
// under shape (version, or shapeVersion for a steady list).
func (db *DB) slice(ctx context.Context, r store.ListRequest, w *where, version, shape int64, total, off, limit int) ([]store.Record, error) {
	e := r.Entity
	table := SQLTable(e.Table)
	// A deferred join: the inner query finds the page's keys (over an
	// index alone when nothing else is needed), the outer one reads just
	// those rows, so skipping rows does not read them. A deep page starts
	// from a bookmark (keyset.go), so it skips few.
	keys := sortKeys(e, r.Params.Sort, r.Params.Desc)
	order := orderSQL(keys)
	from := ` FROM ` + table + ` t`
	if w.keys != "" {
		from = ` FROM ` + w.keys + ` t`
	} else if db.d.UnindexedOrder != "" && !unfiltered(r) {
		// When the conditions keep few rows (a change poll:
		// dateLastModified > T), reading them through their own index and
		// sorting them beats walking the whole table in sort order, which
		// SQLite prefers for a LIMIT: the poll would cost in proportion
		// to the table, not to the changes. Not for an unfiltered list,
		// whose one condition is the tombstones' (and whose total is
		// kept, list_counts): the table's count is what it spares.
		if n, err := db.rowsOf(ctx, shape, e); err == nil && total*5 <= int(n) {
			order = orderSQLWith(keys, db.d.UnindexedOrder)
		}
	}
	var mk *marks
	kw := w
	skip := off
	if off+limit >= markMin && db.keyset(e.Table, keys) {
		mk = db.bookmarks(shape, from+w.sql()+order, w.args)
		if unfiltered(r) && len(keys) == 1 && !keys[0].desc {
			if err := db.seedMarks(ctx, mk, e); err != nil {
				return nil, fmt.Errorf("list %s: %w", table, err)
			}
		}
		at, vals, err := db.seek(ctx, mk, from, w, keys, off)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", table, err)
		}
		if vals != nil {
			c, a := afterSQL(keys, vals)
			kw, skip = w.and(c, a...), off-at
		}
	}
	keysQ := db.rebind(`SELECT ` + keyCols(keys) + from + kw.sql() + order + ` LIMIT ? OFFSET ?`)
	args := append(kw.args, limit, skip)
	// mark records where the next page starts, so that a consumer
	// following Link next does not walk.
	mark := func(last []string) {
		if mk != nil && off+limit < total {
			mk.add(off+limit, last)
		}
	}
	if r.IDsOnly {
		// The ids of a page are cached like its total: a consumer polling
		// the same page, or many consumers reading the first pages, cost
		// one query per data version.
		res, err := db.cache.get(version, cacheKey("ids", keysQ, args), func() (any, int, error) {
			recs, err := db.query(ctx, keysQ, args, len(keys))
			size := 24 * len(recs)
			for _, r := range recs {
				size += 40 + 24*len(r.Vals) + len(r.Vals[0])
			}
			if err == nil && len(recs) == limit {
				mark(keyVals(recs[len(recs)-1].Vals))
			}
			return recs, size, err
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", table, err)
		}
		return res.([]store.Record), nil
	}
	// Whole rows. With little to skip (a bookmark or the first page), the
	// rows are read in index order directly; the deferred join would make
	// SQLite sort the page's full rows again in a temporary b-tree (a
	// third of a 10000-user page).
	q := `SELECT ` + db.selectCols(e, "t") + ` FROM ` + table + ` t JOIN (` + keysQ + `) k ON k.sourced_id = t.sourced_id` + order
	if skip <= 100 && w.keys == "" {
		q = db.rebind(`SELECT ` + db.selectCols(e, "t") + from + kw.sql() + order + ` LIMIT ? OFFSET ?`)
	}
	recs, err := db.query(ctx, q, args, len(db.cols[e.Table]))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", table, err)
	}
	if n := len(recs); n == limit && mk != nil {
		last := recs[n-1].Vals
		vals := make([]string, len(keys))
		for i, k := range keys {
			vals[i] = last[db.colIndex(e.Table, k.col)]
		}
		mark(vals)
	}
	// A page of the whole collection in sourcedId order holds every
	// record between its first and last id: its arrays are read as one
	// range of each owner index rather than probed id by id (the ids of
	// deleted records in the range are read and dropped).
	span := len(r.Within) == 0 && r.Params.Filter == nil && len(keys) == 1 && !keys[0].desc
	return recs, db.loadSubs(ctx, e, recs, span)
}

// countAt runs a COUNT query, or answers it from the cache when nothing
// was written since it was last run at version v (by any process: the
// version lives in the database).
func (db *DB) countAt(ctx context.Context, v int64, q string, args []any) (int64, error) {
	return db.countIn(ctx, db.cache, v, q, args)
}

// estimateAt is countAt for counts that choose a plan (selective, the
// unindexed order) rather than make an answer: they are kept with the
// bookmarks, which stay when the cache of answers is off.
func (db *DB) estimateAt(ctx context.Context, v int64, q string, args []any) (int64, error) {
	return db.countIn(ctx, db.marks, v, q, args)
}

func (db *DB) countIn(ctx context.Context, c *results, v int64, q string, args []any) (int64, error) {
	res, err := c.get(v, cacheKey("count", q, args), func() (any, int, error) {
		db.traced(q, args)
		st, err := db.prepared(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		var n int64
		err = st.QueryRowContext(ctx, args...).Scan(&n)
		return n, 8, err
	})
	if err != nil {
		return 0, err
	}
	return res.(int64), nil
}

// selective reports whether the active rows of a user's table (roles,
// user_profiles) matching cond belong to at most a fifth of the users.
// Both counts are cached under the version, so the estimate costs at
// most two queries per data version.
func (db *DB) selective(ctx context.Context, v int64, table, cond string, args []any) bool {
	n, err := db.estimateAt(ctx, v, db.rebind(`SELECT COUNT(*) FROM `+table+` s WHERE s.status = 'active' AND `+cond), args)
	if err != nil {
		return false // EXISTS is correct either way; the list reports real errors
	}
	users, err := db.rowsOf(ctx, v, oneroster.User)
	return err == nil && n*5 <= users
}

// rowsOf is the number of rows of e's table, for the estimates that
// choose a plan: its kept total where that counts every row (an entity
// without tombstones), else a count cached with the bookmarks.
func (db *DB) rowsOf(ctx context.Context, v int64, e *oneroster.Entity) (int64, error) {
	table := SQLTable(e.Table)
	if !e.Tombstones {
		if n, ok, err := db.keptCount(ctx, v, table); err == nil && ok {
			return n, nil
		}
	}
	return db.estimateAt(ctx, v, `SELECT COUNT(*) FROM `+table, nil)
}

// Status answers whether an object exists (within the subsets), and with
// which status.
func (db *DB) Status(ctx context.Context, e *oneroster.Entity, id string, within ...store.Subset) (string, error) {
	w, err := byID(e, id, within)
	if err != nil {
		return "", err
	}
	table := SQLTable(e.Table)
	st, err := db.prepared(ctx, db.rebind(`SELECT t.status FROM `+table+` t`+w.sql()))
	if err != nil {
		return "", fmt.Errorf("status %s: %w", table, err)
	}
	var status string
	err = st.QueryRowContext(ctx, w.args...).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", oneroster.NotFound(e.Name, id)
	}
	if err != nil {
		return "", fmt.Errorf("status %s: %w", table, err)
	}
	return status, nil
}

// GetMany reads records by sourcedId, with their embedded arrays.
func (db *DB) GetMany(ctx context.Context, e *oneroster.Entity, ids []string) ([]store.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	table := SQLTable(e.Table)
	in, args := db.in(ids)
	recs, err := db.query(ctx, db.rebind(`SELECT `+db.selectCols(e, "t")+` FROM `+table+` t WHERE t.sourced_id`+in), args, len(db.cols[e.Table]))
	if err != nil {
		return nil, fmt.Errorf("get many %s: %w", table, err)
	}
	return recs, db.loadSubs(ctx, e, recs, false)
}

// Among returns the ids that name an object of e within the subsets.
func (db *DB) Among(ctx context.Context, e *oneroster.Entity, ids []string, within ...store.Subset) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := db.in(ids)
	w := &where{}
	w.add(`t.sourced_id`+in, args...)
	for _, s := range within {
		c, a, err := subsetSQL(e, s, visibilityOf(within))
		if err != nil {
			return nil, err
		}
		w.add(c, a...)
	}
	table := SQLTable(e.Table)
	rows, err := db.r.QueryContext(ctx, db.rebind(`SELECT t.sourced_id FROM `+table+` t`+w.sql()), w.args...)
	if err != nil {
		return nil, fmt.Errorf("among %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Get returns one object by sourcedId, if it is in every subset.
func (db *DB) Get(ctx context.Context, e *oneroster.Entity, id string, within ...store.Subset) (store.Record, error) {
	w, err := byID(e, id, within)
	if err != nil {
		return store.Record{}, err
	}
	table := SQLTable(e.Table)
	recs, err := db.query(ctx, db.rebind(`SELECT `+db.selectCols(e, "t")+` FROM `+table+` t`+w.sql()), w.args, len(db.cols[e.Table]))
	if err != nil {
		return store.Record{}, fmt.Errorf("get %s: %w", table, err)
	}
	if len(recs) == 0 {
		return store.Record{}, oneroster.NotFound(e.Name, id)
	}
	return recs[0], db.loadSubs(ctx, e, recs, false)
}

func (db *DB) query(ctx context.Context, q string, args []any, ncols int) ([]store.Record, error) {
	db.traced(q, args)
	st, err := db.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Record
	ns := make([]sql.NullString, ncols)
	ptrs := make([]any, ncols)
	for i := range ns {
		ptrs[i] = &ns[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		vals := make([]string, ncols)
		for i, n := range ns {
			vals[i] = n.String
		}
		out = append(out, store.Record{Vals: vals})
	}
	return out, rows.Err()
}

// loadSubs fills the embedded arrays of a page with one query per array.
// span says the records are every record from the first one's sourcedId
// to the last one's, in order: the arrays are then read by range.
func (db *DB) loadSubs(ctx context.Context, e *oneroster.Entity, recs []store.Record, span bool) error {
	if len(recs) == 0 {
		return nil
	}
	index := make(map[string]int, len(recs))
	for i, r := range recs {
		index[r.Vals[0]] = i
	}
	var in string
	var ids []any
	if span {
		in, ids = ` BETWEEN ? AND ?`, []any{recs[0].Vals[0], recs[len(recs)-1].Vals[0]}
	} else {
		in, ids = db.in(idStrings(recs))
	}
	type load struct {
		f     oneroster.Field
		sub   *oneroster.Entity
		q     string
		ncols int
		rows  []store.Record
	}
	var loads []*load
	for _, f := range e.Fields {
		var sub *oneroster.Entity
		var q string
		switch {
		case f.Kind == oneroster.Children:
			q = `SELECT c.parent_sourced_id, c.sourced_id FROM ` + SQLTable(e.Table) + ` c WHERE c.parent_sourced_id` + in + ` ORDER BY c.parent_sourced_id, c.sourced_id`
		case f.Kind == oneroster.LinkRef || f.Kind == oneroster.LinkRefs:
			l := f.Link
			q = `SELECT s.` + SQLCol(l.Owner) + `, s.` + SQLCol(l.Target) + ` FROM ` + SQLTable(l.Table) + ` s WHERE s.` + SQLCol(l.Owner) +
				in + ` AND s.status = 'active' ORDER BY s.` + SQLCol(l.Owner) + `, s.sourced_id`
		case f.Kind == oneroster.Objectives:
			l := f.Link
			extra := ``
			if f.Scores {
				extra = `, s.score, s.text_score`
			}
			q = `SELECT s.` + SQLCol(l.Owner) + `, s.source, s.learning_objective_id` + extra + ` FROM ` + SQLTable(l.Table) + ` s WHERE s.` + SQLCol(l.Owner) +
				in + ` AND s.status = 'active' ORDER BY s.` + SQLCol(l.Owner) + `, s.sourced_id`
		case f.Kind == oneroster.Embedded && f.Name == "roles":
			sub = oneroster.Role
		case f.Kind == oneroster.Embedded && f.Name == "userProfiles":
			sub = oneroster.UserProfile
		default:
			continue
		}
		if sub != nil {
			// Active rows first; tobedeleted ones are kept only for a user
			// that has no active one (a deleted user still shows the roles
			// it had: the schema requires at least one).
			q = `SELECT s.user_sourced_id, ` + db.selectCols(sub, "s") + ` FROM ` + SQLTable(sub.Table) +
				` s WHERE s.user_sourced_id` + in + ` ORDER BY s.user_sourced_id, CASE WHEN s.status = 'active' THEN 0 ELSE 1 END, s.sourced_id`
		}
		ncols := 2
		switch {
		case sub != nil:
			ncols = 1 + len(db.cols[sub.Table])
		case f.Kind == oneroster.Objectives && f.Scores:
			ncols = 5
		case f.Kind == oneroster.Objectives:
			ncols = 3
		}
		loads = append(loads, &load{f: f, sub: sub, q: db.rebind(q), ncols: ncols})
	}
	// The arrays of a large page are read in parallel, each on its own
	// connection: a bulk pull is one request at a time, and would
	// otherwise use one core of the machine.
	g, gctx := errgroup.WithContext(ctx)
	if len(recs) < 1000 {
		g.SetLimit(1)
	}
	for _, l := range loads {
		g.Go(func() error {
			var err error
			l.rows, err = db.query(gctx, l.q, ids, l.ncols)
			if err != nil {
				return fmt.Errorf("load %s: %w", l.f.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, l := range loads {
		for _, row := range l.rows {
			i, ok := index[row.Vals[0]]
			if !ok {
				continue // in the span, not on the page
			}
			if recs[i].Sub == nil {
				recs[i].Sub = map[string][]store.Record{}
			}
			have := recs[i].Sub[l.f.Name]
			if l.sub != nil && len(have) > 0 && row.Vals[2] != "active" && have[0].Vals[1] == "active" {
				continue // Vals[2] is the status column: skip tobedeleted beside active
			}
			recs[i].Sub[l.f.Name] = append(have, store.Record{Vals: row.Vals[1:]})
		}
	}
	return nil
}

// idStrings returns the sourcedIds of records (their first value).
func idStrings(recs []store.Record) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Vals[0]
	}
	return ids
}

// in is the condition that a column is one of ids, to follow the
// column, and its bind arguments: one array parameter where the engine
// binds arrays (thousands of placeholders cost PostgreSQL more to bind and
// plan than the query to run), else a placeholder per id.
func (db *DB) in(ids []string) (string, []any) {
	if db.d.Arrays {
		return ` = ANY(?)`, []any{ids}
	}
	return ` IN (` + placeholders(len(ids)) + `)`, anys(ids)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
