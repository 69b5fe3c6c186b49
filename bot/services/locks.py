"""One lock per key (a story, a draft, a server), created on first use and dropped when unused."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable

__all__ = ["KeyedLocks"]


class KeyedLocks:
    """``async with locks[key]:`` serialises work on one key without a lock per key forever:
    a lock lives only while some coroutine holds or waits for it."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def __getitem__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
