"""Shared fixtures: a clean environment for settings, a migrated temporary database."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bot.db import Database, Repositories

# Property tests draw the same examples on every run and every machine, so a green suite is
# green anywhere and a red one reproduces as it is. To hunt for new counterexamples, run
# HYPOTHESIS_PROFILE=explore python -m pytest -k <test>: random draws, many more of them.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _clean_muse_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No MUSE_* variable, .env or muse.toml from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("MUSE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "muse-test.db")
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def repos(db: Database) -> Repositories:
    return Repositories.build(db)


class LoopMonitor:
    """Ticks on the event loop while something runs, to show that the loop was never held.

    What it checks holds on any machine, however slow or shared: the loop kept ticking for most
    of the run, and no single stall came near the length of the whole run (work done on the loop
    thread would show as one stall as long as the work). Absolute milliseconds do not: a busy
    2-core machine delays any thread's wake-up now and then.
    """

    interval = 0.01

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.elapsed = 0.0
        self.decode_threads: set[int] = set()
        self._loop_thread = threading.get_ident()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            self.lags.append(time.perf_counter() - before - self.interval)

    def watch_decodes(self, scheduler: Any) -> None:
        """Record which threads a batch scheduler decodes on (checked in assert_responsive)."""
        decode = scheduler.decode

        def spy(entries: Any, abort: Any) -> int:
            self.decode_threads.add(threading.get_ident())
            return int(decode(entries, abort))

        scheduler.decode = spy

    async def __aenter__(self) -> LoopMonitor:
        self._started = time.perf_counter()
        self._task = asyncio.create_task(self._tick())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task
        self.elapsed = time.perf_counter() - self._started

    def assert_responsive(self) -> None:
        # Exact on every machine: no llama decode ran on the event loop's thread.
        assert self.decode_threads and self._loop_thread not in self.decode_threads
        stalled = max(self.lags)
        ticking = len(self.lags) * self.interval / self.elapsed  # 1.0 on an idle machine
        assert len(self.lags) > 20, "the run was too short to say anything"
        assert stalled < self.elapsed / 4, (
            f"the event loop stalled {stalled * 1000:.0f} ms of a {self.elapsed:.2f} s run"
        )
        assert ticking > 0.3, f"the loop made only {ticking:.0%} of its ticks"


@pytest.fixture
def loop_monitor() -> LoopMonitor:
    return LoopMonitor()
