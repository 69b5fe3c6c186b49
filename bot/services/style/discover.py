"""/discover: community works that fit a member's style.

SQLite FTS5 finds works matching any of the member's keywords and scores them with BM25 (title
hits count double). Recency scales that relevance by up to a quarter (fading with a 30-day
half-life), so a strong match from last year still beats a passing mention from today, while
among similar matches newer work comes first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.db.repositories.style import WorkHit, WorkRecord
from bot.i18n import N_, LazyString

__all__ = [
    "RECENCY_HALF_LIFE_DAYS",
    "RECENCY_WEIGHT",
    "WORK_KINDS",
    "Recommendation",
    "fts_query",
    "rank_works",
]

WORK_KINDS: dict[str, LazyString] = {
    "story": N_("Story"),
    "potd_submission": N_("Prompt of the day"),
    "lyrics": N_("Lyrics"),
}
RECENCY_WEIGHT = 0.25
RECENCY_HALF_LIFE_DAYS = 30.0
MAX_QUERY_WORDS = 16


@dataclass(frozen=True, slots=True)
class Recommendation:
    work: WorkRecord
    score: float
    relevance: float
    matched: list[str]


def fts_query(keywords: Sequence[str]) -> str | None:
    """An FTS5 expression matching any keyword. Words are re-checked to be plain letters and
    quoted, so no member text can inject FTS syntax."""
    words = []
    for word in keywords:
        plain = "".join(ch for ch in word.casefold() if ch.isalnum())
        if len(plain) >= 3 and plain not in words:
            words.append(plain)
    if not words:
        return None
    return " OR ".join(f'"{word}"' for word in words[:MAX_QUERY_WORDS])


def rank_works(
    hits: Sequence[WorkHit], keywords: Sequence[str], now: datetime, limit: int
) -> list[Recommendation]:
    if not hits:
        return []
    # bm25() is negative; the more negative, the better the match.
    best = max(-hit.bm25 for hit in hits) or 1.0
    ranked = []
    for hit in hits:
        relevance = max(0.0, -hit.bm25) / best
        age_days = max(0.0, (now - hit.work.created_at).total_seconds() / 86400.0)
        recency = math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)
        score = relevance * (1 - RECENCY_WEIGHT + RECENCY_WEIGHT * recency)
        text = f"{hit.work.title} {hit.work.body}".casefold()
        matched = [k for k in keywords if k in text][:5]
        ranked.append(Recommendation(hit.work, score, relevance, matched))
    ranked.sort(key=lambda r: (-r.score, r.work.id))
    return ranked[:limit]
