-- Gradebook tables. As for rostering, each table mirrors a file of the
-- CSV binding; the two Assessment Results Profile tables have no CSV file
-- and mirror the JSON objects instead (learningObjectiveSet as JSON text).
-- Numbers are REAL; a blank value is NULL.

CREATE TABLE categories (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    title               TEXT NOT NULL DEFAULT '',
    weight              REAL,
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX categories_dlm ON categories (date_last_modified);

CREATE TABLE line_items (
    sourced_id                   TEXT PRIMARY KEY,
    status                       TEXT NOT NULL,
    date_last_modified           TEXT NOT NULL,
    title                        TEXT NOT NULL DEFAULT '',
    description                  TEXT NOT NULL DEFAULT '',
    assign_date                  TEXT NOT NULL DEFAULT '',
    due_date                     TEXT NOT NULL DEFAULT '',
    class_sourced_id             TEXT NOT NULL DEFAULT '',
    category_sourced_id          TEXT NOT NULL DEFAULT '',
    academic_session_sourced_id  TEXT NOT NULL DEFAULT '',
    result_value_min             REAL,
    result_value_max             REAL,
    school_sourced_id            TEXT NOT NULL DEFAULT '',
    metadata                     TEXT NOT NULL DEFAULT '',
    content_hash                 TEXT NOT NULL DEFAULT '',
    import_id                    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX line_items_class ON line_items (class_sourced_id);
CREATE INDEX line_items_school ON line_items (school_sourced_id);
CREATE INDEX line_items_dlm ON line_items (date_last_modified);

CREATE TABLE results (
    sourced_id            TEXT PRIMARY KEY,
    status                TEXT NOT NULL,
    date_last_modified    TEXT NOT NULL,
    line_item_sourced_id  TEXT NOT NULL DEFAULT '',
    student_sourced_id    TEXT NOT NULL DEFAULT '',
    score_status          TEXT NOT NULL DEFAULT '',
    score                 REAL,
    score_date            TEXT NOT NULL DEFAULT '',
    comment               TEXT NOT NULL DEFAULT '',
    text_score            TEXT NOT NULL DEFAULT '',
    class_sourced_id      TEXT NOT NULL DEFAULT '',
    in_progress           TEXT NOT NULL DEFAULT '',
    incomplete            TEXT NOT NULL DEFAULT '',
    late                  TEXT NOT NULL DEFAULT '',
    missing               TEXT NOT NULL DEFAULT '',
    metadata              TEXT NOT NULL DEFAULT '',
    content_hash          TEXT NOT NULL DEFAULT '',
    import_id             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX results_line_item ON results (line_item_sourced_id);
CREATE INDEX results_student ON results (student_sourced_id);
CREATE INDEX results_class ON results (class_sourced_id);
CREATE INDEX results_dlm ON results (date_last_modified);

CREATE TABLE score_scales (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    title               TEXT NOT NULL DEFAULT '',
    type                TEXT NOT NULL DEFAULT '',
    org_sourced_id      TEXT NOT NULL DEFAULT '',
    course_sourced_id   TEXT NOT NULL DEFAULT '',
    class_sourced_id    TEXT NOT NULL DEFAULT '',
    score_scale_value   TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX score_scales_class ON score_scales (class_sourced_id);
CREATE INDEX score_scales_org ON score_scales (org_sourced_id);
CREATE INDEX score_scales_dlm ON score_scales (date_last_modified);

CREATE TABLE line_item_score_scales (
    sourced_id              TEXT PRIMARY KEY,
    status                  TEXT NOT NULL,
    date_last_modified      TEXT NOT NULL,
    title                   TEXT NOT NULL DEFAULT '',
    line_item_sourced_id    TEXT NOT NULL DEFAULT '',
    score_scale_sourced_id  TEXT NOT NULL DEFAULT '',
    metadata                TEXT NOT NULL DEFAULT '',
    content_hash            TEXT NOT NULL DEFAULT '',
    import_id               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX line_item_score_scales_li ON line_item_score_scales (line_item_sourced_id);

CREATE TABLE result_score_scales (
    sourced_id              TEXT PRIMARY KEY,
    status                  TEXT NOT NULL,
    date_last_modified      TEXT NOT NULL,
    title                   TEXT NOT NULL DEFAULT '',
    result_sourced_id       TEXT NOT NULL DEFAULT '',
    score_scale_sourced_id  TEXT NOT NULL DEFAULT '',
    metadata                TEXT NOT NULL DEFAULT '',
    content_hash            TEXT NOT NULL DEFAULT '',
    import_id               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX result_score_scales_result ON result_score_scales (result_sourced_id);

CREATE TABLE line_item_learning_objective_ids (
    sourced_id             TEXT PRIMARY KEY,
    status                 TEXT NOT NULL,
    date_last_modified     TEXT NOT NULL,
    line_item_sourced_id   TEXT NOT NULL DEFAULT '',
    source                 TEXT NOT NULL DEFAULT '',
    learning_objective_id  TEXT NOT NULL DEFAULT '',
    metadata               TEXT NOT NULL DEFAULT '',
    content_hash           TEXT NOT NULL DEFAULT '',
    import_id              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX line_item_lo_li ON line_item_learning_objective_ids (line_item_sourced_id);

CREATE TABLE result_learning_objective_ids (
    sourced_id             TEXT PRIMARY KEY,
    status                 TEXT NOT NULL,
    date_last_modified     TEXT NOT NULL,
    result_sourced_id      TEXT NOT NULL DEFAULT '',
    source                 TEXT NOT NULL DEFAULT '',
    learning_objective_id  TEXT NOT NULL DEFAULT '',
    score                  REAL,
    text_score             TEXT NOT NULL DEFAULT '',
    metadata               TEXT NOT NULL DEFAULT '',
    content_hash           TEXT NOT NULL DEFAULT '',
    import_id              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX result_lo_result ON result_learning_objective_ids (result_sourced_id);

CREATE TABLE assessment_line_items (
    sourced_id                               TEXT PRIMARY KEY,
    status                                   TEXT NOT NULL,
    date_last_modified                       TEXT NOT NULL,
    title                                    TEXT NOT NULL DEFAULT '',
    description                              TEXT NOT NULL DEFAULT '',
    class_sourced_id                         TEXT NOT NULL DEFAULT '',
    parent_assessment_line_item_sourced_id   TEXT NOT NULL DEFAULT '',
    score_scale_sourced_id                   TEXT NOT NULL DEFAULT '',
    result_value_min                         REAL,
    result_value_max                         REAL,
    learning_objective_set                   TEXT NOT NULL DEFAULT '',
    metadata                                 TEXT NOT NULL DEFAULT '',
    content_hash                             TEXT NOT NULL DEFAULT '',
    import_id                                INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assessment_line_items_parent ON assessment_line_items (parent_assessment_line_item_sourced_id);
CREATE INDEX assessment_line_items_dlm ON assessment_line_items (date_last_modified);

CREATE TABLE assessment_results (
    sourced_id                       TEXT PRIMARY KEY,
    status                           TEXT NOT NULL,
    date_last_modified               TEXT NOT NULL,
    assessment_line_item_sourced_id  TEXT NOT NULL DEFAULT '',
    student_sourced_id               TEXT NOT NULL DEFAULT '',
    score                            REAL,
    text_score                       TEXT NOT NULL DEFAULT '',
    score_date                       TEXT NOT NULL DEFAULT '',
    score_scale_sourced_id           TEXT NOT NULL DEFAULT '',
    score_percentile                 REAL,
    score_status                     TEXT NOT NULL DEFAULT '',
    comment                          TEXT NOT NULL DEFAULT '',
    learning_objective_set           TEXT NOT NULL DEFAULT '',
    in_progress                      TEXT NOT NULL DEFAULT '',
    incomplete                       TEXT NOT NULL DEFAULT '',
    late                             TEXT NOT NULL DEFAULT '',
    missing                          TEXT NOT NULL DEFAULT '',
    metadata                         TEXT NOT NULL DEFAULT '',
    content_hash                     TEXT NOT NULL DEFAULT '',
    import_id                        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assessment_results_ali ON assessment_results (assessment_line_item_sourced_id);
CREATE INDEX assessment_results_student ON assessment_results (student_sourced_id);
CREATE INDEX assessment_results_dlm ON assessment_results (date_last_modified);
