"""The /write command: validate and record the request, then stream the piece."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import MuseInteraction, defer_thinking, generation_limited
from bot.services.writing import ALL_FORMS, FORM_LABELS, TONE_LIMIT, TOPIC_LIMIT

from .render import show_poem, stream_piece
from .views import form_view, result_view

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["WriteCog"]

FORM_CHOICES = [app_commands.Choice(name=FORM_LABELS[key], value=key) for key in ALL_FORMS]


class WriteCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @app_commands.command(name="write")
    @generation_limited()
    @app_commands.describe(
        form="What to write; a fixed form (haiku, sonnet...) comes back checked line by line",
        topic=f"What it's about (up to {TOPIC_LIMIT} characters)",
        tone=f"Optional mood or voice, e.g. wistful, playful, noir (up to {TONE_LIMIT} characters)",
        length="How long (default medium; a fixed form has its own length)",
    )
    @app_commands.choices(form=FORM_CHOICES)
    async def write(
        self,
        interaction: MuseInteraction,
        form: str,
        topic: app_commands.Range[str, 1, TOPIC_LIMIT],
        tone: app_commands.Range[str, 1, TONE_LIMIT] | None = None,
        length: Literal["short", "medium", "long"] = "medium",
    ) -> None:
        """Write a poem, short story, song lyric or screenplay scene from a topic."""
        service = self.bot.services.writing
        if service.is_fixed(form):
            service.validate(form, topic, tone, length)  # a private reply before any work
            await defer_thinking(interaction)

            async def progress(note: str) -> None:
                with contextlib.suppress(discord.HTTPException):
                    await interaction.edit_original_response(content=f"⏳ {note}")

            async with self.bot.track_generation(interaction):
                poem = await service.write_form(
                    guild_id=interaction.guild_id,
                    channel_id=interaction.channel_id or 0,
                    user_id=interaction.user.id,
                    form=form,
                    topic=topic,
                    tone=tone,
                    progress=progress,
                )
            await show_poem(interaction, poem, form_view(poem.generation_id))
            return
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
