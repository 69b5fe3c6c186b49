"""The prompt of the day through a crash at a random point of its post, over many seeds.

Each seed is one day: the process "dies" at a point drawn from the post's steps (an exception
where that step's write would be, then the bot is replaced by a new one on the same database),
or the post reaches Discord but its answer is lost. After the restart every day has exactly one
post, recorded as posted, and the server's job is scheduled again.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox
from bot.services.potd import job_id
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_potd_schedule import caught_up, cog_of, fire_cron, post_dates, setup_potd

pytestmark = pytest.mark.e2e

SEEDS = range(8)
CRASH_POINTS = ("claim_post", "set_post_content", "mark_sending", "lost_answer", "mark_posted")


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox, tmp_path, clock=FakeClock(datetime(2026, 3, 26, 5, 0, tzinfo=UTC))
    )
    await caught_up(harness)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes


async def test_a_crash_at_any_step_of_the_daily_post_leaves_exactly_one_post(
    muse: MuseHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = muse.sandbox
    guild_id = sandbox.guild.id
    await setup_potd(muse)
    expected: list[str] = []
    crashed: set[str] = set()
    for seed in SEEDS:
        point = random.Random(seed).choice(CRASH_POINTS)
        crashed.add(point)
        with monkeypatch.context() as patch:
            if point == "lost_answer":
                sandbox.inject_fault(
                    r"^POST /channels/\d+/messages$", drop=True, after_effect=True, count=1
                )
            else:

                async def die(*args: Any, _at: str = point, **kwargs: Any) -> None:
                    raise RuntimeError(f"the process died at {_at}")

                patch.setattr(muse.bot.repos.potd, point, die)
            fired = await fire_cron(muse, guild_id)
        sandbox.clear_faults()
        expected.append(fired.date().isoformat())  # the local date of the post

        muse.clock.advance(timedelta(minutes=1))
        await muse.restart()
        await caught_up(muse)
        for _ in range(2):  # later safety sweeps find the day done
            muse.clock.advance(timedelta(minutes=30))
            await cog_of(muse).sweep()
        assert post_dates(sandbox, sandbox.channel) == expected, f"seed {seed} ({point})"
        row = await muse.bot.repos.potd.get_post(guild_id, expected[-1])
        assert row is not None and row.status == "posted", f"seed {seed} ({point}): {row}"
        assert muse.bot.scheduler.get_job(job_id(guild_id)) is not None  # re-armed
    assert len(crashed) >= 3, crashed  # the seeds reach several different points
