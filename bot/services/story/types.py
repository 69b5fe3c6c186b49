"""The records of story chains as the service, the cogs and the repository share them: a story,
a seat in its rotation, a segment written, and what the repository is asked to write.

The repository (``bot.db.repositories.stories``) maps its rows to these; the cogs render them,
with the results of the service's commands (a story's status, a page, a write, a publication).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.errors import UserInputError
from models.errors import gettext_noop

from .ports import BookFile, Notice

__all__ = [
    "AI_PARTNER_ID",
    "CANON_KINDS",
    "FORMER_MEMBER",
    "CanonEntry",
    "CanonKind",
    "CanonNameTaken",
    "NewStory",
    "ParticipantRecord",
    "Publication",
    "Recap",
    "Scope",
    "SegmentRecord",
    "StoryPage",
    "StoryRecord",
    "StoryStatus",
    "StoryTitleTaken",
    "TurnState",
    "WriteResult",
    "seat_of",
]

AI_PARTNER_ID = 0
"""The user id of the AI partner's seat."""
FORMER_MEMBER = "a former member"
"""How a member whose data was erased is credited."""

Scope = Literal["running", "open", "ended", "any"]
"""Which stories a command looks at: running (open or paused), open, ended, or any."""

CanonKind = Literal["character", "place", "object", "rule", "event"]
"""What a canon entry is about."""
CANON_KINDS: tuple[CanonKind, ...] = ("character", "place", "object", "rule", "event")


class StoryTitleTaken(UserInputError):
    """A running story of the server already has this title (the unique index said so)."""

    default_message = gettext_noop("A story with that title is already running here.")


class CanonNameTaken(UserInputError):
    """The story's canon already has an entry of this name (the unique index said so)."""

    default_message = gettext_noop("This story's canon already has an entry of that name.")


@dataclass(frozen=True, slots=True)
class StoryRecord:
    id: int
    guild_id: int
    channel_id: int
    thread_id: int
    title: str
    genre: str
    starter_id: int | None
    turn_seconds: int
    word_limit: int
    max_rounds: int | None
    max_participants: int | None
    ai_partner: bool
    shuffle: bool
    status: str
    round: int
    turn_seq: int
    current_user_id: int | None
    turn_position: float | None
    turn_started_at: datetime | None
    turn_deadline: datetime | None
    paused_at: datetime | None
    reminders_sent: int
    pinged_turn_seq: int
    summary: str
    summary_through: int
    created_at: datetime
    ended_at: datetime | None
    human_only: bool = False  # no AI partner, no AI stand-in
    language: str = "en"  # a Discord locale ("en-US", "zh-CN"): what its book declares


@dataclass(frozen=True, slots=True)
class CanonEntry:
    """One entry of a story's canon (its lorebook): a character, place, object, rule or event,
    put into the model's prompts when its name or a trigger appears in the latest passages."""

    id: int
    story_id: int
    kind: CanonKind
    name: str
    description: str
    triggers: tuple[str, ...]
    author_id: int | None  # None: the author's data was erased
    author_name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    story_id: int
    user_id: int
    display_name: str
    position: float
    active: bool
    skips_in_row: int
    joined_at: datetime
    left_at: datetime | None
    left_reason: str | None

    @property
    def is_ai(self) -> bool:
        return self.user_id == AI_PARTNER_ID


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    id: int
    story_id: int
    seq: int
    round: int
    kind: str  # 'member', 'ai' (the AI partner's own turn) or 'stand_in' (AI for a member)
    author_id: int | None
    author_name: str
    stand_in_for: int | None
    text: str
    words: int
    posted: bool
    created_at: datetime

    @property
    def ai_written(self) -> bool:
        return self.kind != "member"


@dataclass(frozen=True, slots=True)
class NewStory:
    guild_id: int
    channel_id: int
    thread_id: int
    title: str
    genre: str
    starter_id: int
    starter_name: str
    turn_seconds: int
    word_limit: int
    max_rounds: int | None
    max_participants: int | None
    ai_partner: bool
    ai_name: str
    shuffle: bool
    human_only: bool = False
    language: str = "en"


@dataclass(frozen=True, slots=True)
class TurnState:
    """Whose turn it is and since when; written together, bumping ``turn_seq``."""

    current_user_id: int | None
    turn_position: float | None
    round: int
    started_at: datetime | None
    deadline: datetime | None


def seat_of(seats: Sequence[ParticipantRecord], user_id: int | None) -> ParticipantRecord | None:
    """The seat of ``user_id`` among ``seats`` (None: no such seat, or nobody asked about)."""
    if user_id is None:
        return None
    return next((s for s in seats if s.user_id == user_id), None)


@dataclass(frozen=True, slots=True)
class StoryStatus:
    story: StoryRecord
    seats: list[ParticipantRecord]
    segment_count: int

    @property
    def current(self) -> ParticipantRecord | None:
        return seat_of(self.seats, self.story.current_user_id)

    @property
    def rotation(self) -> list[ParticipantRecord]:
        return [s for s in self.seats if s.active]


@dataclass(frozen=True, slots=True)
class WriteResult:
    story: StoryRecord
    segment: SegmentRecord
    next_writer: ParticipantRecord | None
    ended: bool


@dataclass(frozen=True, slots=True)
class StoryPage:
    story: StoryRecord
    segments: list[SegmentRecord]
    page: int  # 0-based
    pages: int
    canon: list[CanonEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Recap:
    """The "Previously…" shown to the next writer: the model's recap (``ai_written``), or an
    excerpt of the last passage when the model couldn't help."""

    text: str
    ai_written: bool


@dataclass(frozen=True, slots=True)
class Publication:
    """What one outbox item of a story says, resolved from the database when it is rendered."""

    kind: str  # "intro", "segment", "notice", "turn", "reminder" or "book"
    story: StoryRecord
    seats: list[ParticipantRecord] = field(default_factory=list)
    segment: SegmentRecord | None = None
    notice: Notice | None = None
    writer: ParticipantRecord | None = None
    recap: Recap | None = None
    level: int = 0
    segment_count: int = 0
    files: list[BookFile] = field(default_factory=list)
