"""Splitting long text into Discord-sized messages.

Split points are chosen, best first: a paragraph break, a line break, the end of a sentence, a
space, anywhere. A split never falls inside a fenced code block when a point outside one exists in
range; a code block longer than one message is closed at the end of a chunk and reopened (with its
language) at the start of the next, so every message renders on its own.
"""

from __future__ import annotations

import re

__all__ = ["CONTENT_LIMIT", "EMBED_DESCRIPTION_LIMIT", "split_text"]

CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096

# Discord opens a code block at any ``` (not only at the start of a line).
_FENCE = re.compile(r"```([A-Za-z0-9_+#.-]*\n)?")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]»”’]*\s+")


def _fence_state(text: str) -> str | None:
    """The language of the code block open at the end of ``text`` ("" for none given), or None."""
    open_lang: str | None = None
    for match in _FENCE.finditer(text):
        open_lang = (match.group(1) or "").strip() if open_lang is None else None
    return open_lang


def _candidates(window: str) -> list[int]:
    """Split positions in ``window`` (index where the next chunk starts), best kinds first."""
    ordered: list[list[int]] = [[], [], [], []]
    for match in re.finditer(r"\n\s*\n", window):
        ordered[0].append(match.end())
    for match in re.finditer(r"\n", window):
        ordered[1].append(match.end())
    for match in _SENTENCE_END.finditer(window):
        ordered[2].append(match.end())
    for match in re.finditer(r"\s+", window):
        ordered[3].append(match.end())
    result: list[int] = []
    for group in ordered:
        result.extend(sorted(group, reverse=True))  # latest first: fullest chunks
    return result


def split_text(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters (see the module docstring)."""
    if limit < 50:
        raise ValueError("limit too small to split sensibly")
    chunks: list[str] = []
    rest = text
    reopen = ""  # fence to reopen at the start of the next chunk
    while rest:
        body_limit = limit - len(reopen)
        if len(rest) <= body_limit:
            chunks.append(reopen + rest)
            break
        window = rest[:body_limit]
        cut = None
        # A chunk is "good" when it does not end inside a code block, or when that block began
        # before this chunk (a block longer than a message) and must be cut anyway.
        minimum = body_limit // 3  # don't make silly small chunks for a nicer boundary
        for position in _candidates(window):
            if position < minimum:
                continue
            if _fence_state(reopen + rest[:position]) is None:
                cut = position
                break
        closing = ""
        if cut is None and _fence_state(reopen + window) is None:
            cut = body_limit  # no boundary at all (one enormous word): a hard cut
        if cut is None:
            # No boundary outside a code block: cut inside it, leaving room to close the fence.
            room = body_limit - 4
            inner = [p for p in _candidates(rest[:room]) if p >= minimum]
            cut = inner[0] if inner else room
            lang = _fence_state(reopen + rest[:cut])
            if lang is not None:
                closing = "\n```" if not rest[:cut].endswith("\n") else "```"
        chunk = (reopen + rest[:cut]).rstrip() if not closing else reopen + rest[:cut] + closing
        lang = _fence_state(reopen + rest[:cut])
        reopen = f"```{lang}\n" if lang is not None else ""
        if chunk.strip():
            chunks.append(chunk)
        rest = rest[cut:].lstrip("\n") if not reopen else rest[cut:]
    return [c for c in chunks if c.strip()] or ([text[:limit]] if text else [])
