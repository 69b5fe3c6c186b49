"""Style memory's records and their row mappers (see :mod:`bot.db.repositories.style`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..timestamps import from_db

__all__ = [
    "MEMBER",
    "TRAIT_COLUMNS",
    "WORK_COLUMNS",
    "PendingContribution",
    "SampleRecord",
    "TraitRecord",
    "WorkHit",
    "WorkRecord",
    "trait_from_row",
    "work_from_row",
]


@dataclass(frozen=True, slots=True)
class TraitRecord:
    """A learned trait. ``id`` is ``None`` for a trait not stored yet. ``first_seen`` and
    ``last_seen`` are still text (style learning writes them with ``bot.db.timestamps.to_db``
    and reads them with ``from_db``), not yet ``datetime``."""

    id: int | None
    kind: str
    value: str
    confidence: float
    hits: int
    evidence: str
    source: str
    first_seen: str
    last_seen: str


@dataclass(frozen=True, slots=True)
class SampleRecord:
    id: int
    title: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PendingContribution:
    id: int
    guild_id: int
    user_id: int
    kind: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WorkRecord:
    id: int
    guild_id: int
    kind: str
    ref: str
    author_id: int | None
    title: str
    body: str
    url: str | None
    created_at: datetime
    human_only: bool = False  # written without AI (a human-only story)


@dataclass(frozen=True, slots=True)
class WorkHit:
    """A work matching a search; ``bm25`` is SQLite's score (more negative is better)."""

    work: WorkRecord
    bm25: float


TRAIT_COLUMNS = "id, kind, value, confidence, hits, evidence, source, first_seen, last_seen"
WORK_COLUMNS = "id, guild_id, kind, ref, author_id, title, body, url, created_at, human_only"
MEMBER = "guild_id = ? AND user_id = ?"


def trait_from_row(row: Any) -> TraitRecord:
    return TraitRecord(
        id=int(row["id"]),
        kind=str(row["kind"]),
        value=str(row["value"]),
        confidence=float(row["confidence"]),
        hits=int(row["hits"]),
        evidence=str(row["evidence"]),
        source=str(row["source"]),
        first_seen=str(row["first_seen"]),
        last_seen=str(row["last_seen"]),
    )


def work_from_row(row: Any) -> WorkRecord:
    return WorkRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        kind=str(row["kind"]),
        ref=str(row["ref"]),
        author_id=int(row["author_id"]) if row["author_id"] is not None else None,
        title=str(row["title"]),
        body=str(row["body"]),
        url=row["url"],
        created_at=from_db(str(row["created_at"])),
        human_only=bool(row["human_only"]),
    )
