"""Prompt of the day: the /potd commands, their buttons and the Discord publisher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import PotdCog
from .publisher import DiscordPotdPublisher
from .views import HistoryButton, PreviewAgainButton, PreviewKeepButton, ReviewButton

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["DiscordPotdPublisher", "PotdCog", "setup"]


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(PreviewAgainButton, PreviewKeepButton, ReviewButton, HistoryButton)
    await bot.add_cog(PotdCog(bot))
