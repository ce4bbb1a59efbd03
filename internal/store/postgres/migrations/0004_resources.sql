-- Resources service: resources and their allocations to classes, courses
-- and users, one table per CSV file.
CREATE TABLE resources (
    sourced_id          TEXT COLLATE "C" PRIMARY KEY,
    status              TEXT COLLATE "C" NOT NULL,
    date_last_modified  TEXT COLLATE "C" NOT NULL,
    vendor_resource_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    title               TEXT COLLATE "C" NOT NULL DEFAULT '',
    roles               TEXT COLLATE "C" NOT NULL DEFAULT '',
    importance          TEXT COLLATE "C" NOT NULL DEFAULT '',
    vendor_id           TEXT COLLATE "C" NOT NULL DEFAULT '',
    application_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata            TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash        TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX resources_dlm ON resources (date_last_modified);

CREATE TABLE class_resources (
    sourced_id           TEXT COLLATE "C" PRIMARY KEY,
    status               TEXT COLLATE "C" NOT NULL,
    date_last_modified   TEXT COLLATE "C" NOT NULL,
    title                TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    resource_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata             TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash         TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id            BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX class_resources_class ON class_resources (class_sourced_id);
CREATE INDEX class_resources_resource ON class_resources (resource_sourced_id);

CREATE TABLE course_resources (
    sourced_id           TEXT COLLATE "C" PRIMARY KEY,
    status               TEXT COLLATE "C" NOT NULL,
    date_last_modified   TEXT COLLATE "C" NOT NULL,
    title                TEXT COLLATE "C" NOT NULL DEFAULT '',
    course_sourced_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    resource_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata             TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash         TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id            BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX course_resources_course ON course_resources (course_sourced_id);
CREATE INDEX course_resources_resource ON course_resources (resource_sourced_id);

CREATE TABLE user_resources (
    sourced_id           TEXT COLLATE "C" PRIMARY KEY,
    status               TEXT COLLATE "C" NOT NULL,
    date_last_modified   TEXT COLLATE "C" NOT NULL,
    user_sourced_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_sourced_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    class_sourced_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    resource_sourced_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    metadata             TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_hash         TEXT COLLATE "C" NOT NULL DEFAULT '',
    import_id            BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX user_resources_user ON user_resources (user_sourced_id);
CREATE INDEX user_resources_resource ON user_resources (resource_sourced_id);
