"""The records of writing sprints as the service, the cogs and the repository share them.

The repository (``bot.db.repositories.sprints``) maps its rows to these; the cogs render them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from bot.errors import UserInputError
from models.errors import gettext_noop

__all__ = [
    "DELAY_MINUTES",
    "DURATION_MINUTES",
    "GOAL_WORDS",
    "MAX_PARTICIPANTS",
    "MAX_WORDS",
    "LiveSprintTaken",
    "NewSprint",
    "Phase",
    "PublicationKind",
    "SprintParticipant",
    "SprintPublication",
    "SprintRecord",
    "SprintStats",
    "SprintStatus",
    "Standing",
    "WordsMode",
]

DURATION_MINUTES = (5, 120)
"""The shortest and longest sprint, in minutes."""
DELAY_MINUTES = (0, 60)
"""The longest wait before a sprint starts."""
GOAL_WORDS = (1, 100_000)
"""The bounds of a sprint's word goal."""
MAX_WORDS = 1_000_000
"""The largest word count a member may report (a novel is about 100,000 words)."""
MAX_PARTICIPANTS = 50
"""Everyone who joins is pinged in one message: fifty mentions fit Discord's limits."""

Stage = Literal["scheduled", "running", "grace", "ended", "cancelled"]
PublicationKind = Literal["start", "end", "results", "cancelled"]


class Phase(StrEnum):
    """Where a sprint stands at a moment (from its times, not from what was announced)."""

    WAITING = "waiting"  # started with a delay: not begun yet
    RUNNING = "running"
    GRACE = "grace"  # time is up; final word counts are still taken
    ENDED = "ended"
    CANCELLED = "cancelled"


class WordsMode(StrEnum):
    TOTAL = "total"  # the member's whole count now: words = count - starting count
    ADDED = "added"  # the words written since joining


class LiveSprintTaken(UserInputError):
    """The channel already has a sprint waiting or running (the unique index said so)."""

    default_message = gettext_noop("A sprint is already on in this channel.")


@dataclass(frozen=True, slots=True)
class NewSprint:
    guild_id: int
    channel_id: int
    starter_id: int
    duration_minutes: int
    goal_words: int | None
    prompt_title: str | None
    prompt_text: str | None
    created_at: datetime
    starts_at: datetime
    ends_at: datetime
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class SprintRecord:
    id: int
    guild_id: int
    channel_id: int
    starter_id: int | None
    duration_minutes: int
    goal_words: int | None
    prompt_title: str | None
    prompt_text: str | None
    stage: Stage
    created_at: datetime
    starts_at: datetime
    ends_at: datetime
    closes_at: datetime
    ended_early: bool
    ended_at: datetime | None

    def phase(self, now: datetime) -> Phase:
        if self.stage == "cancelled":
            return Phase.CANCELLED
        if self.stage == "ended" or now >= self.closes_at:
            return Phase.ENDED
        if now >= self.ends_at:
            return Phase.GRACE
        if now >= self.starts_at:
            return Phase.RUNNING
        return Phase.WAITING


@dataclass(frozen=True, slots=True)
class SprintParticipant:
    sprint_id: int
    user_id: int
    display_name: str
    start_words: int
    words: int | None
    wpm: float | None
    joined_at: datetime
    reported_at: datetime | None


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of a leaderboard."""

    rank: int
    user_id: int
    display_name: str
    words: int | None  # None: no count reported
    wpm: float
    reached_goal: bool


@dataclass(frozen=True, slots=True)
class SprintStatus:
    sprint: SprintRecord
    phase: Phase
    now: datetime
    participants: Sequence[SprintParticipant]


@dataclass(frozen=True, slots=True)
class SprintPublication:
    """What one outbox item of a sprint posts, read when it is delivered."""

    kind: PublicationKind
    sprint: SprintRecord
    participants: Sequence[SprintParticipant]
    standings: Sequence[Standing] = ()
    grace_minutes: float = 0.0
    pings: Sequence[int] = ()
    """Who the post mentions: at the start, everyone who joined before it began (a sprint
    started with no delay doesn't ping its starter, who just started it); at the end, every
    participant; nobody on the leaderboard or a calling off."""


@dataclass(frozen=True, slots=True)
class SprintStats:
    """A member's sprint totals in one server (ended sprints only)."""

    user_id: int
    sprints: int
    words: int
    best_wpm: float | None
    streak_current: int | None = None  # the prompt-of-the-day streak, when the server keeps one
    streak_best: int | None = None
