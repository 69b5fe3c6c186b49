"""The consent rules of the gallery, in one place.

- A story shows once it has ended; its segments keep the story's own credit rules (a member's
  name as they wrote it, "a former member" after an erasure, AI-written turns labelled).
- A prompt submission, a lyric draft or a palette shows only while its author shares it.
- Outside stories, a work names its author only when that author opted in to a member page;
  otherwise it says "a member". A member page exists only for members who opted in.
- Nothing is cached: every page reads the database, so a work made private or erased is gone
  from the next page load.
"""

from __future__ import annotations

import re

from bot.services.story.book import credit_for
from bot.services.story.types import SegmentRecord
from bot.services.text import printable

__all__ = ["ANONYMOUS", "MONTH_PATTERN", "author_credit", "segment_credit", "valid_month"]

ANONYMOUS = "a member"
"""How a shared work is credited when its author has no member page."""

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def author_credit(name: str | None) -> str:
    """The name a shared work (not a story segment) is credited to."""
    if name is None:
        return ANONYMOUS
    return " ".join(printable(name, multiline=False).split()) or ANONYMOUS


def segment_credit(segment: SegmentRecord) -> str:
    """A story segment's credit, as the story's book prints it."""
    return credit_for(segment)


def valid_month(text: str) -> bool:
    """'YYYY-MM' exactly (fullmatch of a fixed-width pattern: linear time)."""
    return len(text) == 7 and MONTH_PATTERN.fullmatch(text) is not None
