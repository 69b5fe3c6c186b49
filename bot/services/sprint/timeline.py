"""A sprint's steps in time, and what each one publishes.

A sprint moves ``scheduled -> running -> grace -> ended``, each step when its moment comes:
the start (announced, pinging who joined), the end (time is up, pinging them again; final
counts are still taken during the grace period) and the close (the leaderboard, with no pings).
Each step is a conditional change of stage written in one transaction with its outbox item,
so a step is taken and announced once, whoever triggers it: the timer, /sprint end, or
:meth:`SprintTimeline.recover` at start-up, which takes every overdue step at once (a sprint
whose end passed while Muse was down ends immediately) and re-arms the timer for the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.services.outbox import Outbox

from .ports import DailyStreaks, SprintPrompts, SprintTimer
from .rules import standings, words_per_minute
from .types import PublicationKind, SprintPublication, SprintRecord

if TYPE_CHECKING:
    from bot.db.repositories.sprints import SprintRepository

__all__ = ["DUE_TOLERANCE", "SprintTimeline", "outbox_item"]

log = logging.getLogger(__name__)

DUE_TOLERANCE = timedelta(seconds=1)
"""A timer that fires this much early still counts (clocks and schedulers round)."""

_NEXT_STAGE = {"scheduled": "running", "running": "grace", "grace": "ended"}
_KINDS: dict[str, PublicationKind] = {
    "start": "start",
    "end": "end",
    "results": "results",
    "cancelled": "cancelled",
}
_ANNOUNCES: dict[str, PublicationKind] = {"running": "start", "grace": "end", "ended": "results"}


def outbox_item(sprint: SprintRecord, kind: PublicationKind) -> dict[str, Any]:
    """The outbox entry of one announcement in the sprint's channel (once only, by its key)."""
    return {
        "guild_id": sprint.guild_id,
        "channel_id": sprint.channel_id,
        "kind": f"sprint.{kind}",
        "payload": {"sprint_id": sprint.id},
        "dedupe_key": f"sprint:{sprint.id}:{kind}",
    }


def due_at(sprint: SprintRecord) -> datetime | None:
    """When the sprint's next step is due (None once it is over)."""
    return {
        "scheduled": sprint.starts_at,
        "running": sprint.ends_at,
        "grace": sprint.closes_at,
    }.get(sprint.stage)


class SprintTimeline:
    """The sprint service's dependencies, its timer, and the steps a sprint takes in time."""

    def __init__(
        self,
        repo: SprintRepository,
        clock: Clock,
        *,
        outbox: Outbox,
        prompts: SprintPrompts | None = None,
        streaks: DailyStreaks | None = None,
        grace_minutes: float = 2.0,
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._outbox = outbox
        self._prompts = prompts
        self._streaks = streaks
        self.grace = timedelta(minutes=grace_minutes)
        self._timer: SprintTimer | None = None

    def attach(self, timer: SprintTimer) -> None:
        """Connect the scheduler (called by the cog when it loads)."""
        self._timer = timer

    def detach(self) -> None:
        self._timer = None

    def _arm(self, sprint: SprintRecord) -> None:
        if self._timer is None:
            return
        at = due_at(sprint)
        if at is None:
            self._timer.disarm(sprint.id)
        else:
            self._timer.arm(sprint.id, sprint.guild_id, at)

    async def on_timer(self, sprint_id: int) -> bool:
        """The timer fired: take every step that is due and arm the next. Returns whether a
        step was taken; an early or stale job takes none and arms nothing (whatever moved the
        sprint's times armed its job then)."""
        return await self.catch_up(sprint_id, rearm_when_idle=False)

    async def catch_up(self, sprint_id: int, *, rearm_when_idle: bool = True) -> bool:
        async with self._repo.transaction():
            sprint = await self._repo.get(sprint_id)
            if sprint is None:
                return False
            taken, sprint = await self._take_due_steps(sprint)
        if taken or rearm_when_idle:
            self._arm(sprint)
        if taken:
            self._outbox.wake()
        return taken > 0

    async def _take_due_steps(self, sprint: SprintRecord) -> tuple[int, SprintRecord]:
        """Inside the caller's transaction: every step whose moment has come, in order."""
        now = self._clock.now()
        taken = 0
        while True:
            at = due_at(sprint)
            if at is None or now + DUE_TOLERANCE < at:
                return taken, sprint
            new_stage = _NEXT_STAGE[sprint.stage]
            if new_stage == "ended":
                for participant in await self._repo.participants(sprint.id):
                    if participant.words is not None:
                        wpm = words_per_minute(sprint, participant)
                        await self._repo.set_wpm(sprint.id, participant.user_id, wpm)
            if not await self._repo.set_stage(sprint.id, sprint.stage, new_stage, now):
                return taken, sprint
            await self._outbox.add(**outbox_item(sprint, _ANNOUNCES[new_stage]))
            fresh = await self._repo.get(sprint.id)
            assert fresh is not None
            sprint = fresh
            taken += 1

    async def recover(self, owns_guild: Callable[[int], bool]) -> int:
        """At start-up: take the overdue steps of every live sprint of the servers this process
        runs, and re-arm their timers. Returns how many sprints are still live."""
        live = 0
        for sprint in await self._repo.live():
            if not owns_guild(sprint.guild_id):
                continue
            await self.catch_up(sprint.id)
            fresh = await self._repo.get(sprint.id)
            live += fresh is not None and due_at(fresh) is not None
        return live

    async def publication(self, kind: str, payload: dict[str, Any]) -> SprintPublication | None:
        """What an outbox item of kind ``sprint.<kind>`` posts, read at delivery; None when
        the sprint is gone."""
        short = _KINDS.get(kind.removeprefix("sprint."))
        sprint_id = payload.get("sprint_id")
        if short is None or not isinstance(sprint_id, int):
            return None
        sprint = await self._repo.get(sprint_id)
        if sprint is None:
            return None
        participants = await self._repo.participants(sprint.id)
        grace = (sprint.closes_at - sprint.ends_at).total_seconds() / 60
        ranked = standings(sprint, participants) if short == "results" else []
        if short == "start":
            pings = [p.user_id for p in participants if p.joined_at < sprint.starts_at]
        elif short == "end":
            pings = [p.user_id for p in participants]
        else:
            pings = []
        return SprintPublication(short, sprint, participants, ranked, grace, pings)
