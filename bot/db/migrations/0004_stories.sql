-- Story chains (/story): round-robin stories written in turns in a thread each, with deadlines,
-- an optional AI partner in the rotation, a running summary for recaps, and compiled books.

CREATE TABLE stories (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    thread_id         INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    genre             TEXT    NOT NULL,
    starter_id        INTEGER,                  -- NULL once the starter's data was erased
    turn_seconds      INTEGER NOT NULL CHECK (turn_seconds > 0),
    word_limit        INTEGER NOT NULL CHECK (word_limit > 0),
    max_rounds        INTEGER CHECK (max_rounds IS NULL OR max_rounds > 0),
    max_participants  INTEGER CHECK (max_participants IS NULL OR max_participants > 0),
    ai_partner        INTEGER NOT NULL DEFAULT 0 CHECK (ai_partner IN (0, 1)),
    shuffle           INTEGER NOT NULL DEFAULT 0 CHECK (shuffle IN (0, 1)),
    status            TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'ended')),
    round             INTEGER NOT NULL DEFAULT 1,
    -- Every change of turn increments turn_seq: deadline jobs carry it, so a stale job does nothing.
    turn_seq          INTEGER NOT NULL DEFAULT 1,
    current_user_id   INTEGER,                  -- NULL: waiting for writers; 0: the AI partner
    turn_position     REAL,                     -- rotation position of the current (or last) turn
    turn_started_at   TEXT,
    turn_deadline     TEXT,
    paused_at         TEXT,
    reminders_sent    INTEGER NOT NULL DEFAULT 0,  -- 0, 1 (half time) or 2 (90 %) this turn
    pinged_turn_seq   INTEGER NOT NULL DEFAULT 0,  -- the last turn whose writer was told
    summary           TEXT    NOT NULL DEFAULT '',
    summary_through   INTEGER NOT NULL DEFAULT 0,  -- segments folded into the summary
    created_at        TEXT    NOT NULL,
    ended_at          TEXT
);

-- Story names are what members type: unique among a server's running stories.
CREATE UNIQUE INDEX stories_running_title ON stories (guild_id, lower(title)) WHERE status != 'ended';
CREATE INDEX stories_by_guild ON stories (guild_id, status);
CREATE UNIQUE INDEX stories_by_thread ON stories (thread_id);

CREATE TABLE story_participants (
    story_id      INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,             -- 0: the AI partner
    display_name  TEXT    NOT NULL,
    position      REAL    NOT NULL,             -- rotation order (shuffled joins land in between)
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    skips_in_row  INTEGER NOT NULL DEFAULT 0,
    joined_at     TEXT    NOT NULL,
    left_at       TEXT,
    left_reason   TEXT CHECK (left_reason IS NULL OR left_reason IN ('left', 'kicked', 'missed')),
    PRIMARY KEY (story_id, user_id)
);

CREATE INDEX story_participants_by_user ON story_participants (user_id);

CREATE TABLE story_segments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id      INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    round         INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('member', 'ai', 'stand_in')),
    author_id     INTEGER,                      -- NULL: AI-written, or a former member
    author_name   TEXT    NOT NULL,             -- for stand-ins: the member the AI wrote for
    stand_in_for  INTEGER,
    text          TEXT    NOT NULL,
    words         INTEGER NOT NULL,
    posted        INTEGER NOT NULL DEFAULT 0 CHECK (posted IN (0, 1)),
    created_at    TEXT    NOT NULL,
    UNIQUE (story_id, seq)
);

CREATE INDEX story_segments_by_author ON story_segments (author_id);
