"""Style memory in Discord: /style, /inspire, /analyze, /discover, /mydata, /erase-member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import CreativeCog, DataCog, StyleCog
from .views import CancelEraseButton, EraseButton

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["CreativeCog", "DataCog", "StyleCog", "setup"]


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(EraseButton, CancelEraseButton)
    await bot.add_cog(StyleCog(bot))
    await bot.add_cog(CreativeCog(bot))
    await bot.add_cog(DataCog(bot))
