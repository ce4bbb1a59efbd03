package sqlstore

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/oneroster/query"
	"github.com/oneroster/oneroster/internal/store"
)

// The relationship lists that are large and change only by import are
// read from list_members (migration 0015): a range of its key per list,
// in sourcedId order, with its total kept in list_counts. Through the
// entity's own table a page cost in proportion to the parent: the page
// walked the table in sourcedId order testing the subset's subquery, and
// the total counted every member (a term's 44,000 classes, for each
// uncached page).

// memberKind is a group of subsets that one statement fills.
type memberKind struct {
	kinds []store.SubsetName
	of    *oneroster.Entity
	// sources are the tables whose rows decide who is a member, each with
	// the column that names the member: an import that wrote none of
	// them leaves the kind as it is, and one that wrote some refills the
	// members it named.
	sources [][2]string
	// fill inserts the kinds' rows of list_members; each $IN(col) is
	// where the members to fill are chosen (every one, or those an import
	// named).
	fill string
}

// memberKinds says what each list holds, exactly what its subset (or
// filter) selects, as subsetSQL and the tombstone rule write it; the
// storetest MemberLists compares each with the general path.
var memberKinds = []memberKind{
	{
		// The users holding an active role of the kind, however many orgs
		// they hold it at. A deleted (tobedeleted) user is listed like
		// any, as in every rostering collection (rest-query.md §7), so
		// that a consumer of /students learns of the deletion.
		kinds: []store.SubsetName{store.UsersWithRole}, of: oneroster.User,
		sources: [][2]string{{"users", "sourced_id"}, {"roles", "user_sourced_id"}},
		fill: `INSERT INTO list_members (list, sourced_id)
		SELECT DISTINCT 'usersWithRole/' || r.role, r.user_sourced_id FROM roles r JOIN users u ON u.sourced_id = r.user_sourced_id
		WHERE r.status = 'active' AND $IN(r.user_sourced_id)`,
	},
	{
		// A user belongs to a school through an active role at it, or an
		// active enrollment in one of its classes, as that role.
		kinds: []store.SubsetName{store.StudentsOfSchool, store.TeachersOfSchool}, of: oneroster.User,
		sources: [][2]string{{"users", "sourced_id"}, {"roles", "user_sourced_id"}, {"enrollments", "user_sourced_id"}},
		fill: `INSERT INTO list_members (list, sourced_id)
		SELECT CASE WHEN x.role = 'student' THEN 'studentsOfSchool/' ELSE 'teachersOfSchool/' END || x.parent, x.uid FROM (
			SELECT r.role, r.org_sourced_id AS parent, r.user_sourced_id AS uid FROM roles r
			WHERE r.status = 'active' AND r.role IN ('student', 'teacher') AND $IN(r.user_sourced_id)
			UNION SELECT e.role, e.school_sourced_id, e.user_sourced_id FROM enrollments e
			WHERE e.status = 'active' AND e.role IN ('student', 'teacher') AND $IN(e.user_sourced_id)
		) x JOIN users u ON u.sourced_id = x.uid`,
	},
	{
		// The classes that list the term (class_terms follows classes).
		kinds: []store.SubsetName{store.ClassesOfTerm}, of: oneroster.Class,
		sources: [][2]string{{"classes", "sourced_id"}},
		fill: `INSERT INTO list_members (list, sourced_id)
		SELECT 'classesOfTerm/' || ct.term_sourced_id, ct.class_sourced_id FROM class_terms ct JOIN classes c ON c.sourced_id = ct.class_sourced_id
		WHERE $IN(ct.class_sourced_id)`,
	},
}

var memberSlot = regexp.MustCompile(`\$IN\(([a-z_.]+)\)`)

// memberList reports whether r is a list that list_members holds, and
// asks nothing else of it, in sourcedId order: a subset of memberKinds
// alone, or for users a filter roles.role='…' (role='…', the 1.1 form)
// alone. It returns the list's key in list_members.
func memberList(r store.ListRequest) (string, bool) {
	if r.Params.Desc || len(r.Params.Sort) > 1 || len(r.Params.Sort) == 1 && r.Params.Sort[0] != "sourcedId" {
		return "", false
	}
	if len(r.Within) == 1 && r.Params.Filter == nil {
		s := r.Within[0]
		for _, m := range memberKinds {
			if m.of == r.Entity && slices.Contains(m.kinds, s.Name) {
				return memberListName(s.Name, s.Arg), true
			}
		}
		return "", false
	}
	if c, ok := r.Params.Filter.(*query.Comparison); ok && r.Entity == oneroster.User && len(r.Within) == 0 && c.Op == "=" && (c.Field == "roles.role" || c.Field == "role") {
		return memberListName(store.UsersWithRole, c.Value), true
	}
	return "", false
}

