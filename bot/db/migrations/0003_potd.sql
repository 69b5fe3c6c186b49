-- Prompt of the day: per-server configuration, the monthly theme calendar, the daily posts (one
-- per server and local date, enforced by a unique key), the curation queue, members'
-- suggestions and their submissions.

CREATE TABLE potd_config (
    guild_id     INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL,
    post_time    TEXT    NOT NULL,                  -- 'HH:MM', the server's local time
    timezone     TEXT    NOT NULL,                  -- IANA name, validated with zoneinfo
    medium       TEXT    NOT NULL DEFAULT 'mixed'
                 CHECK (medium IN ('visual', 'writing', 'music', 'mixed')),
    themes       TEXT,
    paused       INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    active_since TEXT    NOT NULL,                  -- set up or resumed: no late post for before
    updated_by   INTEGER,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One word per day of the month (like Inktober). month 0 applies to every month without its own.
CREATE TABLE potd_calendar (
    guild_id     INTEGER NOT NULL,
    month        INTEGER NOT NULL CHECK (month BETWEEN 0 AND 12),
    words        TEXT    NOT NULL,                  -- JSON array of up to 31 words
    PRIMARY KEY (guild_id, month)
);

-- The day's post. 'pending' is written before anything is sent; send_started_at just before the
-- message goes out; 'posted' with its message id after. See bot/services/potd/service.py for how
-- a pending row left by a crash is reconciled without ever posting twice.
CREATE TABLE potd_posts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    local_date       TEXT    NOT NULL,              -- 'YYYY-MM-DD' in the server's timezone
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'posted', 'failed', 'unknown', 'missed')),
    source           TEXT    CHECK (source IN ('queue', 'suggestion', 'model', 'fallback')),
    title            TEXT,
    prompt           TEXT,
    twists           TEXT,                          -- JSON array
    tags             TEXT,                          -- JSON array
    medium           TEXT,
    calendar_word    TEXT,
    channel_id       INTEGER NOT NULL,
    message_id       INTEGER,
    thread_id        INTEGER,
    late             INTEGER NOT NULL DEFAULT 0,
    note             TEXT,
    claimed_at       TEXT    NOT NULL,
    send_started_at  TEXT,
    posted_at        TEXT,
    UNIQUE (guild_id, local_date)
);

CREATE INDEX potd_posts_recent ON potd_posts (guild_id, status, local_date);

-- Prompts admins wrote (or approved from suggestions, or kept from a preview): used first.
CREATE TABLE potd_queue (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('draft', 'queued', 'used', 'removed')),
    origin       TEXT    NOT NULL CHECK (origin IN ('admin', 'suggestion', 'preview')),
    title        TEXT    NOT NULL,
    prompt       TEXT    NOT NULL,
    twists       TEXT    NOT NULL DEFAULT '[]',
    tags         TEXT    NOT NULL DEFAULT '[]',
    author_id    INTEGER,
    added_by     INTEGER,
    used_post_id INTEGER REFERENCES potd_posts (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX potd_queue_next ON potd_queue (guild_id, status, id);

CREATE TABLE potd_suggestions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    prompt       TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewer_id  INTEGER,
    queue_id     INTEGER REFERENCES potd_queue (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    reviewed_at  TEXT
);

CREATE INDEX potd_suggestions_pending ON potd_suggestions (guild_id, status, id);
CREATE INDEX potd_suggestions_by_user ON potd_suggestions (guild_id, user_id);

-- One submission per member per post; streaks are computed from these rows.
CREATE TABLE potd_submissions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    post_id          INTEGER NOT NULL REFERENCES potd_posts (id) ON DELETE CASCADE,
    local_date       TEXT    NOT NULL,
    user_id          INTEGER NOT NULL,
    text             TEXT,
    attachment_name  TEXT,
    attachment_url   TEXT,
    message_id       INTEGER,
    created_at       TEXT    NOT NULL,
    UNIQUE (post_id, user_id)
);

CREATE INDEX potd_submissions_by_user ON potd_submissions (guild_id, user_id, local_date);
