-- list_members: the members of the relationship lists that are large and
-- change only by import (rostering has no REST writes), each list a range
-- of the key: list names the store subset and its argument ('KIND/ARG': a
-- role, a school, a term; one column, so that PostgreSQL's estimate of a
-- list's size is not the product of two correlated ones), then the
-- member's sourcedId, in the order the list is read. A page is read from
-- the range in key order and its total is kept in list_counts
-- ('list_members/KIND/ARG'), so a page costs in
-- proportion to the page, not to the parent: a term's classes counted
-- 44,000 classes per request at 200,000 students (87 ms on SQLite), and
-- PostgreSQL answered a school's students by scanning every user (an OR
-- of two IN subqueries has no index plan; 162 ms). The import rebuilds
-- the kinds whose tables it changed (sqlstore: rebuildMembers).
--
-- It takes over users_by_role (0012): the role lists are its kind
-- usersWithRole, and their kept counts move to the new names.
CREATE TABLE list_members (
    list        TEXT COLLATE "C" NOT NULL,
    sourced_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (list, sourced_id)
);

-- usersWithRole/ROLE: the users holding an active role of the kind. Unlike
-- users_by_role, which is dropped, deleted (tobedeleted) users are listed,
-- as in every rostering collection and as the same role asked with any
-- other filter term lists them.
INSERT INTO list_members (list, sourced_id)
SELECT DISTINCT 'usersWithRole/' || r.role, r.user_sourced_id FROM roles r JOIN users u ON u.sourced_id = r.user_sourced_id
WHERE r.status = 'active';
DROP TABLE users_by_role;

-- studentsOfSchool/SCHOOL and teachersOfSchool/SCHOOL: the users with an active role at
-- the school, or an active enrollment in one of its classes, as that role.
INSERT INTO list_members (list, sourced_id)
SELECT CASE WHEN x.role = 'student' THEN 'studentsOfSchool/' ELSE 'teachersOfSchool/' END || x.parent, x.uid FROM (
    SELECT r.role, r.org_sourced_id AS parent, r.user_sourced_id AS uid FROM roles r WHERE r.status = 'active' AND r.role IN ('student', 'teacher')
    UNION SELECT e.role, e.school_sourced_id, e.user_sourced_id FROM enrollments e WHERE e.status = 'active' AND e.role IN ('student', 'teacher')
) x JOIN users u ON u.sourced_id = x.uid;

-- classesOfTerm/TERM: the classes that list the term.
INSERT INTO list_members (list, sourced_id)
SELECT 'classesOfTerm/' || ct.term_sourced_id, ct.class_sourced_id FROM class_terms ct JOIN classes c ON c.sourced_id = ct.class_sourced_id;

DELETE FROM list_counts WHERE table_name >= 'users_by_role/' AND table_name < 'users_by_role0';
INSERT INTO list_counts (table_name, slot, n)
SELECT 'list_members/' || list, 0, COUNT(*) FROM list_members GROUP BY list;

-- Statistics for the planner now, not at the next autovacuum.
ANALYZE list_members;
