-- Free writing (/write): each request and its result, so "regenerate" and "continue" buttons keep
-- working after a restart.
CREATE TABLE generations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER,
    channel_id   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('write', 'regenerate', 'continue')),
    form         TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    tone         TEXT,
    length       TEXT    NOT NULL,
    parent_id    INTEGER REFERENCES generations (id) ON DELETE SET NULL,
    text         TEXT,
    status       TEXT    NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'done', 'failed')),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at  TEXT
);

CREATE INDEX generations_by_user ON generations (guild_id, user_id);
