"""Prompts for story chains, bounded so that a story of any length fits the model's context.

Every prompt is made of our instructions plus, in marked slots, the running summary (at most
``SUMMARY_CHARS``) and the latest passages (at most ``RECENT_CHARS`` in all, the newest kept).
Nothing grows with the story, so the 300th recap costs what the 3rd did.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models import ChatMessage
from models.prompts import build_messages, user_slot

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


def _story_slots(story: StoryRecord, recent: Sequence[SegmentRecord]) -> dict[str, str]:
    slots = {"Title": story.title[:100], "Genre": story.genre[:60]}
    if story.summary:
        slots["Summary of the story so far"] = story.summary[:SUMMARY_CHARS]
    passages = recent_text(recent)
    if passages:
        slots["Latest passages"] = passages
    return slots


def recap_messages(story: StoryRecord, recent: Sequence[SegmentRecord]) -> list[ChatMessage]:
    task = (
        "Several people are writing a story together, taking turns. Write a short "
        '"Previously…" recap for the next writer: two or three sentences, under 60 words, '
        "about what has happened so far and where the latest passage left off. Answer with the "
        "recap only."
    )
    return build_messages(task, _story_slots(story, recent))


def segment_messages(
    story: StoryRecord,
    recent: Sequence[SegmentRecord],
    *,
    words: int,
    style_brief: str | None = None,
) -> list[ChatMessage]:
    opening = not recent and not story.summary
    what = "Begin the story" if opening else "Continue the story from where it left off"
    task = (
        f"Several people are writing a {story.genre[:60]} story together, taking turns, and it "
        f"is your turn. {what} with the next passage: at most {words} words, in the same tense "
        "and voice, moving the plot forward a little. Do not repeat earlier passages and do not "
        "end the story. Answer with the passage only: no title, no preface."
    )
    extra = ""
    if style_brief:
        extra = "Write this passage in the style of the member you stand in for: " + user_slot(
            style_brief
        )
    return build_messages(task, _story_slots(story, recent), system_extra=extra)


def summary_messages(
    story: StoryRecord, new_segments: Sequence[SegmentRecord]
) -> list[ChatMessage]:
    task = (
        "Update the running summary of a story that several people write in turns: fold the new "
        "passages into the summary so far. Keep the main characters, places and events, in "
        "order, in under 150 words. Answer with the updated summary only."
    )
    slots = {"Title": story.title[:100]}
    if story.summary:
        slots["Summary so far"] = story.summary[:SUMMARY_CHARS]
    slots["New passages"] = recent_text(new_segments, NEW_PASSAGES_CHARS)
    return build_messages(task, slots)
