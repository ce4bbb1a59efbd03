package sqlstore

import (
	"fmt"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// visibility builds the conditions of store.Visible: what a client whose
// sharing rule lists some orgs may see (the rule of each entity is given
// at store.Visible). Each part is an uncorrelated subquery, computed once
// per statement whatever the size of the outer table; the org tree is
// walked with a recursive CTE, so the rule follows the orgs as they are
// when the statement runs (an import that moves a school moves its data).
type visibility struct {
	orgs []string
}

// q is a piece of SQL with its arguments, in order.
type q struct {
	sql  string
	args []any
}

func (a q) cat(parts ...q) q {
	out := q{sql: a.sql, args: append([]any(nil), a.args...)}
	for _, p := range parts {
		out.sql += p.sql
		out.args = append(out.args, p.args...)
	}
	return out
}

func lit(s string) q { return q{sql: s} }

// listed is "IN (?, …)" over the listed orgs.
func (v visibility) listed() q {
	return q{sql: "(" + placeholders(len(v.orgs)) + ")", args: anys(v.orgs)}
}

// below selects the listed orgs and every org under them.
func (v visibility) below() q {
	return lit(`(WITH RECURSIVE vd(id) AS (SELECT o.sourced_id FROM orgs o WHERE o.sourced_id IN `).cat(v.listed(),
		lit(` UNION SELECT o.sourced_id FROM orgs o JOIN vd ON o.parent_sourced_id = vd.id) SELECT id FROM vd)`))
}

// above selects the orgs above the listed ones (visible as orgs only, so
// that parent references resolve).
func (v visibility) above() q {
	return lit(`(WITH RECURSIVE va(id) AS (SELECT o.parent_sourced_id FROM orgs o WHERE o.parent_sourced_id <> '' AND o.sourced_id IN `).cat(v.listed(),
		lit(` UNION SELECT o.parent_sourced_id FROM orgs o JOIN va ON o.sourced_id = va.id WHERE o.parent_sourced_id <> '') SELECT id FROM va)`))
}

// classes selects the classes of the orgs below.
func (v visibility) classes() q {
	return lit(`(SELECT vc.sourced_id FROM classes vc WHERE vc.school_sourced_id IN `).cat(v.below(), lit(`)`))
}

// users selects the users with an active role at an org below.
func (v visibility) users() q {
	return lit(`(SELECT vr.user_sourced_id FROM roles vr WHERE vr.status = 'active' AND vr.org_sourced_id IN `).cat(v.below(), lit(`)`))
}

// courses is the condition on alias a of a visible course: one of an org
// below, or the course of a visible class (a district course taught at a
// school).
func (v visibility) courses(a string) q {
	return lit(`(`+a+`.org_sourced_id IN `).cat(v.below(),
		lit(` OR `+a+`.sourced_id IN (SELECT vcc.course_sourced_id FROM classes vcc WHERE vcc.school_sourced_id IN `), v.below(), lit(`))`))
}

// lineItems selects the line items of visible classes.
func (v visibility) lineItems() q {
	return lit(`(SELECT vl.sourced_id FROM line_items vl WHERE vl.class_sourced_id IN `).cat(v.classes(), lit(`)`))
}

// sessions selects the academic sessions visible classes, courses and
// line items use, and every session above them.
func (v visibility) sessions() q {
	return lit(`(WITH RECURSIVE vs(id) AS (SELECT ct.term_sourced_id FROM class_terms ct WHERE ct.class_sourced_id IN `).cat(v.classes(),
		lit(` UNION SELECT co.school_year_sourced_id FROM courses co WHERE co.school_year_sourced_id <> '' AND `), v.courses("co"),
		lit(` UNION SELECT li.academic_session_sourced_id FROM line_items li WHERE li.academic_session_sourced_id <> '' AND li.class_sourced_id IN `), v.classes(),
		lit(` UNION SELECT s.parent_sourced_id FROM academic_sessions s JOIN vs ON s.sourced_id = vs.id WHERE s.parent_sourced_id <> '') SELECT id FROM vs)`))
}

// cond returns the condition on alias t of an object of e that the client
// may see.
func (v visibility) cond(e *oneroster.Entity) (q, error) {
	if len(v.orgs) == 0 {
		return lit(`1 = 0`), nil // a rule that lists no org shows nothing
	}
	switch e.Table {
	case "orgs":
		return lit(`(t.sourced_id IN `).cat(v.below(), lit(` OR t.sourced_id IN `), v.above(), lit(`)`)), nil
	case "classes":
		return lit(`t.school_sourced_id IN `).cat(v.below()), nil
	case "users", "demographics":
		return lit(`t.sourced_id IN `).cat(v.users()), nil
	case "enrollments":
		return lit(`t.school_sourced_id IN `).cat(v.below(), lit(` AND t.user_sourced_id IN `), v.users()), nil
	case "courses":
		return v.courses("t"), nil
	case "academicSessions":
		return lit(`t.sourced_id IN `).cat(v.sessions()), nil
	case "lineItems", "assessmentLineItems":
		return lit(`t.class_sourced_id IN `).cat(v.classes()), nil
	case "categories":
		return lit(`t.sourced_id IN (SELECT li.category_sourced_id FROM line_items li WHERE li.class_sourced_id IN `).cat(v.classes(), lit(`)`)), nil
	case "results":
		return lit(`t.line_item_sourced_id IN `).cat(v.lineItems(), lit(` AND t.student_sourced_id IN `), v.users()), nil
	case "assessmentResults":
		return lit(`t.assessment_line_item_sourced_id IN (SELECT a.sourced_id FROM assessment_line_items a WHERE a.class_sourced_id IN `).cat(v.classes(),
			lit(`) AND t.student_sourced_id IN `), v.users()), nil
	case "scoreScales":
		// A scale of a visible class or of an org below, or one that
		// visible line items, results or assessment line items use.
		return lit(`(t.class_sourced_id IN `).cat(v.classes(),
			lit(` OR t.org_sourced_id IN `), v.below(),
			lit(` OR t.sourced_id IN (SELECT x.score_scale_sourced_id FROM line_item_score_scales x WHERE x.line_item_sourced_id IN `), v.lineItems(),
			lit(`) OR t.sourced_id IN (SELECT x.score_scale_sourced_id FROM result_score_scales x JOIN results r ON r.sourced_id = x.result_sourced_id WHERE r.line_item_sourced_id IN `), v.lineItems(),
			lit(`) OR t.sourced_id IN (SELECT a.score_scale_sourced_id FROM assessment_line_items a WHERE a.class_sourced_id IN `), v.classes(), lit(`))`)), nil
	case "resources":
		// Resources allocated to a visible class, course or user, and the
		// district-wide ones: those allocated to nothing.
		return lit(`(t.sourced_id IN (SELECT x.resource_sourced_id FROM class_resources x WHERE x.status = 'active' AND x.class_sourced_id IN `).cat(v.classes(),
			lit(`) OR t.sourced_id IN (SELECT x.resource_sourced_id FROM course_resources x JOIN courses co ON co.sourced_id = x.course_sourced_id WHERE x.status = 'active' AND `), v.courses("co"),
			lit(`) OR t.sourced_id IN (SELECT x.resource_sourced_id FROM user_resources x WHERE x.status = 'active' AND x.user_sourced_id IN `), v.users(),
			lit(`) OR NOT (EXISTS (SELECT 1 FROM class_resources x WHERE x.resource_sourced_id = t.sourced_id AND x.status = 'active')
			 OR EXISTS (SELECT 1 FROM course_resources x WHERE x.resource_sourced_id = t.sourced_id AND x.status = 'active')
			 OR EXISTS (SELECT 1 FROM user_resources x WHERE x.resource_sourced_id = t.sourced_id AND x.status = 'active')))`)), nil
	}
	return q{}, fmt.Errorf("sqlstore: no visibility rule for %s", e.Name)
}

// ids selects the sourcedIds of the rows of entity table e the client may
// see (a subquery with its own alias t).
func (v visibility) ids(table string) (q, error) {
	e := entityOfTable(table)
	if e == nil {
		return q{}, fmt.Errorf("sqlstore: no entity keeps table %s", table)
	}
	c, err := v.cond(e)
	if err != nil {
		return q{}, err
	}
	return lit(`(SELECT t.sourced_id FROM `+SQLTable(table)+` t WHERE `).cat(c, lit(`)`)), nil
}

// condTable is cond for any table of a CSV package: an entity's, or a
// link table's, whose rows the client sees when it sees both their ends
// (a user's roles at the orgs it sees, a line item's scales it sees).
func (v visibility) condTable(table string) (q, error) {
	if e := entityOfTable(table); e != nil {
		return v.cond(e)
	}
	if len(v.orgs) == 0 {
		return lit(`1 = 0`), nil
	}
	in := func(col, table string) (q, error) {
		ids, err := v.ids(table)
		return lit(`t.` + col + ` IN `).cat(ids), err
	}
	two := func(c1, t1, c2, t2 string) (q, error) {
		a, err := in(c1, t1)
		if err != nil {
			return q{}, err
		}
		b, err := in(c2, t2)
		return a.cat(lit(` AND `), b), err
	}
	switch table {
	case "roles":
		return two("user_sourced_id", "users", "org_sourced_id", "orgs")
	case "userProfiles":
		return in("user_sourced_id", "users")
	case "lineItemScoreScales":
		return two("line_item_sourced_id", "lineItems", "score_scale_sourced_id", "scoreScales")
	case "resultScoreScales":
		return two("result_sourced_id", "results", "score_scale_sourced_id", "scoreScales")
	case "lineItemLearningObjectiveIds":
		return in("line_item_sourced_id", "lineItems")
	case "resultLearningObjectiveIds":
		return in("result_sourced_id", "results")
	case "classResources":
		return two("class_sourced_id", "classes", "resource_sourced_id", "resources")
	case "courseResources":
		return two("course_sourced_id", "courses", "resource_sourced_id", "resources")
	case "userResources":
		return two("user_sourced_id", "users", "resource_sourced_id", "resources")
	}
	return q{}, fmt.Errorf("sqlstore: no visibility rule for table %s", table)
}

func entityOfTable(table string) *oneroster.Entity {
	for _, e := range oneroster.Entities {
		if e.Table == table {
			return e
		}
	}
	return nil
}

// visibleOrgs reads the Arg of a store.Visible subset: org sourcedIds
// separated by spaces.
func visibleOrgs(arg string) visibility { return visibility{orgs: strings.Fields(arg)} }
