"""Seams between features. Style memory plugs in here; until then the defaults do nothing.

Every feature that makes something for a member asks :class:`StyleBriefs` for a compact brief to
add to the prompt, and tells :class:`Contributions` what the member made, so style memory can
learn from it (for members who opted in; the implementation decides).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

__all__ = [
    "ContributionKind",
    "Contributions",
    "ErasureHook",
    "MemberData",
    "NoContributions",
    "NoStyleBriefs",
    "NoWorksIndex",
    "StyleBriefs",
    "WorksIndex",
]

ContributionKind = Literal["write_topic", "story_segment", "lyrics_draft", "potd_submission"]


class StyleBriefs(Protocol):
    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None: ...


class Contributions(Protocol):
    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None: ...


class NoStyleBriefs:
    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        return None


class NoContributions:
    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        return None


class MemberData(Protocol):
    """A repository holding data about members: it can export and erase one member's data.

    ``erase_member`` removes or anonymises everything that identifies the member in its tables
    (shared works may stay, credited to "a former member") and returns how many rows changed.
    """

    data_name: str

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]: ...

    async def erase_member(self, guild_id: int, user_id: int) -> int: ...


class ErasureHook(Protocol):
    """A feature with live state about a member (a story turn they hold) that must be wound down
    through its own logic before the member's rows are erased."""

    async def release_member(self, guild_id: int, user_id: int) -> int: ...


class WorksIndex(Protocol):
    """Community works members can discover: finished stories, prompt submissions, lyrics their
    authors shared. Indexing is idempotent per ``(guild_id, kind, ref)``; ``human_only`` marks a
    work written without AI (a human-only story)."""

    async def index_work(
        self,
        *,
        guild_id: int,
        kind: str,
        ref: str,
        title: str,
        text: str,
        author_id: int | None = None,
        url: str | None = None,
        human_only: bool = False,
    ) -> int: ...

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool: ...


class NoWorksIndex:
    async def index_work(
        self,
        *,
        guild_id: int,
        kind: str,
        ref: str,
        title: str,
        text: str,
        author_id: int | None = None,
        url: str | None = None,
        human_only: bool = False,
    ) -> int:
        return 0

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool:
        return False
