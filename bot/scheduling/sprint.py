"""Sprint steps as APScheduler jobs: one DateTrigger job per live sprint, for its next step
(the start, the end, or the leaderboard after the grace period).

The job id is stable (``sprint:<id>``), so arming a sprint again replaces its job. The job
takes every step that is due when it runs (``SprintService.on_timer``), and the service arms
the next one. Jobs are rebuilt from the database at start-up (``SprintService.recover``), so
none needs a persistent job store.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.date import DateTrigger

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["SchedulerSprintTimer", "job_id"]

log = logging.getLogger(__name__)


def job_id(sprint_id: int) -> str:
    return f"sprint:{sprint_id}"


class SchedulerSprintTimer:
    """The service's :class:`~bot.services.sprint.SprintTimer`, on the bot's scheduler."""

    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    def arm(self, sprint_id: int, guild_id: int, at: datetime) -> None:
        self._bot.scheduler.add_job(
            self.fire,
            DateTrigger(run_date=at),
            id=job_id(sprint_id),
            args=(guild_id, sprint_id),
            replace_existing=True,
            misfire_grace_time=None,  # late is better than never (a busy loop)
            coalesce=True,
        )

    def disarm(self, sprint_id: int) -> None:
        job = self._bot.scheduler.get_job(job_id(sprint_id))
        if job is not None:
            job.remove()

    async def fire(self, guild_id: int, sprint_id: int) -> bool:
        """The job's function: scheduled work for a guild runs only in the process that owns
        it. Errors are logged here: nothing else would see them."""
        if not self._bot.owns_guild(guild_id) or self._bot.shutting_down:
            return False
        try:
            return await self._bot.services.sprint.on_timer(sprint_id)
        except Exception:
            log.exception("sprint %s: the timer job failed", sprint_id)
            return False
