-- Gallery (/gallery): the community's works on the web, shown by consent.
--
-- Each server's gallery is off until an admin turns it on; its URL holds an unguessable token
-- that /gallery rotate replaces. Pages say noindex unless the admins made the gallery public.
CREATE TABLE gallery_config (
    guild_id    INTEGER PRIMARY KEY,
    enabled     INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    token       TEXT    NOT NULL UNIQUE,
    indexable   INTEGER NOT NULL DEFAULT 0 CHECK (indexable IN (0, 1)),
    updated_by  INTEGER,
    updated_at  TEXT    NOT NULL
);

-- A prompt-of-the-day submission appears in the gallery only when its author shared it
-- (/gallery share); every existing submission starts private.
ALTER TABLE potd_submissions ADD COLUMN shared INTEGER NOT NULL DEFAULT 0
    CHECK (shared IN (0, 1));

-- Palettes from /inspire that members saved (/inspire save:True). Saving is sharing; a member
-- makes one private again, or deletes it, with /gallery share.
CREATE TABLE gallery_palettes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    colours     TEXT    NOT NULL,                  -- JSON array of '#RRGGBB'
    shared      INTEGER NOT NULL DEFAULT 1 CHECK (shared IN (0, 1)),
    created_at  TEXT    NOT NULL
);

CREATE INDEX gallery_palettes_by_guild ON gallery_palettes (guild_id, shared, id);
CREATE INDEX gallery_palettes_by_member ON gallery_palettes (guild_id, user_id);

-- Members who opted in to a page of their own (/gallery profile): the name it shows. Works of
-- other members are credited "a member" outside stories (whose own credit rules apply).
CREATE TABLE gallery_members (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    display_name  TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
