"""Learning traits from what a member makes, and merging them into their profile.

The model proposes traits through a bounded schema; code decides what is kept: values are
normalised and filtered, a single observation's confidence is capped, evidence must be a real
quote from the piece, repeated evidence raises confidence (noisy-OR), confidence halves every
``half_life_days`` without new evidence, faint traits are dropped and the total is capped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from bot.db.repositories.style import TraitRecord
from bot.db.timestamps import from_db, to_db
from bot.services.prompts import prompt_messages
from models import ChatMessage

__all__ = [
    "MAX_SINGLE_CONFIDENCE",
    "TRAIT_KINDS",
    "Observation",
    "ObservedTrait",
    "TraitReport",
    "clean_observations",
    "effective_confidence",
    "format_time",
    "learning_messages",
    "merge_traits",
    "parse_time",
]

TraitKind = Literal["tone", "imagery", "theme", "form", "vocabulary"]
TRAIT_KINDS: tuple[str, ...] = ("tone", "imagery", "theme", "form", "vocabulary")
MAX_SINGLE_CONFIDENCE = 0.6  # one piece of work never makes a trait certain
MIN_SINGLE_CONFIDENCE = 0.05
EVIDENCE_LIMIT = 120
VALUE_PATTERN = r"^[A-Za-z][A-Za-z '-]{1,29}$"

_VALUE_CLEAN = re.compile(r"[^a-z' -]+")
_SPACES = re.compile(r"\s+")


class ObservedTrait(BaseModel):
    kind: TraitKind
    # The pattern goes to the grammar (the model can't emit braces or URLs); code re-checks.
    value: str = Field(max_length=30, json_schema_extra={"pattern": VALUE_PATTERN})
    confidence: float = Field(description="0 to 1")
    evidence: str = Field(max_length=80, description="A short quote from the piece")


class TraitReport(BaseModel):
    # Required and at least one: the grammar won't let a small model answer with nothing.
    traits: list[ObservedTrait] = Field(min_length=1, max_length=4)


@dataclass(frozen=True, slots=True)
class Observation:
    kind: str
    value: str
    confidence: float
    evidence: str


def format_time(moment: datetime) -> str:
    """A trait's ``first_seen``/``last_seen`` text: the one stored timestamp format."""
    return to_db(moment)


def parse_time(text: str) -> datetime:
    """A trait's stamp as an aware UTC moment, whichever format an older version stored."""
    return from_db(text)


def effective_confidence(
    confidence: float, last_seen: datetime, now: datetime, half_life_days: float
) -> float:
    """Confidence decayed by the time since the trait was last seen."""
    days = max(0.0, (now - last_seen).total_seconds() / 86400.0)
    return confidence * math.pow(0.5, days / half_life_days)


def learning_messages(kind: str, text: str) -> list[ChatMessage]:
    what = kind.replace("_", " ")
    return prompt_messages("style_learn", fields={"what": what}, slots={"piece": text})


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _clean_value(value: str) -> str | None:
    """Plain words only: anything like markup, links or code rejects the value."""
    cleaned = _SPACES.sub(" ", value.casefold()).strip(" '-.,;:!?\"")
    if _VALUE_CLEAN.search(cleaned):
        return None
    if not 2 <= len(cleaned) <= 40 or len(cleaned.split()) > 4:
        return None
    return cleaned


def _quote(text: str, value: str, evidence: str) -> str:
    """The model's evidence when it really is in the piece; else a sentence of the piece that
    mentions the trait; else the piece's opening."""
    flat = _normalise(text)
    candidate = _normalise(evidence).strip("\"'“”")
    if len(candidate) >= 3 and candidate.casefold() in flat.casefold():
        start = flat.casefold().index(candidate.casefold())
        return _clip(flat[start : start + len(candidate)])
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        words = value.split()
        if words and any(w in sentence.casefold() for w in words if len(w) > 2):
            return _clip(_normalise(sentence))
    return _clip(flat)


def _clip(text: str) -> str:
    return text if len(text) <= EVIDENCE_LIMIT else text[: EVIDENCE_LIMIT - 1].rstrip() + "…"


def clean_observations(report: TraitReport, text: str) -> list[Observation]:
    """The model's traits after the code's checks (see the module docstring)."""
    seen: set[tuple[str, str]] = set()
    found: list[Observation] = []
    for trait in report.traits:
        value = _clean_value(trait.value)
        if value is None or trait.kind not in TRAIT_KINDS or value == "sample":
            continue
        key = (trait.kind, value)
        if key in seen:
            continue
        seen.add(key)
        raw = trait.confidence if math.isfinite(trait.confidence) else 0.0
        confidence = min(MAX_SINGLE_CONFIDENCE, max(MIN_SINGLE_CONFIDENCE, raw))
        evidence = _quote(text, value, trait.evidence)
        found.append(Observation(trait.kind, value, confidence, evidence))
    return found


def merge_traits(
    existing: Sequence[TraitRecord],
    observations: Iterable[Observation],
    *,
    now: datetime,
    source: str,
    half_life_days: float,
    cap: int,
    min_confidence: float,
) -> list[TraitRecord]:
    """The member's traits after learning from one piece (pure: no storage, no clock)."""
    stamp = format_time(now)
    by_key = {(t.kind, t.value): t for t in existing}
    for obs in observations:
        old = by_key.get((obs.kind, obs.value))
        if old is None:
            by_key[(obs.kind, obs.value)] = TraitRecord(
                None, obs.kind, obs.value, obs.confidence, 1, obs.evidence, source, stamp, stamp
            )
            continue
        current = effective_confidence(
            old.confidence, parse_time(old.last_seen), now, half_life_days
        )
        raised = 1.0 - (1.0 - current) * (1.0 - obs.confidence)
        by_key[(obs.kind, obs.value)] = replace(
            old,
            confidence=min(0.99, raised),
            hits=old.hits + 1,
            evidence=obs.evidence,
            source=source,
            last_seen=stamp,
        )
    scored = [
        (effective_confidence(t.confidence, parse_time(t.last_seen), now, half_life_days), t)
        for t in by_key.values()
    ]
    kept = [(score, t) for score, t in scored if score >= min_confidence and score > 0]
    kept.sort(key=lambda pair: (-pair[0], pair[1].kind, pair[1].value))
    return [t for _, t in kept[:cap]]
