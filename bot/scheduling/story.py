"""Story turn deadlines as APScheduler jobs: one DateTrigger job per reminder and one for expiry.

Job ids are stable (``story:<id>:<kind>``), so arming a story again replaces its jobs. Each job
carries the turn's ``turn_seq``; the service ignores a job of an older turn. Jobs are rebuilt from
the database at start-up (``StoryService.recover``), so none needs a persistent job store.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from apscheduler.triggers.date import DateTrigger

from bot.services.story import DeadlineKind, DeadlinePlan

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["SchedulerTurnTimer", "job_id"]

log = logging.getLogger(__name__)


def job_id(story_id: int, kind: DeadlineKind) -> str:
    return f"story:{story_id}:{kind.value}"


class SchedulerTurnTimer:
    """The service's :class:`~bot.services.story.TurnTimer`, on the bot's scheduler."""

    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    def arm(self, plan: DeadlinePlan) -> None:
        self.disarm(plan.story_id)
        for kind, at in plan.times.items():
            self._bot.scheduler.add_job(
                self.fire,
                DateTrigger(run_date=at),
                id=job_id(plan.story_id, kind),
                args=(plan.guild_id, plan.story_id, plan.turn_seq, kind.value),
                replace_existing=True,
                misfire_grace_time=None,  # late is better than never (a busy loop, a restart)
                coalesce=True,
            )

    def disarm(self, story_id: int) -> None:
        for kind in DeadlineKind:
            job = self._bot.scheduler.get_job(job_id(story_id, kind))
            if job is not None:
                job.remove()

    async def fire(self, guild_id: int, story_id: int, turn_seq: int, kind: str) -> bool:
        """The job's function: scheduled work for a guild runs only in the process that owns
        it. Errors are logged here: nothing else would see them."""
        if not self._bot.owns_guild(guild_id) or self._bot.shutting_down:
            return False
        try:
            return await self._bot.services.story.on_deadline(
                story_id, turn_seq, DeadlineKind(kind)
            )
        except Exception:
            log.exception("story %s: the %s deadline job failed", story_id, kind)
            return False
