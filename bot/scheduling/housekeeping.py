"""The housekeeping job: erase departed servers' data after the retention period, prune old
results and unsaved drafts. It runs every few hours on the bot's scheduler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

__all__ = [
    "HOUSEKEEPING_HOURS",
    "HOUSEKEEPING_JOB_ID",
    "cancel_housekeeping",
    "schedule_housekeeping",
]

HOUSEKEEPING_JOB_ID = "muse:housekeeping"
HOUSEKEEPING_HOURS = 6


def schedule_housekeeping(scheduler: BaseScheduler, run: Callable[[], Awaitable[Any]]) -> None:
    """Run ``run`` every :data:`HOUSEKEEPING_HOURS`; one instance at a time, missed runs merged."""
    scheduler.add_job(
        run,
        IntervalTrigger(hours=HOUSEKEEPING_HOURS),
        id=HOUSEKEEPING_JOB_ID,
        name="erase departed servers, prune old results and drafts",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )


def cancel_housekeeping(scheduler: BaseScheduler) -> None:
    """Remove the job if it is scheduled."""
    if scheduler.get_job(HOUSEKEEPING_JOB_ID) is not None:
        scheduler.remove_job(HOUSEKEEPING_JOB_ID)
