"""A bounded admission queue that is fair across members.

Requests wait in one lane per priority; inside a lane each member has their own line and the lane
serves members round-robin, so one member's five requests never starve another member's one.
Every waiting ticket can tell its position (1 = next) and an estimated wait.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict, deque
from collections.abc import Callable

from .errors import QueueFull
from .types import Priority

__all__ = ["AdmissionQueue", "Ticket"]


class Ticket:
    """One request's place in the queue."""

    __slots__ = (
        "_changed",
        "_queue",
        "admitted",
        "cancelled",
        "eta",
        "position",
        "priority",
        "user",
    )

    def __init__(self, queue: AdmissionQueue, user: int, priority: Priority) -> None:
        self._queue = queue
        self.user = user
        self.priority = priority
        self.position = 0
        self.eta = 0.0
        self.admitted = False
        self.cancelled = False
        self._changed = asyncio.Event()

    async def wait_changed(self) -> None:
        """Wait until this ticket's position changes or it is admitted."""
        await self._changed.wait()
        self._changed.clear()

    def _notify(self) -> None:
        self._changed.set()

    def withdraw(self) -> None:
        """Leave the queue (before admission) or free the slot (after)."""
        self._queue._withdraw(self)


class AdmissionQueue:
    """``slots`` requests run at once; up to ``capacity`` more wait."""

    def __init__(
        self,
        capacity: int,
        slots: int = 1,
        *,
        seconds_per_request: Callable[[], float] = lambda: 5.0,
    ) -> None:
        if capacity < 1 or slots < 1:
            raise ValueError("capacity and slots must be at least 1")
        self.capacity = capacity
        self.slots = slots
        self._seconds_per_request = seconds_per_request
        self._lanes: dict[Priority, OrderedDict[int, deque[Ticket]]] = {
            p: OrderedDict() for p in Priority
        }
        self._running: set[Ticket] = set()
        self.rejected = 0

    @property
    def waiting(self) -> int:
        return sum(len(line) for lane in self._lanes.values() for line in lane.values())

    @property
    def running(self) -> int:
        return len(self._running)

    def estimate_wait(self, position: int) -> float:
        """Seconds until a request at ``position`` starts, given the running ones too."""
        if position <= 0:
            return 0.0
        rounds = math.ceil(position / self.slots)
        return rounds * max(0.1, self._seconds_per_request())

    def submit(self, user: int, priority: Priority = Priority.INTERACTIVE) -> Ticket:
        """Take a place in the queue. Raises :class:`QueueFull` when it is full."""
        if self.waiting >= self.capacity and self.running >= self.slots:
            self.rejected += 1
            raise QueueFull(retry_after=self.estimate_wait(self.waiting + 1))
        ticket = Ticket(self, user, priority)
        lane = self._lanes[priority]
        lane.setdefault(user, deque()).append(ticket)
        self._dispatch()
        return ticket

    def dispatch_order(self) -> list[Ticket]:
        """The waiting tickets in the order they will be admitted."""
        order: list[Ticket] = []
        for priority in Priority:
            lines = [list(line) for line in self._lanes[priority].values()]
            depth = max((len(line) for line in lines), default=0)
            for i in range(depth):
                order.extend(line[i] for line in lines if i < len(line))
        return order

    def _pop_next(self) -> Ticket | None:
        for priority in Priority:
            lane = self._lanes[priority]
            if not lane:
                continue
            user, line = next(iter(lane.items()))
            ticket = line.popleft()
            # The member goes to the back of the rotation (or leaves it when their line is empty).
            del lane[user]
            if line:
                lane[user] = line
            return ticket
        return None

    def _dispatch(self) -> None:
        while len(self._running) < self.slots:
            ticket = self._pop_next()
            if ticket is None:
                break
            ticket.admitted = True
            ticket.position = 0
            ticket.eta = 0.0
            self._running.add(ticket)
            ticket._notify()
        for position, ticket in enumerate(self.dispatch_order(), start=1):
            eta = self.estimate_wait(position)
            if ticket.position != position:
                ticket.position = position
                ticket.eta = eta
                ticket._notify()

    def _withdraw(self, ticket: Ticket) -> None:
        if ticket.admitted:
            self._running.discard(ticket)
        else:
            ticket.cancelled = True
            lane = self._lanes[ticket.priority]
            line = lane.get(ticket.user)
            if line is not None and ticket in line:
                line.remove(ticket)
                if not line:
                    del lane[ticket.user]
        self._dispatch()
