"""What the sprint service needs from the outside: a timer (the scheduler), and optionally a
prompt source (the prompt-of-the-day generator) and the daily streaks shown beside sprint stats.
The cog package and the container supply them; tests pass fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["DailyStreaks", "SprintPrompt", "SprintPrompts", "SprintTimer", "StreakLike"]


class SprintTimer(Protocol):
    def arm(self, sprint_id: int, guild_id: int, at: datetime) -> None:
        """Run the sprint's next step at ``at``, replacing its earlier job."""
        ...

    def disarm(self, sprint_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class SprintPrompt:
    title: str
    text: str


class SprintPrompts(Protocol):
    async def sprint_prompt(self, guild_id: int) -> SprintPrompt | None:
        """A writing prompt to open a sprint with, or None when none can be had."""
        ...


class StreakLike(Protocol):
    @property
    def current(self) -> int: ...

    @property
    def best(self) -> int: ...


class DailyStreaks(Protocol):
    async def streak(self, guild_id: int, user_id: int) -> StreakLike: ...
