"""The /write command: validate and record the request, then stream the piece."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from discord import app_commands
from discord.ext import commands

from bot.discord_io import MuseInteraction, defer_thinking, generation_limited
from bot.services.writing import TONE_LIMIT, TOPIC_LIMIT

from .render import stream_piece
from .views import result_view

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["WriteCog"]


class WriteCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @app_commands.command(name="write")
    @generation_limited()
    @app_commands.describe(
        form="What to write",
        topic=f"What it's about (up to {TOPIC_LIMIT} characters)",
        tone=f"Optional mood or voice, e.g. wistful, playful, noir (up to {TONE_LIMIT} characters)",
        length="How long (default medium)",
    )
    async def write(
        self,
        interaction: MuseInteraction,
        form: Literal["poem", "story", "lyrics", "scene"],
        topic: app_commands.Range[str, 1, TOPIC_LIMIT],
        tone: app_commands.Range[str, 1, TONE_LIMIT] | None = None,
        length: Literal["short", "medium", "long"] = "medium",
    ) -> None:
        """Write a poem, short story, song lyric or screenplay scene from a topic."""
        # Validate and record before acknowledging: bad input gets a private reply, nothing public.
        stream = await self.bot.services.writing.write(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id or 0,
            user_id=interaction.user.id,
            form=form,
            topic=topic,
            tone=tone,
            length=length,
        )
        await defer_thinking(interaction)
        await stream_piece(self.bot, interaction, stream, result_view(stream.generation_id))
