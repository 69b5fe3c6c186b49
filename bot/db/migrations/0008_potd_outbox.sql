-- The prompt of the day's post goes through the outbox (kind 'potd.post'): the item is written in
-- the same transaction as potd_posts.send_started_at, and its "delivered" hook marks the row
-- posted and opens the submissions thread.
--
-- A post an older version began sending and never confirmed becomes an item that has had one
-- attempt, from its send time on: the worker first looks for it in the channel (by the embed's
-- title and dated footer) and only posts it when it is not there.

INSERT INTO outbox (guild_id, channel_id, kind, payload, dedupe_key, nonce, attempts,
                    first_attempt_at, created_at)
SELECT guild_id, channel_id, 'potd.post', json_object('post_id', id), 'potd.post:' || id,
       lower(hex(randomblob(8))), 1, (julianday(send_started_at) - 2440587.5) * 86400.0,
       send_started_at
FROM potd_posts
WHERE status = 'pending' AND send_started_at IS NOT NULL AND title IS NOT NULL
  AND prompt IS NOT NULL
ORDER BY id;
