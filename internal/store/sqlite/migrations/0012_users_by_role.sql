-- users_by_role: the sourcedIds of the active users holding an active role
-- of each kind, one row per (role, user) however many orgs the role is
-- held at. /students, /teachers and filter=roles.role='…' read a page of
-- it in key order and count it over the key alone: cost in proportion to
-- the page, whatever share of the users holds the role. Reading users in
-- sourcedId order and probing roles for each walked every user sorted
-- before the first match (all 42,000 guardians before the first student
-- of a 50,000-student district). Rostering has no REST writes: the
-- import rebuilds it whenever it changes users or roles (Finish).
CREATE TABLE users_by_role (
    role        TEXT NOT NULL,
    sourced_id  TEXT NOT NULL,
    PRIMARY KEY (role, sourced_id)
) WITHOUT ROWID;

INSERT INTO users_by_role (role, sourced_id)
SELECT DISTINCT r.role, r.user_sourced_id FROM roles r JOIN users u ON u.sourced_id = r.user_sourced_id
WHERE r.status = 'active' AND u.status = 'active';
