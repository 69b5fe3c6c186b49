"""The one idiom for background work: :class:`BackgroundTasks` spawns a coroutine as a task that
is kept referenced, logs its failure instead of losing it, and is cancelled or awaited on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["BackgroundTasks"]

log = logging.getLogger(__name__)


class BackgroundTasks:
    """A set of named background tasks owned by one component (a service or a cog).

    ``quiet`` names exception types that end a task without an error in the log (a generation
    cut off by shutdown, say); they are logged at INFO instead.
    """

    def __init__(self, owner: str, *, quiet: tuple[type[BaseException], ...] = ()) -> None:
        self._owner = owner
        self._quiet = quiet
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def __bool__(self) -> bool:
        return bool(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background; its failure is logged with ``name``."""
        task = asyncio.get_running_loop().create_task(self._guarded(coro, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # A task cancelled before its first step never starts ``coro``: close it so that it is
        # not reported as "never awaited". Closing a finished coroutine does nothing.
        task.add_done_callback(lambda _task: coro.close())
        return task

    async def _guarded(self, coro: Coroutine[Any, Any, Any], name: str) -> Any:
        try:
            return await coro
        except asyncio.CancelledError:
            raise
        except self._quiet as exc:
            log.info("%s background task %s ended early: %s", self._owner, name, type(exc).__name__)
        except Exception:
            log.exception("%s background task %s failed", self._owner, name)
        return None

    async def wait(self) -> None:
        """Wait until every task spawned so far, and any it spawns, has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_all(self) -> None:
        """Cancel every task and wait for them to unwind."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
