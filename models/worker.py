"""One dedicated OS thread that owns a llama.cpp model and runs every call made to it.

Like aiosqlite's bridge: callers on the event loop submit plain functions and await futures.
A llama.cpp context is not safe to share between threads, and with OpenMP a second calling thread
makes decoding about twice as slow, so loading, decoding and freeing all happen here.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["ModelWorker"]

R = TypeVar("R")
_STOP = object()


class ModelWorker:
    def __init__(self, name: str = "muse-model") -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._started = False

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def start(self) -> None:
        if not self._started:
            self._thread.start()
            self._started = True

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            fn, future, loop = job
            try:
                result = fn()
            except BaseException as exc:  # handed to the awaiting coroutine
                loop.call_soon_threadsafe(_set_exception, future, exc)
            else:
                loop.call_soon_threadsafe(_set_result, future, result)

    async def call(self, fn: Callable[[], R]) -> R:
        """Run ``fn`` on the worker thread and await its result."""
        if not self._started:
            self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._jobs.put((fn, future, loop))
        return await asyncio.shield(future)

    async def stop(self) -> None:
        if self._started and self._thread.is_alive():
            self._jobs.put(_STOP)
            await asyncio.to_thread(self._thread.join, 30)


def _set_result(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
