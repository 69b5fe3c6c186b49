"""Seams between features. Style memory plugs in here; until then the defaults do nothing.

Every feature that makes something for a member asks :class:`StyleBriefs` for a compact brief to
add to the prompt, and tells :class:`Contributions` what the member made, so style memory can
learn from it (for members who opted in; the implementation decides).
"""

from __future__ import annotations

from typing import Literal, Protocol

__all__ = ["ContributionKind", "Contributions", "NoContributions", "NoStyleBriefs", "StyleBriefs"]

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
