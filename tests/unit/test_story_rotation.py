"""Turn order rules: round-robin by position, wrap into a new round, no two turns in a row."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.services.story.rotation import join_position, next_turn
from bot.services.story.types import AI_PARTNER_ID, ParticipantRecord

T0 = datetime(2031, 1, 1, tzinfo=UTC)


def seat(user_id: int, position: float, active: bool = True) -> ParticipantRecord:
    name = "Muse" if user_id == AI_PARTNER_ID else f"m{user_id}"
    return ParticipantRecord(1, user_id, name, position, active, 0, T0, None, None)


def test_turns_go_round_in_position_order_and_wrap_into_a_new_round() -> None:
    seats = [seat(10, 1.0), seat(AI_PARTNER_ID, 2.0), seat(20, 3.0), seat(30, 4.0)]
    order = []
    after: float | None = None
    wraps = 0
    for _ in range(8):
        following = next_turn(seats, after)
        assert following is not None
        order.append(following.seat.user_id)
        wraps += following.wrapped
        after = following.seat.position
    assert order == [10, 0, 20, 30] * 2
    assert wraps == 1


def test_inactive_seats_are_passed_over() -> None:
    seats = [seat(10, 1.0), seat(20, 2.0, active=False), seat(30, 3.0)]
    following = next_turn(seats, 1.0)
    assert following is not None and following.seat.user_id == 30
    # The current writer left: the turn goes to the seat after their (now empty) place.
    following = next_turn(seats, 2.0)
    assert following is not None and following.seat.user_id == 30 and not following.wrapped


def test_nobody_writes_twice_in_a_row_and_the_ai_never_writes_alone() -> None:
    assert next_turn([seat(10, 1.0)], 1.0) is None
    assert next_turn([seat(10, 1.0, active=False), seat(AI_PARTNER_ID, 2.0)], 1.0) is None
    assert next_turn([], None) is None
    alone_with_ai = [seat(10, 1.0), seat(AI_PARTNER_ID, 2.0)]
    following = next_turn(alone_with_ai, 1.0)
    assert following is not None and following.seat.is_ai
    following = next_turn(alone_with_ai, 2.0)
    assert following is not None and following.seat.user_id == 10 and following.wrapped


def test_join_order_appends_and_shuffle_lands_in_every_gap() -> None:
    assert join_position([], shuffle=False) == 1.0
    assert join_position([1.0, 2.0, 3.0], shuffle=False) == 4.0
    rng = random.Random(7)
    spots = {join_position([1.0, 2.0, 3.0], shuffle=True, rng=rng) for _ in range(200)}
    assert spots == {1.5, 2.5, 4.0}  # between each pair, or at the end of the round
