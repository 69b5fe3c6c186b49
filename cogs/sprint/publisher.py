"""The outbox's renderer for sprint announcements in the sprint's channel.

The start and the end mention the members the service names (who joined), and allow exactly
those pings; the leaderboard and a calling off ping nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import use_locale
from bot.services.outbox import OutboxItem, OutboxMessage

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot
    from bot.services.sprint import SprintPublication

__all__ = ["SprintPublisher"]


class SprintPublisher:
    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        """The messages one ``sprint.*`` item posts (in the server's language), or None when
        the sprint is gone."""
        found = await self._bot.services.sprint.publication(item.kind, item.payload)
        if found is None:
            return None
        # A post has no member to answer: it speaks the server's language.
        with use_locale(await self._bot.services.language.server_locale(found.sprint.guild_id)):
            return self._messages(found)

    @staticmethod
    def _messages(found: SprintPublication) -> list[OutboxMessage]:
        if found.kind == "results":
            return [OutboxMessage(chunk) for chunk in render.leaderboard_chunks(found)]
        prompt = render.prompt_embed(found.sprint) if found.kind == "start" else None
        return [
            OutboxMessage(
                render.announcement(found),
                embeds=[dict(prompt.to_dict())] if prompt is not None else [],
                ping_user_ids=tuple(found.pings),
            )
        ]
