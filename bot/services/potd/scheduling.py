"""The prompt of the day's scheduling port: one cron job per server at its local time.

The service keeps the jobs in step with the configuration through :class:`JobRegistry`; the
APScheduler adapter lives in ``bot/scheduling/potd.py`` (services do not import APScheduler).
"""

from __future__ import annotations

from datetime import time
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = ["SWEEP_JOB_ID", "JobRegistry", "job_id"]

SWEEP_JOB_ID = "potd:sweep"


def job_id(guild_id: int) -> str:
    return f"potd:{guild_id}"


class JobRegistry(Protocol):
    def schedule(self, guild_id: int, post_time: time, tz: ZoneInfo) -> None: ...

    def unschedule(self, guild_id: int) -> None: ...

    def clear(self) -> None: ...
