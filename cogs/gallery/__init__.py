"""The gallery in Discord: /gallery link, enable, disable, rotate, public, profile, share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import GalleryCog

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["GalleryCog", "setup"]


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(GalleryCog(bot))
