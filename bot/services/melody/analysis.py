"""How well a melody keeps its craft, as shares the reply, the tests and the benchmark show."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .types import Melody, is_strong

__all__ = ["MelodyStats", "melody_stats"]


@dataclass(frozen=True, slots=True)
class MelodyStats:
    notes: int
    stressed_on_strong: float  # share of stressed syllables that start on beat 1 or 3
    chord_tones_on_strong: float  # share of notes on beat 1 or 3 that belong to the chord
    stepwise: float  # share of moves of two semitones or less
    largest_leap: int
    in_range: float


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def melody_stats(melody: Melody) -> MelodyStats:
    notes = melody.notes
    stressed = [n for n in notes if n.stressed]
    strong = [n for n in notes if is_strong(n.onset)]
    moves = [abs(b.pitch - a.pitch) for a, b in itertools.pairwise(notes)]
    params = melody.params
    return MelodyStats(
        notes=len(notes),
        stressed_on_strong=_share(sum(is_strong(n.onset) for n in stressed), len(stressed)),
        chord_tones_on_strong=_share(
            sum(n.pitch % 12 in melody.chord_at(n.onset).pitch_classes for n in strong),
            len(strong),
        ),
        stepwise=_share(sum(m <= 2 for m in moves), len(moves)),
        largest_leap=max(moves, default=0),
        in_range=_share(sum(params.low <= n.pitch <= params.high for n in notes), len(notes)),
    )
