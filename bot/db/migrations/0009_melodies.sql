-- Song studio (/lyrics melody): every melody Muse composes, stored with the lyric it set, its
-- parameters, seed and shape, so its buttons (another melody, transpose, tempo) keep working
-- after a restart and the same melody can be composed again. A saved lyric draft keeps its one
-- melody (the row goes when the draft does); a melody of pasted lines has no draft.
CREATE TABLE melodies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    draft_id    INTEGER REFERENCES lyrics_drafts (id) ON DELETE CASCADE,
    title       TEXT    NOT NULL,
    sections    TEXT    NOT NULL,   -- JSON: [{"label": ..., "lines": [...]}, ...] in singing order
    params      TEXT    NOT NULL,   -- JSON: key, mode, tempo, voice, low, high, progression, mood
    seed        INTEGER NOT NULL,
    proposal    TEXT    NOT NULL,   -- JSON: contour, feel, climax, chorus_lift, source
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE UNIQUE INDEX melodies_by_draft ON melodies (draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX melodies_by_member ON melodies (guild_id, user_id);
CREATE INDEX melodies_loose ON melodies (updated_at) WHERE draft_id IS NULL;
