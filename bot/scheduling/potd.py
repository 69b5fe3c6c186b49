"""The APScheduler side of the prompt of the day: one cron job per server at its local time.

``CronTrigger`` gets the server's own timezone, so APScheduler itself keeps the post at 09:00 local
time across daylight-saving changes. The jobs are rebuilt from the database at start-up and
after every settings change; a periodic sweep catches anything a job missed (downtime within the
grace window, an interrupted post). No Discord here: the callbacks are handed in.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.potd.scheduling import SWEEP_JOB_ID, job_id

__all__ = ["ApsJobRegistry"]

log = logging.getLogger(__name__)


class ApsJobRegistry:
    """Keeps one ``potd:<guild id>`` cron job per active server on an APScheduler scheduler."""

    def __init__(
        self,
        scheduler: Any,
        post: Callable[[int], Awaitable[object]],
        *,
        misfire_grace_seconds: int,
    ) -> None:
        self._scheduler = scheduler
        self._post = post
        self._misfire = max(60, misfire_grace_seconds)

    def schedule(self, guild_id: int, post_time: time, tz: ZoneInfo) -> None:
        trigger = CronTrigger(hour=post_time.hour, minute=post_time.minute, timezone=tz)
        self._scheduler.add_job(
            self._post,
            trigger,
            args=[guild_id],
            id=job_id(guild_id),
            name=f"prompt of the day for {guild_id}",
            replace_existing=True,
            misfire_grace_time=self._misfire,
            coalesce=True,
            max_instances=1,
        )
        log.debug("prompt of the day for %s scheduled at %s %s", guild_id, post_time, tz.key)

    def unschedule(self, guild_id: int) -> None:
        if self._scheduler.get_job(job_id(guild_id)) is not None:
            self._scheduler.remove_job(job_id(guild_id))

    def start_sweep(self, sweep: Callable[[], Awaitable[object]], minutes: int) -> None:
        self._scheduler.add_job(
            sweep,
            IntervalTrigger(minutes=minutes),
            id=SWEEP_JOB_ID,
            name="prompt of the day safety sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def clear(self) -> None:
        for job in list(self._scheduler.get_jobs()):
            if job.id.startswith("potd:"):
                self._scheduler.remove_job(job.id)
