-- list_counts: how many rows an unfiltered list of each entity shows (its
-- X-Total-Count), and how many users hold each role ('users_by_role/…'),
-- kept in the database so that they are not counted per request: /results
-- counted 950,000 rows for every uncached page. Slot 0
-- holds the count the last import made of the table (sqlstore: recount);
-- slots 1 to 16 the changes REST writes made since, each adding to a slot
-- chosen at random so that concurrent writers do not queue on one row.
-- A table without a slot 0 is counted as before.
CREATE TABLE list_counts (
    table_name  TEXT COLLATE "C" NOT NULL,
    slot        INTEGER NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (table_name, slot)
);

-- The counts as they stand, so that no list waits for an import to have
-- them (the assessment tables are written by REST alone).
INSERT INTO list_counts (table_name, slot, n) SELECT 'orgs', 0, COUNT(*) FROM orgs;
INSERT INTO list_counts (table_name, slot, n) SELECT 'academic_sessions', 0, COUNT(*) FROM academic_sessions;
INSERT INTO list_counts (table_name, slot, n) SELECT 'courses', 0, COUNT(*) FROM courses;
INSERT INTO list_counts (table_name, slot, n) SELECT 'classes', 0, COUNT(*) FROM classes;
INSERT INTO list_counts (table_name, slot, n) SELECT 'users', 0, COUNT(*) FROM users;
INSERT INTO list_counts (table_name, slot, n) SELECT 'demographics', 0, COUNT(*) FROM demographics;
INSERT INTO list_counts (table_name, slot, n) SELECT 'enrollments', 0, COUNT(*) FROM enrollments;
INSERT INTO list_counts (table_name, slot, n) SELECT 'categories', 0, COUNT(*) FROM categories WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'line_items', 0, COUNT(*) FROM line_items WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'results', 0, COUNT(*) FROM results WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'score_scales', 0, COUNT(*) FROM score_scales WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'assessment_line_items', 0, COUNT(*) FROM assessment_line_items WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'assessment_results', 0, COUNT(*) FROM assessment_results WHERE status = 'active';
INSERT INTO list_counts (table_name, slot, n) SELECT 'resources', 0, COUNT(*) FROM resources;
-- And the users of each role, the totals of /students, /teachers and a
-- bare role filter (users_by_role, migration 0012).
INSERT INTO list_counts (table_name, slot, n) SELECT 'users_by_role/' || role, 0, COUNT(*) FROM users_by_role GROUP BY role;
