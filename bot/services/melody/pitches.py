"""Choosing a pitch for every syllable of a section: a depth-first search over the notes the
rules allow, cheapest first (near the contour's height, by step rather than leap, a little
seeded chance), backtracking when a rule can't be kept further on. The rules are listed in
:mod:`.compose`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .types import MelodyChord, MelodyParams

__all__ = ["LEAP", "MAX_LEAP", "Slot", "choose_pitches"]

MAX_LEAP = 9  # a major sixth
LEAP = 5  # a fourth or more is a leap
# A section starts within a third of the tonic the last one ended on and comes home to it by
# a third at most, so the join between sections is never a leap that nothing recovers.
NEAR_HOME = 4
_BUDGET = 4000
_INTERVAL_COST = {0: 1.4, 1: 0.0, 2: 0.0, 3: 0.9, 4: 1.1, 5: 2.4, 7: 2.8, 8: 3.6, 9: 4.0}


@dataclass(frozen=True, slots=True)
class Slot:
    onset: int
    strong: bool
    line_end: bool
    chord: MelodyChord
    scale: frozenset[int]
    height: float  # 0..1, the contour's wish


@dataclass(frozen=True, slots=True)
class _Rules:
    recover: bool
    max_leap: int


_TRIES = (
    _Rules(recover=True, max_leap=MAX_LEAP),
    _Rules(recover=False, max_leap=MAX_LEAP),
    _Rules(recover=False, max_leap=12),
)


class _Stuck(Exception):
    pass


def choose_pitches(
    slots: Sequence[Slot], params: MelodyParams, home: int, lift: bool, rng: random.Random
) -> list[int]:
    bottom = max(params.low, home - 3)
    top = min(params.high, home + 12)
    if lift:
        bottom, top = min(bottom + 2, top), min(params.high, top + 2)
    targets = [bottom + (top - bottom) * s.height for s in slots]
    for rules in _TRIES:
        try:
            return _search(slots, params, home, targets, rules, rng)
        except _Stuck:
            continue
    return _greedy(slots, params, home, targets, rng)


def _allowed(slot: Slot, params: MelodyParams, last: bool, home: int) -> list[int]:
    if last:
        return [home]
    wanted = slot.chord.pitch_classes if slot.strong or slot.line_end else slot.scale
    return [p for p in range(params.low, params.high + 1) if p % 12 in wanted]


def _cost(pitch: int, prev: Sequence[int], target: float, rng: random.Random) -> float:
    cost = 0.6 * abs(pitch - target) + rng.random() * 1.2
    if prev:
        step = abs(pitch - prev[-1])
        cost += _INTERVAL_COST.get(step, 6.0)
        if len(prev) >= 2:
            before = prev[-1] - prev[-2]
            if step == 0 and before == 0:
                cost += 3.0  # a third note on the same pitch
            if abs(before) >= 3 and step >= 3 and (pitch - prev[-1]) * before > 0:
                cost += 1.0  # two skips the same way
    return cost


def _fits(pitch: int, prev: Sequence[int], rules: _Rules, home: int, left: int) -> bool:
    if left and abs(pitch - home) > rules.max_leap * (left - 1) + NEAR_HOME:
        return False  # couldn't reach the final tonic in time
    if not prev or left == 0:
        near = prev[-1] if prev else home
        if abs(pitch - near) > NEAR_HOME:
            return False
        if not prev:
            return True
    move = pitch - prev[-1]
    if abs(move) > rules.max_leap or abs(move) == 6:
        return False
    if rules.recover and len(prev) >= 2:
        before = prev[-1] - prev[-2]
        if abs(before) >= LEAP and not (1 <= abs(move) <= 2 and move * before < 0):
            return False
    return True


def _search(
    slots: Sequence[Slot],
    params: MelodyParams,
    home: int,
    targets: Sequence[float],
    rules: _Rules,
    rng: random.Random,
) -> list[int]:
    count = len(slots)
    chosen: list[int] = []
    options: list[list[int]] = []
    budget = _BUDGET
    while len(chosen) < count:
        i = len(chosen)
        if len(options) == i:
            allowed = [
                p
                for p in _allowed(slots[i], params, i == count - 1, home)
                if _fits(p, chosen, rules, home, count - 1 - i)
            ]
            costs = {p: _cost(p, chosen, targets[i], rng) for p in allowed}
            options.append(sorted(allowed, key=lambda p: (costs[p], p), reverse=True))
        if options[i]:
            chosen.append(options[i].pop())
            continue
        options.pop()  # nothing fits here: take back the note before
        budget -= 1
        if not chosen or budget <= 0:
            raise _Stuck
        chosen.pop()
    return chosen


def _greedy(
    slots: Sequence[Slot],
    params: MelodyParams,
    home: int,
    targets: Sequence[float],
    rng: random.Random,
) -> list[int]:
    """Note by note, no backtracking: range, chord tones and the final tonic still hold."""
    chosen: list[int] = []
    for i, slot in enumerate(slots):
        allowed = _allowed(slot, params, i == len(slots) - 1, home)
        chosen.append(min(allowed, key=lambda p: (_cost(p, chosen, targets[i], rng), p)))
    return chosen
