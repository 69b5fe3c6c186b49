from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import QueueFull
from models.queue import AdmissionQueue
from models.types import Priority


def test_round_robin_across_members() -> None:
    queue = AdmissionQueue(capacity=20, slots=1)
    running = queue.submit(user=99)  # occupies the one slot
    assert running.admitted
    greedy = [queue.submit(user=1) for _ in range(5)]
    modest = queue.submit(user=2)
    order = queue.dispatch_order()
    # The member with one request goes second, not after all five of the first member's.
    assert order.index(modest) == 1
    assert [t.position for t in greedy] == [1, 3, 4, 5, 6]
    assert modest.position == 2


def test_admission_follows_positions_as_slots_free() -> None:
    queue = AdmissionQueue(capacity=20, slots=1)
    first = queue.submit(user=1)
    a = [queue.submit(user=1) for _ in range(3)]
    b = queue.submit(user=2)
    admitted = []
    current = first
    for _ in range(4):
        current.withdraw()
        current = next(t for t in [*a, b] if t.admitted and t not in admitted)
        admitted.append(current)
    assert admitted == [a[0], b, a[1], a[2]]


def test_interactive_before_background() -> None:
    queue = AdmissionQueue(capacity=20, slots=1)
    running = queue.submit(user=1)
    background = queue.submit(user=2, priority=Priority.BACKGROUND)
    interactive = queue.submit(user=3)
    assert interactive.position == 1 and background.position == 2
    running.withdraw()
    assert interactive.admitted and not background.admitted


def test_queue_full_carries_a_retry_estimate() -> None:
    queue = AdmissionQueue(capacity=2, slots=1, seconds_per_request=lambda: 4.0)
    queue.submit(user=1)
    queue.submit(user=2)
    queue.submit(user=3)
    with pytest.raises(QueueFull) as info:
        queue.submit(user=4)
    assert info.value.retry_after >= 4.0
    assert "try again" in info.value.user_message


def test_withdrawing_a_waiting_ticket_moves_others_up() -> None:
    queue = AdmissionQueue(capacity=10, slots=1, seconds_per_request=lambda: 2.0)
    queue.submit(user=1)
    t2 = queue.submit(user=2)
    t3 = queue.submit(user=3)
    assert (t3.position, t3.eta) == (2, 4.0)
    t2.withdraw()
    assert t2.cancelled and queue.waiting == 1
    assert (t3.position, t3.eta) == (1, 2.0)


def test_several_slots_admit_several() -> None:
    queue = AdmissionQueue(capacity=10, slots=3)
    tickets = [queue.submit(user=i) for i in range(5)]
    assert [t.admitted for t in tickets] == [True, True, True, False, False]
    assert tickets[3].position == 1 and tickets[4].position == 2


@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=30))
def test_no_member_waits_behind_more_than_their_share(users: list[int]) -> None:
    """In dispatch order, before a member's k-th request come at most k-1 of anyone else's."""
    queue = AdmissionQueue(capacity=100, slots=1)
    queue.submit(user=0)
    for user in users:
        queue.submit(user=user)
    seen: dict[int, int] = {}
    for ticket in queue.dispatch_order():
        seen[ticket.user] = seen.get(ticket.user, 0) + 1
        k = seen[ticket.user]
        assert all(count <= k for other, count in seen.items() if other != ticket.user)
