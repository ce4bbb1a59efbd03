-- Gradebook tables. As for rostering, each table mirrors a file of the
-- CSV binding; the two Assessment Results Profile tables have no CSV file
-- and mirror the JSON objects instead (learningObjectiveSet as JSON text).
-- Numbers are REAL; a blank value is NULL.

CREATE TABLE categories (
    sourced_id          TEXT COLLATE "C" PRIMARY KEY,
    status              TEXT COLLATE "C" NOT NULL,
    date_last_modified  TEXT COLLATE "C" NOT NULL,
    title               TEXT COLLATE "C" NOT NULL DEFAULT '',
    weight              DOUBLE PRECISION,
    metadata            TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash        TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX categories_dlm ON categories (date_last_modified);

CREATE TABLE line_items (
    sourced_id                   TEXT COLLATE "C" PRIMARY KEY,
    status                       TEXT COLLATE "C" NOT NULL,
    date_last_modified           TEXT COLLATE "C" NOT NULL,
    title                        TEXT COLLATE "C" NOT NULL DEFAULT '',
    description                  TEXT COLLATE "C" NOT NULL DEFAULT '',
    assign_date                  TEXT COLLATE "C" NOT NULL DEFAULT '',
    due_date                     TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id             TEXT COLLATE "C" NOT NULL DEFAULT '',
    category_sourced_id          TEXT COLLATE "C" NOT NULL DEFAULT '',
    academic_session_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    result_value_min             DOUBLE PRECISION,
    result_value_max             DOUBLE PRECISION,
    school_sourced_id            TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata                     TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash                 TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id                    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX line_items_class ON line_items (class_sourced_id);
CREATE INDEX line_items_school ON line_items (school_sourced_id);
CREATE INDEX line_items_dlm ON line_items (date_last_modified);

CREATE TABLE results (
    sourced_id            TEXT COLLATE "C" PRIMARY KEY,
    status                TEXT COLLATE "C" NOT NULL,
    date_last_modified    TEXT COLLATE "C" NOT NULL,
    line_item_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    student_sourced_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_status          TEXT COLLATE "C" NOT NULL DEFAULT '',
    score                 DOUBLE PRECISION,
    score_date            TEXT COLLATE "C" NOT NULL DEFAULT '',
    comment               TEXT COLLATE "C" NOT NULL DEFAULT '',
    text_score            TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    in_progress           TEXT COLLATE "C" NOT NULL DEFAULT '',
    incomplete            TEXT COLLATE "C" NOT NULL DEFAULT '',
    late                  TEXT COLLATE "C" NOT NULL DEFAULT '',
    missing               TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata              TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash          TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id             BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX results_line_item ON results (line_item_sourced_id);
CREATE INDEX results_student ON results (student_sourced_id);
CREATE INDEX results_class ON results (class_sourced_id);
CREATE INDEX results_dlm ON results (date_last_modified);

CREATE TABLE score_scales (
    sourced_id          TEXT COLLATE "C" PRIMARY KEY,
    status              TEXT COLLATE "C" NOT NULL,
    date_last_modified  TEXT COLLATE "C" NOT NULL,
    title               TEXT COLLATE "C" NOT NULL DEFAULT '',
    type                TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_sourced_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    course_sourced_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_scale_value   TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata            TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash        TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX score_scales_class ON score_scales (class_sourced_id);
CREATE INDEX score_scales_org ON score_scales (org_sourced_id);
CREATE INDEX score_scales_dlm ON score_scales (date_last_modified);

CREATE TABLE line_item_score_scales (
    sourced_id              TEXT COLLATE "C" PRIMARY KEY,
    status                  TEXT COLLATE "C" NOT NULL,
    date_last_modified      TEXT COLLATE "C" NOT NULL,
    title                   TEXT COLLATE "C" NOT NULL DEFAULT '',
    line_item_sourced_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_scale_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata                TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash            TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id               BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX line_item_score_scales_li ON line_item_score_scales (line_item_sourced_id);

CREATE TABLE result_score_scales (
    sourced_id              TEXT COLLATE "C" PRIMARY KEY,
    status                  TEXT COLLATE "C" NOT NULL,
    date_last_modified      TEXT COLLATE "C" NOT NULL,
    title                   TEXT COLLATE "C" NOT NULL DEFAULT '',
    result_sourced_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_scale_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata                TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash            TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id               BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX result_score_scales_result ON result_score_scales (result_sourced_id);

CREATE TABLE line_item_learning_objective_ids (
    sourced_id             TEXT COLLATE "C" PRIMARY KEY,
    status                 TEXT COLLATE "C" NOT NULL,
    date_last_modified     TEXT COLLATE "C" NOT NULL,
    line_item_sourced_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    source                 TEXT COLLATE "C" NOT NULL DEFAULT '',
    learning_objective_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata               TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash           TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id              BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX line_item_lo_li ON line_item_learning_objective_ids (line_item_sourced_id);

CREATE TABLE result_learning_objective_ids (
    sourced_id             TEXT COLLATE "C" PRIMARY KEY,
    status                 TEXT COLLATE "C" NOT NULL,
    date_last_modified     TEXT COLLATE "C" NOT NULL,
    result_sourced_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    source                 TEXT COLLATE "C" NOT NULL DEFAULT '',
    learning_objective_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    score                  DOUBLE PRECISION,
    text_score             TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata               TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash           TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id              BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX result_lo_result ON result_learning_objective_ids (result_sourced_id);

CREATE TABLE assessment_line_items (
    sourced_id                               TEXT COLLATE "C" PRIMARY KEY,
    status                                   TEXT COLLATE "C" NOT NULL,
    date_last_modified                       TEXT COLLATE "C" NOT NULL,
    title                                    TEXT COLLATE "C" NOT NULL DEFAULT '',
    description                              TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id                         TEXT COLLATE "C" NOT NULL DEFAULT '',
    parent_assessment_line_item_sourced_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_scale_sourced_id                   TEXT COLLATE "C" NOT NULL DEFAULT '',
    result_value_min                         DOUBLE PRECISION,
    result_value_max                         DOUBLE PRECISION,
    learning_objective_set                   TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata                                 TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash                             TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id                                BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assessment_line_items_parent ON assessment_line_items (parent_assessment_line_item_sourced_id);
CREATE INDEX assessment_line_items_dlm ON assessment_line_items (date_last_modified);

CREATE TABLE assessment_results (
    sourced_id                       TEXT COLLATE "C" PRIMARY KEY,
    status                           TEXT COLLATE "C" NOT NULL,
    date_last_modified               TEXT COLLATE "C" NOT NULL,
    assessment_line_item_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    student_sourced_id               TEXT COLLATE "C" NOT NULL DEFAULT '',
    score                            DOUBLE PRECISION,
    text_score                       TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_date                       TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_scale_sourced_id           TEXT COLLATE "C" NOT NULL DEFAULT '',
    score_percentile                 DOUBLE PRECISION,
    score_status                     TEXT COLLATE "C" NOT NULL DEFAULT '',
    comment                          TEXT COLLATE "C" NOT NULL DEFAULT '',
    learning_objective_set           TEXT COLLATE "C" NOT NULL DEFAULT '',
    in_progress                      TEXT COLLATE "C" NOT NULL DEFAULT '',
    incomplete                       TEXT COLLATE "C" NOT NULL DEFAULT '',
    late                             TEXT COLLATE "C" NOT NULL DEFAULT '',
    missing                          TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata                         TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash                     TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id                        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assessment_results_ali ON assessment_results (assessment_line_item_sourced_id);
CREATE INDEX assessment_results_student ON assessment_results (student_sourced_id);
CREATE INDEX assessment_results_dlm ON assessment_results (date_last_modified);
