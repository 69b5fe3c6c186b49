"""How a piece of writing is shown: streamed into the deferred reply under its title, with the
buttons to regenerate and continue left under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord_io import InteractionTarget, StreamingReply
from bot.services.markdown import escape_line
from bot.services.writing import WritingStream

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["stream_piece"]


async def stream_piece(
    bot: MuseBot,
    interaction: discord.Interaction[MuseBot],
    stream: WritingStream,
    final_view: discord.ui.View,
) -> None:
    """Stream a piece into the deferred response and leave ``final_view`` under it."""
    reply = StreamingReply(
        InteractionTarget(interaction),
        interval=bot.settings.stream_edit_interval,
        header=f"**{escape_line(stream.title)}**\n\n",
    )
    async with bot.track_generation(interaction):
        await reply.run(stream.events(), final_view=final_view)
