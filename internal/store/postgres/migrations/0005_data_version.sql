-- A counter that every write transaction increments (imports, REST
-- writes). Readers cache derived values, such as the total of a
-- collection, under the version they saw; because the counter lives in
-- the database, every serve process sharing it sees every write.
CREATE TABLE data_version (
    id       INTEGER PRIMARY KEY,
    version  BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
