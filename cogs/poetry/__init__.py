"""/poetry: check a poem against a fixed form (haiku, tanka, cinquain, limerick, sonnet...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import PoetryCog

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["PoetryCog", "setup"]


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(PoetryCog(bot))
