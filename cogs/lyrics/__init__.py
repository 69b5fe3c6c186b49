"""/lyrics: the lyric studio (drafts under rhyme and syllable rules, rhymes, syllables,
analysis, chords with MIDI, a melody for a lyric)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cog import LyricsCog
from .melody import MELODY_ITEMS
from .views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["LyricsCog", "setup"]


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS, *MELODY_ITEMS)
    await bot.add_cog(LyricsCog(bot))
