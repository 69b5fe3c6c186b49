"""The sprint timer on a real AsyncIOScheduler: an armed job runs the service's step at its
time, arming again replaces it, disarming removes it, and a guild another process runs is left
to that process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling.sprint import SchedulerSprintTimer, job_id


class RecordingSprints:
    def __init__(self) -> None:
        self.fired: list[int] = []
        self.event = asyncio.Event()

    async def on_timer(self, sprint_id: int) -> bool:
        self.fired.append(sprint_id)
        self.event.set()
        return True


def fake_bot(scheduler: AsyncIOScheduler, *, owns: bool = True) -> tuple[Any, RecordingSprints]:
    sprints = RecordingSprints()
    bot = SimpleNamespace(
        scheduler=scheduler,
        shutting_down=False,
        owns_guild=lambda _guild: owns,
        services=SimpleNamespace(sprint=sprints),
    )
    return bot, sprints


async def test_an_armed_job_runs_the_step_at_its_time_once() -> None:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    try:
        bot, sprints = fake_bot(scheduler)
        timer = SchedulerSprintTimer(bot)
        soon = datetime.now(UTC) + timedelta(milliseconds=300)
        timer.arm(5, 42, soon + timedelta(hours=1))
        timer.arm(5, 42, soon)  # arming again replaces the job
        assert len(scheduler.get_jobs()) == 1
        await asyncio.wait_for(sprints.event.wait(), 10)
        assert sprints.fired == [5]
        assert scheduler.get_job(job_id(5)) is None  # a date job runs once

        timer.arm(6, 42, datetime.now(UTC) + timedelta(hours=1))
        timer.disarm(6)
        timer.disarm(6)  # disarming twice is harmless
        assert scheduler.get_job(job_id(6)) is None
    finally:
        scheduler.shutdown(wait=False)


async def test_a_guild_run_by_another_process_is_left_alone() -> None:
    scheduler = AsyncIOScheduler(timezone=UTC)
    bot, sprints = fake_bot(scheduler, owns=False)
    assert not await SchedulerSprintTimer(bot).fire(42, 5)
    assert sprints.fired == []
