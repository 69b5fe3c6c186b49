"""Turn order: pure functions over the rotation's seats, so the rules are easy to test.

A seat is a participant with a position. Turns go round in position order; after the last seat
the rotation wraps to the first and a new round begins. The AI partner sits in the rotation like
a member but never writes alone, and nobody takes two turns in a row: when the only seat left is
the one whose turn just ended, the story waits for writers instead.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .types import ParticipantRecord

__all__ = ["NextTurn", "join_position", "next_turn"]


@dataclass(frozen=True, slots=True)
class NextTurn:
    seat: ParticipantRecord
    wrapped: bool  # the rotation went past its last seat: a new round starts


def next_turn(seats: Sequence[ParticipantRecord], after: float | None) -> NextTurn | None:
    """The seat after position ``after`` (the turn that just ended), or None to wait.

    Only active seats count. None when no member is left (the AI partner doesn't write alone)
    or when the only candidate is the seat at ``after`` itself (no two turns in a row).
    """
    active = sorted((s for s in seats if s.active), key=lambda s: s.position)
    if not any(not s.is_ai for s in active):
        return None
    if after is None:
        return NextTurn(active[0], wrapped=False)
    for seat in active:
        if seat.position > after:
            return NextTurn(seat, wrapped=False)
    first = active[0]
    if first.position == after:
        return None
    return NextTurn(first, wrapped=True)


def join_position(
    positions: Sequence[float], *, shuffle: bool, rng: random.Random | None = None
) -> float:
    """Where a new seat goes: at the end (join order), or, shuffled, into a random gap of the
    circular order, so that the rotation becomes a random order of its members."""
    ordered = sorted(positions)
    if not ordered:
        return 1.0
    if not shuffle or len(ordered) < 2:
        return ordered[-1] + 1.0
    gap = (rng or random.Random()).randrange(len(ordered))
    if gap == len(ordered) - 1:
        return ordered[-1] + 1.0  # between the last seat and the first: the end of the round
    return (ordered[gap] + ordered[gap + 1]) / 2
