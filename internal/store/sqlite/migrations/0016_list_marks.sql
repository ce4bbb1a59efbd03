-- list_marks: where the pages of each entity's unfiltered list start, in
-- sourcedId order, kept in the database like its total (list_counts), so
-- that a deep page does not walk the offset: the rows are cut into buckets
-- of about 1000, each named by the sourcedId of the last row before it
-- ('' for the first), with the rows it holds. The offset of a bucket's
-- first row is the sum of the buckets before it, so a page at any depth
-- starts from the bucket it falls in and skips fewer rows than a bucket
-- holds. Without them the first page at offset 382,000 after an import
-- walked 382,000 index entries (36 ms on SQLite, 250 ms on PostgreSQL,
-- against 2.5 ms for the first page), and a gradebook creation retired
-- every bookmark of /results. Each import cuts the buckets of the tables
-- it wrote again (sqlstore: keepMarks); each REST write that adds a row
-- to a list or takes one out adds to its bucket, in one of 16 slots
-- chosen at random like list_counts'.
CREATE TABLE list_marks (
    table_name  TEXT NOT NULL,
    after       TEXT NOT NULL,
    slot        INTEGER NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (table_name, after, slot)
) WITHOUT ROWID;

-- The buckets as the tables stand.
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'orgs', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM orgs t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'academic_sessions', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM academic_sessions t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'courses', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM courses t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'classes', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM classes t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'users', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM users t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'demographics', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM demographics t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'enrollments', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM enrollments t) x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'categories', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM categories t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'line_items', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM line_items t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'results', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM results t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'score_scales', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM score_scales t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'assessment_line_items', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM assessment_line_items t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'assessment_results', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM assessment_results t WHERE t.status = 'active') x
    GROUP BY x.b) y;
INSERT INTO list_marks (table_name, after, slot, n)
SELECT 'resources', COALESCE(LAG(y.last) OVER (ORDER BY y.b), ''), 0, y.cnt FROM (
    SELECT x.b, COUNT(*) AS cnt, MAX(x.sourced_id) AS last FROM (
        SELECT t.sourced_id, (ROW_NUMBER() OVER (ORDER BY t.sourced_id) - 1) / 1000 AS b FROM resources t) x
    GROUP BY x.b) y;
