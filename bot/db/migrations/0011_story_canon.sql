-- Story canon (lorebook / world info): entries about a story's characters, places, objects,
-- rules and events that members add, and that Muse puts into its story prompts when their
-- name or a trigger word appears in the latest passages. An entry is credited to the member
-- who added it; erasing that member credits it to "a former member" (as their segments are).
--
-- "Human only" stories: no AI partner and no AI stand-in; the works index remembers it so
-- /discover can look for human-written works only.

CREATE TABLE story_canon (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('character', 'place', 'object', 'rule', 'event')),
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    triggers     TEXT    NOT NULL DEFAULT '',   -- one trigger word or phrase a line
    author_id    INTEGER,                       -- NULL once the author's data was erased
    author_name  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

-- Entries are named by what members type: one name per story, in any case.
CREATE UNIQUE INDEX story_canon_by_name ON story_canon (story_id, lower(name));
CREATE INDEX story_canon_by_author ON story_canon (author_id);

ALTER TABLE stories ADD COLUMN human_only INTEGER NOT NULL DEFAULT 0
    CHECK (human_only IN (0, 1));

ALTER TABLE style_works ADD COLUMN human_only INTEGER NOT NULL DEFAULT 0
    CHECK (human_only IN (0, 1));
