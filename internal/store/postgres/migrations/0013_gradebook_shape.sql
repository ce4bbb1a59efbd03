-- Slots 33 to 48 of the data version count the gradebook writes that can
-- move a row within a list (an object created, revived or deleted, or its
-- status changed), not those that rewrite an object in place (a new
-- score). The totals and deep-page bookmarks of lists whose membership
-- and order depend on nothing a write can change in place (a gradebook
-- collection without filter, in sourcedId order) are kept under slots 1
-- to 16 and these (sqlstore.DB.shapeVersion): a day of grade updates
-- leaves them valid. Every other read still sums all 48.
INSERT INTO data_version (id, version) VALUES
    (33, 0), (34, 0), (35, 0), (36, 0), (37, 0), (38, 0), (39, 0), (40, 0),
    (41, 0), (42, 0), (43, 0), (44, 0), (45, 0), (46, 0), (47, 0), (48, 0);
