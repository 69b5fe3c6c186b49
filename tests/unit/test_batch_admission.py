"""The preemptive admission queue: members get in while background work holds the slots."""

from __future__ import annotations

from models import Priority
from models.batched import PreemptiveAdmissionQueue


async def test_members_are_admitted_while_background_work_fills_every_slot() -> None:
    queue = PreemptiveAdmissionQueue(capacity=8, slots=2)
    background = [queue.submit(user, Priority.BACKGROUND) for user in (1, 2, 3)]
    assert [t.admitted for t in background] == [True, True, False]
    members = [queue.submit(user, Priority.INTERACTIVE) for user in (4, 5, 6)]
    assert [t.admitted for t in members] == [True, True, False]
    assert members[2].position == 1 and background[2].position == 2
    members[0].withdraw()
    assert members[2].admitted and not background[2].admitted
    for ticket in (members[1], members[2], background[0]):
        ticket.withdraw()
    assert background[2].admitted  # background runs once a slot is free of everyone


async def test_background_waits_for_free_slots_and_round_robin_holds() -> None:
    queue = PreemptiveAdmissionQueue(capacity=8, slots=1)
    first = queue.submit(1, Priority.INTERACTIVE)
    bg = queue.submit(2, Priority.BACKGROUND)
    a1, a2, b1 = (queue.submit(u, Priority.INTERACTIVE) for u in (3, 3, 4))
    assert first.admitted and not bg.admitted
    assert [t.position for t in (a1, b1, a2, bg)] == [1, 2, 3, 4]
    first.withdraw()
    assert a1.admitted and not b1.admitted
