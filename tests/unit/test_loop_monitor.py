"""The loop-lag check used by the engine tests fails when work holds the event loop."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.conftest import LoopMonitor


class Scheduler:
    def __init__(self) -> None:
        self.decode: Any = lambda entries, abort: 0


async def test_a_loop_held_by_blocking_work_fails_the_check(loop_monitor: LoopMonitor) -> None:
    scheduler = Scheduler()
    loop_monitor.watch_decodes(scheduler)
    async with loop_monitor:
        await asyncio.sleep(0.3)
        scheduler.decode([], None)
        time.sleep(0.6)  # noqa: ASYNC251 - the point: a stall on the loop's own thread
        await asyncio.sleep(0.1)
    with pytest.raises(AssertionError):
        loop_monitor.assert_responsive()


async def test_work_on_another_thread_passes(loop_monitor: LoopMonitor) -> None:
    scheduler = Scheduler()
    loop_monitor.watch_decodes(scheduler)

    def work() -> None:
        scheduler.decode([], None)
        time.sleep(0.5)

    async with loop_monitor:
        await asyncio.to_thread(work)
    loop_monitor.assert_responsive()
