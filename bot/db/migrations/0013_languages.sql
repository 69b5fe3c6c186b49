-- The languages Muse answers in: a member's own choice (/muse language), which holds in every
-- server as Discord's own language setting does, and a server's default for its scheduled posts
-- and for members whose client language Muse does not speak (/muse server-language).
-- No row means "not chosen": the next rule of the resolution order applies.

CREATE TABLE member_languages (
    user_id     INTEGER PRIMARY KEY,
    locale      TEXT    NOT NULL CHECK (length(locale) BETWEEN 2 AND 16),
    updated_at  TEXT    NOT NULL
);

ALTER TABLE guild_settings ADD COLUMN locale TEXT CHECK (locale IS NULL OR length(locale) BETWEEN 2 AND 16);
