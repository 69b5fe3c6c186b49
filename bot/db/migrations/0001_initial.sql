-- Foundation: guild settings, members with their consent, and a key-value store for bot state.

CREATE TABLE guild_settings (
    guild_id    INTEGER PRIMARY KEY,
    medium      TEXT    NOT NULL DEFAULT 'mixed'
                CHECK (medium IN ('visual', 'writing', 'music', 'mixed')),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per member per server. Nothing is learned about a member until consent = 1.
CREATE TABLE members (
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    consent           INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    consent_at        TEXT,
    personalise       INTEGER NOT NULL DEFAULT 1 CHECK (personalise IN (0, 1)),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, user_id)
);

CREATE INDEX members_by_user ON members (user_id);

CREATE TABLE bot_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
