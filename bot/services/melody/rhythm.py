"""Where each syllable goes in time: stressed syllables on strong beats, by construction.

A line is cut into groups, each a stressed syllable and the unstressed ones after it (the
unstressed ones before the first stress are a pickup into beat 3, after a rest). Every group
starts on a strong beat (beat 1 or 3 of a 4/4 bar) and lasts a half bar, or a whole bar when
it has more than four syllables or the feel is spacious; within the group the durations
follow the feel. A line
starts on a bar line and lasts at least two bars; its last syllable is held to the end of the
line, less a breath.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .syllabify import Syllable
from .types import BAR, Feel

__all__ = ["Placed", "place_line"]

HALF = BAR // 2


@dataclass(frozen=True, slots=True)
class Placed:
    syllable: Syllable
    onset: int  # eighths from the line's start
    duration: int


def _groups(syllables: Sequence[Syllable]) -> tuple[list[Syllable], list[list[Syllable]]]:
    """(pickup, groups): a group is a stressed syllable and the unstressed ones after it, at
    most a bar's worth. Unstressed syllables before the first stress are a pickup when there
    are few of them, else groups of their own (an unstressed syllable may take a strong beat;
    a stressed one never takes a weak beat)."""
    first = next((i for i, s in enumerate(syllables) if s.stressed), len(syllables))
    lead = list(syllables[:first])
    pickup: list[Syllable] = []
    groups: list[list[Syllable]] = []
    if lead and len(lead) <= HALF and first < len(syllables):
        pickup = lead
    else:
        groups = [lead[i : i + HALF] for i in range(0, len(lead), HALF)]
    for syllable in syllables[first:]:
        if syllable.stressed or not groups or len(groups[-1]) >= BAR:
            groups.append([syllable])
        else:
            groups[-1].append(syllable)
    return pickup, groups


def _split(length: int, count: int, feel: Feel) -> list[int]:
    """Durations (eighths) of ``count`` syllables sharing ``length``; the first is stressed."""
    if count == 1:
        return [length]
    if feel == "dotted":
        first = max(1, length - (count - 1))
        rest = length - first
        out = [first] + [rest // (count - 1)] * (count - 1)
        out[-1] += rest - sum(out[1:])
        return out
    base, extra = divmod(length, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def place_line(syllables: Sequence[Syllable], feel: Feel, rng: random.Random) -> list[Placed]:
    """Onsets and durations for one line, relative to its first bar line."""
    if not syllables:
        return []
    pickup, groups = _groups(syllables)
    placed: list[Placed] = []
    if pickup:
        # An upbeat: the pickup leads into beat 3 after a rest, in quarters when it is one or
        # two syllables, else in eighths.
        length = 2 if len(pickup) <= 2 else 1
        at = HALF - length * len(pickup)
        for syllable in pickup:
            placed.append(Placed(syllable, at, length))
            at += length
    at = HALF if pickup else 0
    for index, group in enumerate(groups):
        span = HALF if len(group) <= HALF else BAR
        last = index == len(groups) - 1
        if span == HALF and not last and feel == "spacious" and rng.random() < 0.5:
            span = BAR
        for syllable, length in zip(group, _split(span, len(group), feel), strict=True):
            placed.append(Placed(syllable, at, length))
            at += length
    # The last syllable falls in the line's last bar (a line lasts two bars at least, and a
    # section's cadence is in its last two) and is held to its end, less a breath.
    final = placed[-1]
    if final.onset < BAR:
        if len(placed) > 1:
            before = placed[-2]
            placed[-2] = Placed(before.syllable, before.onset, BAR - before.onset)
        final = Placed(final.syllable, BAR, 1)
    end = max(2 * BAR, -(-(final.onset + 1) // BAR) * BAR)
    room = end - final.onset
    breath = 2 if room >= 6 else (1 if room >= 3 else 0)
    placed[-1] = Placed(final.syllable, final.onset, room - breath)
    return placed


def line_length(placed: Sequence[Placed]) -> int:
    """The line's length in eighths: whole bars, at least two."""
    if not placed:
        return 0
    last = placed[-1]
    return max(2 * BAR, -(-(last.onset + 1) // BAR) * BAR)
