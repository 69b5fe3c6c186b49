-- Lyric studio (/lyrics): drafts made by /lyrics draft. Every draft is stored as soon as it is
-- made, so its buttons (regenerate a section, rewrite a line, save) keep working after a restart;
-- unsaved drafts are pruned after a few days. Saved drafts are listed by /lyrics drafts, and
-- those their author marked public may be listed by /discover.
CREATE TABLE lyrics_drafts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    spec         TEXT    NOT NULL,   -- JSON: topic, genre, mood, song order and each part's rules
    lines        TEXT    NOT NULL,   -- JSON: {part key: [line, ...]}
    saved        INTEGER NOT NULL DEFAULT 0 CHECK (saved IN (0, 1)),
    public       INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    saved_at     TEXT,
    CHECK (public = 0 OR saved = 1)
);

CREATE INDEX lyrics_drafts_by_member ON lyrics_drafts (guild_id, user_id, saved, updated_at);
CREATE INDEX lyrics_drafts_public ON lyrics_drafts (guild_id, updated_at) WHERE public = 1;
CREATE INDEX lyrics_drafts_unsaved ON lyrics_drafts (created_at) WHERE saved = 0;
