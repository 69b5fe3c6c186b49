-- The outbox: every message Muse means to publish, written in the same transaction as the change
-- that causes it, then delivered by a worker that retries until Discord confirms it.
--
-- payload: what to publish, as JSON the feature's renderer understands (ids, not text).
-- parts:   the rendered messages (JSON), fixed at the first attempt so that a retry sends the same
--          content with the same nonces, and a look-up after a crash can recognise it.
-- nonce:   the base of each part's Discord nonce ("<nonce>.<part>"), sent with enforce_nonce.

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    dedupe_key       TEXT    UNIQUE,            -- the same intent recorded twice is one item
    nonce            TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (status IN ('pending', 'done', 'failed', 'dropped')),
    parts            TEXT,                      -- NULL until rendered
    parts_sent       INTEGER NOT NULL DEFAULT 0,
    message_ids      TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    first_attempt_at REAL,                      -- Unix time of the first send: the look-up's `after`
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    done_at          TEXT
);

CREATE INDEX outbox_pending ON outbox (status, channel_id, id);

-- Work an older version left for its next start: unposted segments and unsent turn pings.
INSERT INTO outbox (guild_id, channel_id, kind, payload, dedupe_key, nonce, created_at)
SELECT s.guild_id, s.thread_id, 'story.segment',
       json_object('story_id', s.id, 'segment_id', g.id),
       'story:' || s.id || ':segment:' || g.id, lower(hex(randomblob(8))), g.created_at
FROM story_segments g JOIN stories s ON s.id = g.story_id
WHERE g.posted = 0
ORDER BY g.id;

UPDATE story_segments SET posted = 1 WHERE posted = 0;

INSERT INTO outbox (guild_id, channel_id, kind, payload, dedupe_key, nonce, created_at)
SELECT guild_id, thread_id, 'story.turn',
       json_object('story_id', id, 'turn_seq', turn_seq, 'user_id', current_user_id),
       'story:' || id || ':turn:' || turn_seq, lower(hex(randomblob(8))), created_at
FROM stories
WHERE status = 'open' AND current_user_id IS NOT NULL AND current_user_id != 0
  AND pinged_turn_seq < turn_seq;

UPDATE stories SET pinged_turn_seq = turn_seq
WHERE status = 'open' AND current_user_id IS NOT NULL AND pinged_turn_seq < turn_seq;
