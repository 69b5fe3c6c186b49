"""Value types of the prompt of the day, and the structured shape the model must fill in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MEDIA",
    "MEDIUM_LABELS",
    "Actor",
    "CalendarView",
    "HistoryEntry",
    "HistoryPage",
    "Medium",
    "PostOutcome",
    "PotdConfigRecord",
    "PotdOptions",
    "PotdOverview",
    "PotdPostRecord",
    "PotdQueueRecord",
    "PotdSubmissionRecord",
    "PotdSuggestionRecord",
    "Preview",
    "PromptContent",
    "PromptDraft",
    "ServerMedium",
    "StreakInfo",
    "SubmissionResult",
]

Medium = Literal["visual", "writing", "music", "mixed"]
MEDIA: tuple[Medium, ...] = ("visual", "writing", "music", "mixed")


class ServerMedium(Protocol):
    """Where the server's medium is kept (``guild_settings``; /inspire reads it)."""

    async def set_medium(self, guild_id: int, medium: Medium) -> object: ...


MEDIUM_LABELS: dict[str, str] = {
    "visual": "Visual art",
    "writing": "Writing",
    "music": "Music",
    "mixed": "Mixed media",
}

TITLE_PATTERN = r"^[A-Za-z][A-Za-z0-9 ,.:'!?&-]*$"
TAG_PATTERN = r"^[A-Za-z][A-Za-z -]*$"
TEXT_PATTERN = r"^[^<>{}@\\]+$"
# The prompt is a sentence: the grammar makes the model finish it with . ! or ?
PROMPT_PATTERN = r"^[^<>{}@\\]+[.!?]$"

Twist = Annotated[str, Field(min_length=3, max_length=100, pattern=TEXT_PATTERN)]
Tag = Annotated[str, Field(min_length=2, max_length=20, pattern=TAG_PATTERN)]


class PromptDraft(BaseModel):
    """What the model proposes. Every string and list is bounded (see MODEL_NOTES.md)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=60, pattern=TITLE_PATTERN)
    prompt: str = Field(min_length=20, max_length=320, pattern=PROMPT_PATTERN)
    twists: list[Twist] = Field(default_factory=list, max_length=3)
    tags: list[Tag] = Field(default_factory=list, max_length=4)


@dataclass(frozen=True, slots=True)
class PromptContent:
    """A prompt ready to post, from whichever source."""

    title: str
    prompt: str
    twists: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    medium: str = "mixed"
    source: Literal["queue", "suggestion", "model", "fallback"] = "model"
    queue_id: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, and whether Discord says they may manage the server."""

    user_id: int
    can_manage: bool = False


@dataclass(frozen=True, slots=True)
class PotdOptions:
    """Operator settings the service needs (from ``MUSE_POTD_*``)."""

    grace_hours: float = 6.0
    similarity_threshold: float = 82.0
    history_size: int = 365
    generation_attempts: int = 3
    temperature: float = 0.7
    sweep_minutes: int = 5
    # How long the daily job waits for the outbox to deliver its post before it reports the
    # post as queued (the worker goes on retrying either way).
    post_wait_seconds: float = 10.0


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What one due-check did for one server."""

    guild_id: int
    action: Literal[
        "posted",
        "adopted",
        "queued",
        "not_configured",
        "paused",
        "not_due",
        "exists",
        "waiting",
        "failed",
        "unknown",
        "missed",
        "error",
    ]
    local_date: str | None = None
    message_id: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CalendarView:
    default: tuple[str, ...] = ()
    months: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def word_for(self, month: int, day: int) -> str | None:
        words = self.months.get(month) or self.default
        return words[day - 1] if 0 < day <= len(words) else None


@dataclass(frozen=True, slots=True)
class PotdOverview:
    guild_id: int
    configured: bool
    channel_id: int | None = None
    post_time: time | None = None
    timezone: str | None = None
    medium: str | None = None
    themes: str | None = None
    paused: bool = False
    next_post_at: datetime | None = None
    grace_hours: float = 6.0
    queued: int = 0
    pending_suggestions: int = 0
    calendar: CalendarView = field(default_factory=CalendarView)
    last_post_date: str | None = None
    last_post_status: str | None = None
    last_post_note: str | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    content: PromptContent
    draft_id: int | None  # a generated preview that can be kept in the queue
    calendar_word: str | None
    local_date: str


@dataclass(frozen=True, slots=True)
class StreakInfo:
    user_id: int
    current: int
    best: int
    total: int


@dataclass(frozen=True, slots=True)
class SubmissionResult:
    submission_id: int
    user_id: int
    post_id: int
    local_date: str
    title: str
    channel_id: int
    message_id: int | None
    thread_id: int | None
    text: str | None
    attachment_name: str | None
    streak: StreakInfo


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    local_date: str
    title: str
    source: str | None
    submissions: int
    channel_id: int
    message_id: int | None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: tuple[HistoryEntry, ...]
    page: int
    pages: int
    total: int


# -- the rows the repository maps to ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PotdConfigRecord:
    guild_id: int
    channel_id: int
    post_time: str
    timezone: str
    medium: str
    themes: str | None
    paused: bool
    active_since: datetime


@dataclass(frozen=True, slots=True)
class PotdPostRecord:
    id: int
    guild_id: int
    local_date: str
    status: str
    source: str | None
    title: str | None
    prompt: str | None
    twists: tuple[str, ...]
    tags: tuple[str, ...]
    medium: str | None
    calendar_word: str | None
    channel_id: int
    message_id: int | None
    thread_id: int | None
    late: bool
    note: str | None
    claimed_at: datetime
    send_started_at: datetime | None
    posted_at: datetime | None

    @property
    def has_content(self) -> bool:
        return bool(self.title and self.prompt)


@dataclass(frozen=True, slots=True)
class PotdQueueRecord:
    id: int
    guild_id: int
    status: str
    origin: str
    title: str
    prompt: str
    twists: tuple[str, ...]
    tags: tuple[str, ...]
    author_id: int | None
    added_by: int | None


@dataclass(frozen=True, slots=True)
class PotdSuggestionRecord:
    id: int
    guild_id: int
    user_id: int
    title: str
    prompt: str
    status: str
    reviewer_id: int | None
    queue_id: int | None


@dataclass(frozen=True, slots=True)
class PotdSubmissionRecord:
    id: int
    guild_id: int
    post_id: int
    local_date: str
    user_id: int
    text: str | None
    attachment_name: str | None
    attachment_url: str | None
    message_id: int | None
    created_at: datetime
