"""/write: free writing help, streamed, with buttons to regenerate and continue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import (
    InteractionTarget,
    RecordButton,
    StreamingReply,
    defer_thinking,
    generation_limited,
    holds_generation,
)
from bot.services.writing import TONE_LIMIT, TOPIC_LIMIT, WritingService, WritingStream

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["ContinueButton", "RegenerateButton", "WriteCog", "setup"]


def result_view(generation_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateButton(generation_id))
    view.add_item(ContinueButton(generation_id))
    return view


async def stream_piece(
    bot: MuseBot, interaction: discord.Interaction, stream: WritingStream
) -> None:
    """Stream a piece into the deferred response and leave the buttons under it."""
    reply = StreamingReply(
        InteractionTarget(interaction),
        interval=bot.settings.stream_edit_interval,
        header=f"**{discord.utils.escape_markdown(stream.title)}**\n\n",
    )
    async with bot.track_generation(interaction):
        await reply.run(stream.events(), final_view=result_view(stream.generation_id))


class _PieceButton(RecordButton, prefix="muse:write:base"):
    """A button bound to a stored generation id; it survives restarts."""

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        raise NotImplementedError

    @holds_generation
    async def run(self, interaction: discord.Interaction) -> None:
        bot: MuseBot = interaction.client  # type: ignore[assignment]
        # Ownership is checked before acknowledging, so a refusal can be private.
        stream = await self.start(bot.services.writing, interaction.user.id)
        await defer_thinking(interaction)
        await stream_piece(bot, interaction, stream)


class RegenerateButton(_PieceButton, prefix="muse:write:regen"):
    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label="Regenerate", emoji="🔄")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.regenerate(self.record_id, user_id)


class ContinueButton(_PieceButton, prefix="muse:write:cont"):
    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label="Continue", emoji="➡️")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.continue_(self.record_id, user_id)


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
        interaction: discord.Interaction,
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
        await stream_piece(self.bot, interaction, stream)


async def setup(bot: MuseBot) -> None:
    bot.add_dynamic_items(RegenerateButton, ContinueButton)
    await bot.add_cog(WriteCog(bot))
