"""Discord-shaped ids and timestamps: snowflakes that only grow, and ISO times in UTC."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

from .constants import DISCORD_EPOCH_MS

__all__ = ["SnowflakeGenerator", "iso_now"]


def iso_now() -> str:
    """The current UTC time as Discord writes timestamps."""
    return datetime.now(UTC).isoformat()


class SnowflakeGenerator:
    """Discord-shaped, strictly increasing snowflake ids."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(value, self._last + 1)
        return self._last

    def advance_to(self, value: int) -> None:
        """Ids after this one are all greater than ``value``."""
        self._last = max(self._last, value)
