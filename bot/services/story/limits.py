"""The limits of a story's options: the service checks them, the cog's option ranges show them."""

from __future__ import annotations

__all__ = [
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
