"""An admission queue that lets a member in while background work holds every decode slot.

The batched scheduler can park a background sequence between two decode steps (it resumes later
from its tokens), so background work never has to finish before a member's request starts. The
queue therefore admits interactive requests against the interactive share alone: up to ``slots``
interactive requests run whatever background work is admitted, and background requests only take
slots nobody else holds. Fairness inside each priority lane is the base queue's round-robin.
"""

from __future__ import annotations

from ..queue import AdmissionQueue, Ticket
from ..types import Priority

__all__ = ["PreemptiveAdmissionQueue"]


class PreemptiveAdmissionQueue(AdmissionQueue):
    """``slots`` interactive requests may run at once, however many background ones are parked."""

    def _can_admit(self, priority: Priority) -> bool:
        if priority == Priority.INTERACTIVE:
            interactive = sum(1 for t in self._running if t.priority == Priority.INTERACTIVE)
            return interactive < self.slots
        return len(self._running) < self.slots

    def _next_priority(self) -> Priority | None:
        for priority in Priority:
            if self._lanes[priority]:
                return priority
        return None

    def _dispatch(self) -> None:
        while True:
            priority = self._next_priority()
            if priority is None or not self._can_admit(priority):
                break
            ticket: Ticket | None = self._pop_next()
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
