-- Writing sprints ("word wars"): a timed burst of writing in a channel, with a leaderboard.
--
-- A sprint's phase follows from its times: waiting before starts_at, running until ends_at, a
-- grace period for final word counts until closes_at. `stage` records what has been announced
-- (each announcement is written to the outbox in the same transaction as the stage change):
--   scheduled -> running (start announced) -> grace (end announced) -> ended (leaderboard posted)
--   or cancelled (ended before it began).

CREATE TABLE sprints (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    starter_id       INTEGER,                  -- NULL once the starter's data is erased
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    goal_words       INTEGER,
    prompt_title     TEXT,
    prompt_text      TEXT,
    stage            TEXT    NOT NULL DEFAULT 'scheduled'
                             CHECK (stage IN ('scheduled', 'running', 'grace', 'ended', 'cancelled')),
    created_at       TEXT    NOT NULL,
    starts_at        TEXT    NOT NULL,
    ends_at          TEXT    NOT NULL,
    closes_at        TEXT    NOT NULL,
    ended_early      INTEGER NOT NULL DEFAULT 0,
    ended_at         TEXT
);

-- One sprint waiting, running or in its grace period per channel.
CREATE UNIQUE INDEX sprints_live_channel ON sprints (channel_id)
    WHERE stage IN ('scheduled', 'running', 'grace');
CREATE INDEX sprints_guild_stage ON sprints (guild_id, stage);

CREATE TABLE sprint_participants (
    sprint_id    INTEGER NOT NULL REFERENCES sprints (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL,
    start_words  INTEGER NOT NULL DEFAULT 0 CHECK (start_words >= 0),
    words        INTEGER CHECK (words >= 0),  -- written during the sprint; NULL until reported
    wpm          REAL,                         -- fixed when the leaderboard is posted
    joined_at    TEXT    NOT NULL,
    reported_at  TEXT,
    PRIMARY KEY (sprint_id, user_id)
);

CREATE INDEX sprint_participants_user ON sprint_participants (user_id);
