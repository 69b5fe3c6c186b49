"""/write: free writing help, streamed, with buttons to regenerate and continue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import WriteCog
from .views import ContinueButton, RegenerateButton, RegenerateFormButton

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["ContinueButton", "RegenerateButton", "RegenerateFormButton", "WriteCog", "setup"]


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(RegenerateButton, ContinueButton, RegenerateFormButton)
    await bot.add_cog(WriteCog(bot))
