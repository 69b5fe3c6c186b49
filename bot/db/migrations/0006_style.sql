-- Style memory: a member's explicit profile, learned traits, writing samples, contributions
-- waiting to be learned from, and the index of community works behind /discover.
-- Nothing here is written for a member before they opt in (members.consent = 1), except works
-- they published to the whole server (style_works), which every feature may index.
-- Times are ISO-8601 UTC strings from the bot's injected clock, so decay is testable.

CREATE TABLE style_preferences (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    field       TEXT    NOT NULL CHECK (field IN ('media', 'genres', 'tone', 'themes', 'avoid')),
    value       TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, field)
);

-- Learned traits. ``confidence`` is the value as of ``last_seen``; it decays from there.
CREATE TABLE style_traits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('tone', 'imagery', 'theme', 'form', 'vocabulary')),
    value       TEXT    NOT NULL,
    confidence  REAL    NOT NULL CHECK (confidence > 0 AND confidence <= 1),
    hits        INTEGER NOT NULL DEFAULT 1 CHECK (hits >= 1),
    evidence    TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, kind, value)
);

CREATE TABLE style_samples (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE INDEX style_samples_by_member ON style_samples (guild_id, user_id);

-- Contributions of opted-in members waiting for the background learner (survives restarts).
CREATE TABLE style_pending (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE INDEX style_pending_by_member ON style_pending (guild_id, user_id);

-- Community works other features publish (finished stories, prompt submissions, public lyrics).
CREATE TABLE style_works (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('story', 'potd_submission', 'lyrics')),
    ref         TEXT    NOT NULL,
    author_id   INTEGER,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    url         TEXT,
    created_at  TEXT    NOT NULL,
    UNIQUE (guild_id, kind, ref)
);

CREATE INDEX style_works_by_author ON style_works (guild_id, author_id);

CREATE VIRTUAL TABLE style_works_fts USING fts5(
    title, body, content = 'style_works', content_rowid = 'id', tokenize = 'porter unicode61'
);

CREATE TRIGGER style_works_ai AFTER INSERT ON style_works BEGIN
    INSERT INTO style_works_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TRIGGER style_works_ad AFTER DELETE ON style_works BEGIN
    INSERT INTO style_works_fts (style_works_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;

CREATE TRIGGER style_works_au AFTER UPDATE OF title, body ON style_works BEGIN
    INSERT INTO style_works_fts (style_works_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO style_works_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
