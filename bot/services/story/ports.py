"""What the story service needs from the outside: a publisher (opens a story's thread on
Discord) and a turn timer (the scheduler). The cog package implements both; tests may pass fakes.
Everything posted in the thread goes through the outbox (``bot.services.outbox``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "BookFile",
    "DeadlineKind",
    "DeadlinePlan",
    "ModeratorCheck",
    "Notice",
    "NoticeKind",
    "StoryPublisher",
    "TurnTimer",
]


ModeratorCheck = Callable[[int], bool]
"""Whether the member acting may moderate in a channel, given its id: the adapter answers with the
member's permissions in that channel (Manage Messages), not where the command was typed."""


class DeadlineKind(StrEnum):
    HALF = "half"  # reminder at half the turn
    LATE = "late"  # reminder at 90 % of the turn
    EXPIRE = "expire"  # the turn is over


class NoticeKind(StrEnum):
    JOINED = "joined"
    LEFT = "left"
    KICKED = "kicked"
    SKIPPED = "skipped"  # the writer's time ran out
    SKIPPED_BY_MODERATOR = "skipped_by_moderator"
    REMOVED = "removed"  # too many missed turns in a row
    AI_FAILED = "ai_failed"  # the AI partner couldn't write its turn
    WAITING = "waiting"  # nobody left to take the next turn
    PAUSED = "paused"
    RESUMED = "resumed"


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    name: str = ""  # the member concerned, as shown
    count: int = 0  # e.g. missed turns in a row


@dataclass(frozen=True, slots=True)
class DeadlinePlan:
    """The jobs of one turn. ``turn_seq`` goes with them: a job of an older turn does nothing."""

    story_id: int
    guild_id: int
    turn_seq: int
    times: dict[DeadlineKind, datetime]


@dataclass(frozen=True, slots=True)
class BookFile:
    filename: str
    data: bytes
    content_type: str


class TurnTimer(Protocol):
    def arm(self, plan: DeadlinePlan) -> None:
        """Schedule the plan's jobs, replacing the story's earlier ones."""
        ...

    def disarm(self, story_id: int) -> None: ...


class StoryPublisher(Protocol):
    async def open_thread(
        self, *, guild_id: int, channel_id: int, title: str, genre: str, starter_name: str
    ) -> int:
        """Announce a new story in the channel and open its thread; returns the thread id."""
        ...