// memberListName is the key list_members gives a list: its kind and
// the kind's argument.
func memberListName(kind store.SubsetName, arg string) string { return string(kind) + "/" + arg }

// memberCountName names the kept total of a list of list_members.
func memberCountName(list string) string { return "list_members/" + list }

// rebuildMembers brings the kinds of list_members whose sources the
// import wrote up to date, and their kept totals. A delta names few
// members (the users or classes of the rows it wrote, import_id): their
// rows are deleted and filled again, in proportion to the delta. Where it
// names many (a bulk, a first import) the kinds are filled whole: one
// statement over their tables, about 2 s (SQLite) and 4 s (PostgreSQL)
// for the schools' users at 200,000 students, in an import that takes
// minutes; filled that way, each delta of users paid the 4 s.
func (t *importTx) rebuildMembers(ctx context.Context) error {
	db := t.db
	rebuilt := false
	for _, m := range memberKinds {
		// The members whose rows this import wrote, once: each source is
		// read whole for its import_id, and three statements ask.
		var named []string
		var namedArgs []any
		for _, src := range m.sources {
			if t.changed[src[0]] {
				named = append(named, `SELECT `+src[1]+` FROM `+src[0]+` WHERE import_id = ?`)
				namedArgs = append(namedArgs, t.id)
			}
		}
		if len(named) == 0 {
			continue
		}
		rebuilt = true
		tmp, err := t.temp(ctx, "named_members", "id TEXT PRIMARY KEY")
		if err != nil {
			return err
		}
		res, err := t.tx.ExecContext(ctx, db.rebind(`INSERT INTO `+tmp+` (id) `+strings.Join(named, " UNION ")), namedArgs...)
		if err != nil {
			return fmt.Errorf("list_members %s: %w", m.kinds[0], err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("list_members %s: %w", m.kinds[0], err)
		}
		var all int64
		if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+SQLTable(m.of.Table)).Scan(&all); err != nil {
			return fmt.Errorf("list_members %s: %w", m.kinds[0], err)
		}
		// Refilling each of many members costs more than filling whole.
		whole := n*10 > all
		in := `(SELECT id FROM ` + tmp + `)`
		fill := memberSlot.ReplaceAllStringFunc(m.fill, func(slot string) string {
			if whole {
				return `1 = 1`
			}
			return memberSlot.FindStringSubmatch(slot)[1] + ` IN ` + in
		})
		for _, k := range m.kinds {
			// A kind's lists and their counts are ranges of the keys ('0'
			// is the byte after '/').
			lo, hi := memberRange(k)
			del := `DELETE FROM list_members WHERE list >= ? AND list < ?`
			if !whole {
				del += ` AND sourced_id IN ` + in
			}
			if _, err := t.tx.ExecContext(ctx, db.rebind(del), lo, hi); err != nil {
				return fmt.Errorf("list_members %s: %w", k, err)
			}
			if _, err := t.tx.ExecContext(ctx, db.rebind(`DELETE FROM list_counts WHERE table_name >= ? AND table_name < ?`), memberCountName(lo), memberCountName(hi)); err != nil {
				return fmt.Errorf("list_members %s counts: %w", k, err)
			}
		}
		if _, err := t.tx.ExecContext(ctx, fill); err != nil {
			return fmt.Errorf("list_members %s: %w", m.kinds[0], err)
		}
		for _, k := range m.kinds {
			lo, hi := memberRange(k)
			if _, err := t.tx.ExecContext(ctx, db.rebind(`INSERT INTO list_counts (table_name, slot, n)
				SELECT 'list_members/' || list, 0, COUNT(*) FROM list_members WHERE list >= ? AND list < ? GROUP BY list`), lo, hi); err != nil {
				return fmt.Errorf("list_members %s counts: %w", k, err)
			}
		}
		if err := t.drop(ctx, tmp); err != nil {
			return err
		}
	}
	if rebuilt && db.d.Analyze != "" {
		if _, err := t.tx.ExecContext(ctx, db.d.Analyze+"list_members"); err != nil {
			return fmt.Errorf("analyze list_members: %w", err)
		}
	}
	return nil
}

// memberRange is the range of list_members' keys that holds a kind's
// lists.
func memberRange(k store.SubsetName) (lo, hi string) {
	lo = memberListName(k, "")
	return lo, lo[:len(lo)-1] + "0"
}
