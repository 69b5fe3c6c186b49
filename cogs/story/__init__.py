"""Story chains in Discord: the /story commands, the pager and form, and the thread publisher;
the extension wires them, with the turn deadlines on the bot's scheduler
(``bot.scheduling.story``), to the story service."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.scheduling.story import SchedulerTurnTimer

from .cog import StoryCog
from .publisher import DiscordStoryPublisher
from .views import PageButton, StoryWriteModal

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = [
    "DiscordStoryPublisher",
    "PageButton",
    "StoryCog",
    "StoryWriteModal",
    "setup",
]

log = logging.getLogger(__name__)


class _StoryExtension(StoryCog):
    """The cog plus its lifecycle: wire the service on load, rebuild deadlines, stop on unload."""

    async def cog_load(self) -> None:
        service = self.bot.services.story
        publisher = DiscordStoryPublisher(self.bot)
        service.attach(publisher, SchedulerTurnTimer(self.bot))
        self.bot.outbox_transport.register("story.", publisher.render)
        armed = await service.recover(self.bot.owns_guild)
        if armed:
            log.info("re-armed the deadlines of %d running story turn(s)", armed)

    async def cog_unload(self) -> None:
        self.bot.outbox_transport.unregister("story.")
        await self.bot.services.story.close()


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(PageButton)
    await bot.add_cog(_StoryExtension(bot))
