-- A story's language (a Discord locale such as 'en-US' or 'zh-CN'): the language Muse writes
-- its turns in and the book exports declare (the EPUB's lang, and CJK typesetting for Chinese).
-- Stories begun before this migration were all English.
ALTER TABLE stories ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CHECK (length(language) BETWEEN 2 AND 16);
