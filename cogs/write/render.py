"""How a piece of writing is shown: streamed into the deferred reply under its title, with the
buttons to regenerate and continue left under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord_io import NO_PINGS, InteractionTarget, StreamingReply
from bot.services.markdown import escape_line
from bot.services.poetry import FormPoem
from bot.services.writing import WritingStream
from cogs.poetry.render import check_pages

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["show_poem", "stream_piece"]


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


async def show_poem(
    interaction: discord.Interaction[MuseBot], poem: FormPoem, final_view: discord.ui.View
) -> None:
    """A fixed-form poem, generated whole, shown at once with each line's check; the button
    goes under the last message."""
    pages = check_pages(poem.title, poem.composition.final, rounds=poem.composition.rounds)
    last = len(pages) - 1
    await interaction.edit_original_response(
        content=None,
        embeds=pages[0],
        view=final_view if last == 0 else None,
        allowed_mentions=NO_PINGS,
    )
    for n, page in enumerate(pages[1:], start=1):
        if n == last:
            await interaction.followup.send(embeds=page, view=final_view, allowed_mentions=NO_PINGS)
        else:
            await interaction.followup.send(embeds=page, allowed_mentions=NO_PINGS)
