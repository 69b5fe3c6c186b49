"""Prompts for story chains, bounded so that a story of any length fits the model's context.

Every prompt is made of our instructions plus, in marked slots, the running summary (at most
``SUMMARY_CHARS``) and the latest passages (at most ``RECENT_CHARS`` in all, the newest kept).
Nothing grows with the story, so the 300th recap costs what the 3rd did. The story's canon
(:mod:`.canon`) comes in a slot of its own; up to ``CANON_BASE_CHARS`` of it takes the place of
passages, so the bound holds with a canon too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.services.prompts import phrase, prompt_messages
from models import ChatMessage

from .canon import CANON_BASE_CHARS
from .types import SegmentRecord, StoryRecord

__all__ = [
    "PASSAGE_MAX_TOKENS",
    "PROMPT_CHARS_LIMIT",
    "RECAP_CHARS",
    "RECENT_CHARS",
    "SUMMARY_CHARS",
    "clip_words",
    "recap_messages",
    "recent_text",
    "segment_messages",
    "summary_messages",
    "tidy",
]

SUMMARY_CHARS = 1000  # the running summary, as stored and as put into prompts
RECENT_CHARS = 1700  # the latest passages put into a prompt, in all
NEW_PASSAGES_CHARS = 2400  # passages folded into the summary in one update
RECAP_CHARS = 450  # the "previously…" shown to the next writer
BRIEF_CHARS = 300  # a member's style brief, for a stand-in passage
PASSAGE_MAX_TOKENS = 320  # the longest answer any story prompt asks for (an AI passage)
# Upper bound of any story prompt (system + task + slots). At a pessimistic 2.5 characters a
# token that is under 2,000 tokens: it fits a 2,048-token context with room for the answer.
PROMPT_CHARS_LIMIT = 4800

_MARKERS = re.compile(r"<<<|>>>")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]»”’]*(?=\s|$)")


def tidy(text: str, limit: int) -> str:
    """Model output made safe to show: markers gone, spaces tidied, cut at a sentence end
    within ``limit`` characters when there is one."""
    cleaned = _MARKERS.sub("", text).replace("\r", "")
    cleaned = re.sub(r"[ \t]+", " ", cleaned)
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    if len(cleaned) <= limit:
        return cleaned
    window = cleaned[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] > limit // 3:
        return window[: ends[-1]].strip()
    return window.rsplit(" ", 1)[0].rstrip(",;:-") + "…"


def clip_words(text: str, limit: int) -> str:
    """At most ``limit`` words, ending at a sentence end when one is near."""
    words = text.split(" ")
    if len(text.split()) <= limit:
        return text
    kept: list[str] = []
    count = 0
    for word in words:
        count += len(word.split())
        if count > limit:
            break
        kept.append(word)
    clipped = " ".join(kept).rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(clipped)]
    if ends and ends[-1] > len(clipped) // 2:
        return clipped[: ends[-1]]
    return clipped.rstrip(",;:-") + "…"


def _clip_head(text: str, limit: int) -> str:
    """The end of ``text`` (the part nearest what comes next), at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1) :].lstrip()


def recent_text(segments: Sequence[SegmentRecord], limit: int = RECENT_CHARS) -> str:
    """The newest passages, oldest first, at most ``limit`` characters in all."""
    parts: list[str] = []
    used = 0
    for segment in reversed(segments):
        room = limit - used - 2
        if room < 40:
            break
        text = _clip_head(segment.text, room)
        parts.append(text)
        used += len(text) + 2
    return "\n\n".join(reversed(parts))


def _story_slots(
    story: StoryRecord, recent: Sequence[SegmentRecord], canon: str | None
) -> dict[str, str | None]:
    room = RECENT_CHARS - min(len(canon or ""), CANON_BASE_CHARS)
    return {
        "title": story.title[:100],
        "genre": story.genre[:60],
        "summary": story.summary[:SUMMARY_CHARS] if story.summary else None,
        "canon": canon or None,
        "passages": recent_text(recent, room),
    }


def recap_messages(
    story: StoryRecord, recent: Sequence[SegmentRecord], *, canon: str | None = None
) -> list[ChatMessage]:
    return prompt_messages("story_recap", slots=_story_slots(story, recent, canon))


def segment_messages(
    story: StoryRecord,
    recent: Sequence[SegmentRecord],
    *,
    words: int,
    style_brief: str | None = None,
    canon: str | None = None,
) -> list[ChatMessage]:
    opening = not recent and not story.summary
    what = phrase("story.begin") if opening else phrase("story.continue")
    return prompt_messages(
        "story_segment",
        fields={"genre": story.genre[:60], "what": what, "words": words},
        slots=_story_slots(story, recent, canon),
        system_slots={"stand_in": style_brief},
    )


def summary_messages(
    story: StoryRecord, new_segments: Sequence[SegmentRecord]
) -> list[ChatMessage]:
    slots = {
        "title": story.title[:100],
        "summary": story.summary[:SUMMARY_CHARS] if story.summary else None,
        "passages": recent_text(new_segments, NEW_PASSAGES_CHARS),
    }
    return prompt_messages("story_summary", slots=slots)
