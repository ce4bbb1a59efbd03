-- Rostering tables. Each table mirrors one file of the OneRoster 1.2.1 CSV
-- binding, one column per CSV column (camelCase -> snake_case), so that
-- import, export and delta are straight mappings. Blank CSV values are
-- stored as '' (text) or NULL (numbers). Bookkeeping columns:
--   content_hash  hash of the row's content, status and dateLastModified
--                 excluded, to tell updated from unchanged rows on import;
--   import_id     the import that last changed the row (0 for REST writes).
-- date_last_modified is always YYYY-MM-DDTHH:MM:SS.sssZ, so text order is
-- time order on every engine.

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL DEFAULT '',
    report        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE orgs (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    type                TEXT NOT NULL DEFAULT '',
    identifier          TEXT NOT NULL DEFAULT '',
    parent_sourced_id   TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orgs_parent ON orgs (parent_sourced_id);
CREATE INDEX orgs_type ON orgs (type, sourced_id);
CREATE INDEX orgs_dlm ON orgs (date_last_modified);

CREATE TABLE academic_sessions (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    title               TEXT NOT NULL DEFAULT '',
    type                TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL DEFAULT '',
    end_date            TEXT NOT NULL DEFAULT '',
    parent_sourced_id   TEXT NOT NULL DEFAULT '',
    school_year         TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX academic_sessions_parent ON academic_sessions (parent_sourced_id);
CREATE INDEX academic_sessions_type ON academic_sessions (type, sourced_id);
CREATE INDEX academic_sessions_dlm ON academic_sessions (date_last_modified);

CREATE TABLE courses (
    sourced_id              TEXT PRIMARY KEY,
    status                  TEXT NOT NULL,
    date_last_modified      TEXT NOT NULL,
    school_year_sourced_id  TEXT NOT NULL DEFAULT '',
    title                   TEXT NOT NULL DEFAULT '',
    course_code             TEXT NOT NULL DEFAULT '',
    grades                  TEXT NOT NULL DEFAULT '',
    org_sourced_id          TEXT NOT NULL DEFAULT '',
    subjects                TEXT NOT NULL DEFAULT '',
    subject_codes           TEXT NOT NULL DEFAULT '',
    metadata                TEXT NOT NULL DEFAULT '',
    content_hash            TEXT NOT NULL DEFAULT '',
    import_id               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX courses_org ON courses (org_sourced_id);
CREATE INDEX courses_dlm ON courses (date_last_modified);

CREATE TABLE classes (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    title               TEXT NOT NULL DEFAULT '',
    grades              TEXT NOT NULL DEFAULT '',
    course_sourced_id   TEXT NOT NULL DEFAULT '',
    class_code          TEXT NOT NULL DEFAULT '',
    class_type          TEXT NOT NULL DEFAULT '',
    location            TEXT NOT NULL DEFAULT '',
    school_sourced_id   TEXT NOT NULL DEFAULT '',
    term_sourced_ids    TEXT NOT NULL DEFAULT '',
    subjects            TEXT NOT NULL DEFAULT '',
    subject_codes       TEXT NOT NULL DEFAULT '',
    periods             TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX classes_course ON classes (course_sourced_id);
CREATE INDEX classes_school ON classes (school_sourced_id);
CREATE INDEX classes_dlm ON classes (date_last_modified);

-- class_terms explodes classes.term_sourced_ids so that classes of a term
-- and terms of a school are index lookups. The importer keeps it in step.
CREATE TABLE class_terms (
    class_sourced_id  TEXT NOT NULL,
    term_sourced_id   TEXT NOT NULL,
    PRIMARY KEY (class_sourced_id, term_sourced_id)
);
CREATE INDEX class_terms_term ON class_terms (term_sourced_id);

CREATE TABLE users (
    sourced_id              TEXT PRIMARY KEY,
    status                  TEXT NOT NULL,
    date_last_modified      TEXT NOT NULL,
    enabled_user            TEXT NOT NULL DEFAULT '',
    username                TEXT NOT NULL DEFAULT '',
    user_ids                TEXT NOT NULL DEFAULT '',
    given_name              TEXT NOT NULL DEFAULT '',
    family_name             TEXT NOT NULL DEFAULT '',
    middle_name             TEXT NOT NULL DEFAULT '',
    identifier              TEXT NOT NULL DEFAULT '',
    email                   TEXT NOT NULL DEFAULT '',
    sms                     TEXT NOT NULL DEFAULT '',
    phone                   TEXT NOT NULL DEFAULT '',
    agent_sourced_ids       TEXT NOT NULL DEFAULT '',
    grades                  TEXT NOT NULL DEFAULT '',
    password                TEXT NOT NULL DEFAULT '',
    user_master_identifier  TEXT NOT NULL DEFAULT '',
    preferred_given_name    TEXT NOT NULL DEFAULT '',
    preferred_middle_name   TEXT NOT NULL DEFAULT '',
    preferred_family_name   TEXT NOT NULL DEFAULT '',
    primary_org_sourced_id  TEXT NOT NULL DEFAULT '',
    pronouns                TEXT NOT NULL DEFAULT '',
    metadata                TEXT NOT NULL DEFAULT '',
    content_hash            TEXT NOT NULL DEFAULT '',
    import_id               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_dlm ON users (date_last_modified);

CREATE TABLE user_profiles (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    user_sourced_id     TEXT NOT NULL DEFAULT '',
    profile_type        TEXT NOT NULL DEFAULT '',
    vendor_id           TEXT NOT NULL DEFAULT '',
    application_id      TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    credential_type     TEXT NOT NULL DEFAULT '',
    username            TEXT NOT NULL DEFAULT '',
    password            TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX user_profiles_user ON user_profiles (user_sourced_id);

CREATE TABLE roles (
    sourced_id                TEXT PRIMARY KEY,
    status                    TEXT NOT NULL,
    date_last_modified        TEXT NOT NULL,
    user_sourced_id           TEXT NOT NULL DEFAULT '',
    role_type                 TEXT NOT NULL DEFAULT '',
    role                      TEXT NOT NULL DEFAULT '',
    begin_date                TEXT NOT NULL DEFAULT '',
    end_date                  TEXT NOT NULL DEFAULT '',
    org_sourced_id            TEXT NOT NULL DEFAULT '',
    user_profile_sourced_id   TEXT NOT NULL DEFAULT '',
    metadata                  TEXT NOT NULL DEFAULT '',
    content_hash              TEXT NOT NULL DEFAULT '',
    import_id                 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roles_user ON roles (user_sourced_id);
CREATE INDEX roles_org ON roles (org_sourced_id, role);
CREATE INDEX roles_role ON roles (role, user_sourced_id);

CREATE TABLE demographics (
    sourced_id                                TEXT PRIMARY KEY,
    status                                    TEXT NOT NULL,
    date_last_modified                        TEXT NOT NULL,
    birth_date                                TEXT NOT NULL DEFAULT '',
    sex                                       TEXT NOT NULL DEFAULT '',
    american_indian_or_alaska_native          TEXT NOT NULL DEFAULT '',
    asian                                     TEXT NOT NULL DEFAULT '',
    black_or_african_american                 TEXT NOT NULL DEFAULT '',
    native_hawaiian_or_other_pacific_islander TEXT NOT NULL DEFAULT '',
    white                                     TEXT NOT NULL DEFAULT '',
    demographic_race_two_or_more_races        TEXT NOT NULL DEFAULT '',
    hispanic_or_latino_ethnicity              TEXT NOT NULL DEFAULT '',
    country_of_birth_code                     TEXT NOT NULL DEFAULT '',
    state_of_birth_abbreviation               TEXT NOT NULL DEFAULT '',
    city_of_birth                             TEXT NOT NULL DEFAULT '',
    public_school_residence_status            TEXT NOT NULL DEFAULT '',
    metadata                                  TEXT NOT NULL DEFAULT '',
    content_hash                              TEXT NOT NULL DEFAULT '',
    import_id                                 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX demographics_dlm ON demographics (date_last_modified);

CREATE TABLE enrollments (
    sourced_id          TEXT PRIMARY KEY,
    status              TEXT NOT NULL,
    date_last_modified  TEXT NOT NULL,
    class_sourced_id    TEXT NOT NULL DEFAULT '',
    school_sourced_id   TEXT NOT NULL DEFAULT '',
    user_sourced_id     TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL DEFAULT '',
    "primary"           TEXT NOT NULL DEFAULT '',
    begin_date          TEXT NOT NULL DEFAULT '',
    end_date            TEXT NOT NULL DEFAULT '',
    metadata            TEXT NOT NULL DEFAULT '',
    content_hash        TEXT NOT NULL DEFAULT '',
    import_id           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX enrollments_class ON enrollments (class_sourced_id, role);
CREATE INDEX enrollments_user ON enrollments (user_sourced_id, role);
CREATE INDEX enrollments_school ON enrollments (school_sourced_id);
CREATE INDEX enrollments_dlm ON enrollments (date_last_modified);
