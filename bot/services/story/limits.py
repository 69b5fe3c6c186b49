"""The limits of a story's options: the service checks them, the cog's option ranges show them."""

from __future__ import annotations

__all__ = [
    "CANON_DESCRIPTION_LIMIT",
    "CANON_ENTRIES_LIMIT",
    "CANON_NAME_LIMIT",
    "CANON_TRIGGERS_LIMIT",
    "CANON_TRIGGERS_OPTION_LIMIT",
    "CANON_TRIGGER_LIMIT",
    "GENRE_LIMIT",
    "OPENING_LIMIT",
    "PAGE_CHARS",
    "SEGMENT_LIMIT",
    "STORY_REF_LIMIT",
    "TITLE_LIMIT",
]

TITLE_LIMIT = 80
GENRE_LIMIT = 40
OPENING_LIMIT = 1000
SEGMENT_LIMIT = 4000
#: The `story` option: an id from autocomplete or a title, so no longer than a title.
STORY_REF_LIMIT = TITLE_LIMIT
#: Characters of text on one page of /story show.
PAGE_CHARS = 3500

#: A canon entry: its name, its description, and its trigger words (how many, how long each,
#: and the comma-separated option they are typed in).
CANON_NAME_LIMIT = 60
CANON_DESCRIPTION_LIMIT = 400
CANON_TRIGGERS_LIMIT = 8
CANON_TRIGGER_LIMIT = 40
CANON_TRIGGERS_OPTION_LIMIT = 300
#: Entries in one story's canon.
CANON_ENTRIES_LIMIT = 50
