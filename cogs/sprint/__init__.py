"""Writing sprints in Discord: the /sprint commands and the outbox renderer of their
announcements; the extension wires them, with the sprint timer on the bot's scheduler
(``bot.scheduling.sprint``), to the sprint service."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.scheduling.sprint import SchedulerSprintTimer

from .cog import SprintCog
from .publisher import SprintPublisher

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["SprintCog", "SprintPublisher", "setup"]

log = logging.getLogger(__name__)


class _SprintExtension(SprintCog):
    """The cog plus its lifecycle: wire the service on load, re-arm the timers, stop on
    unload."""

    async def cog_load(self) -> None:
        service = self.bot.services.sprint
        service.attach(SchedulerSprintTimer(self.bot))
        self.bot.outbox_transport.register("sprint.", SprintPublisher(self.bot).render)
        live = await service.recover(self.bot.owns_guild)
        if live:
            log.info("re-armed the timers of %d live sprint(s)", live)

    async def cog_unload(self) -> None:
        self.bot.outbox_transport.unregister("sprint.")
        self.bot.services.sprint.detach()


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(_SprintExtension(bot))
