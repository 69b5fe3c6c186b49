"""The gallery's records, as the service, the web pages, the cog and the repository share them.

The repository (``bot.db.repositories.gallery``) maps its rows to these. Every record here is
something a page may show: the queries behind them already applied the consent rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "ArchivedPrompt",
    "GalleryConfig",
    "GalleryMember",
    "MemberWork",
    "PaletteRecord",
    "PromptMonth",
    "PromptRow",
    "SearchRow",
    "SharedSubmission",
    "StorySummary",
    "WorkKind",
]

WorkKind = Literal["potd", "palette", "lyrics"]
"""The kinds of work a member shares or makes private with /gallery share."""


@dataclass(frozen=True, slots=True)
class GalleryConfig:
    guild_id: int
    enabled: bool
    token: str
    indexable: bool  # /gallery public: search engines may index the pages
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GalleryMember:
    """A member who opted in to a page of their own, with the name it shows."""

    guild_id: int
    user_id: int
    display_name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: int
    title: str
    genre: str
    created_at: datetime
    ended_at: datetime | None
    segments: int
    human_only: bool


@dataclass(frozen=True, slots=True)
class PromptMonth:
    month: str  # 'YYYY-MM'
    prompts: int


@dataclass(frozen=True, slots=True)
class PromptRow:
    post_id: int
    local_date: str
    title: str
    prompt: str


@dataclass(frozen=True, slots=True)
class SharedSubmission:
    id: int
    post_id: int
    local_date: str
    user_id: int
    text: str | None
    attachment_name: str | None
    attachment_url: str | None
    author_name: str | None  # None: the author has no gallery page, so no name is shown
    prompt_title: str = ""


@dataclass(frozen=True, slots=True)
class ArchivedPrompt:
    prompt: PromptRow
    submissions: list[SharedSubmission] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PaletteRecord:
    id: int
    guild_id: int
    user_id: int
    title: str
    colours: tuple[str, ...]
    shared: bool
    created_at: datetime
    author_name: str | None = None


@dataclass(frozen=True, slots=True)
class SearchRow:
    kind: str  # 'story', 'potd_submission' or 'lyrics'
    ref: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class MemberWork:
    """One of a member's own works, as /gallery share offers it."""

    kind: WorkKind
    id: int
    label: str
    shared: bool

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}"
