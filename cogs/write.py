"""/write: free writing help, streamed, with buttons to regenerate and continue."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import (
    InteractionTarget,
    StreamingReply,
    defer_thinking,
    handle_interaction_error,
)
from bot.services.writing import WritingService, WritingStream

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


class _PieceButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^$"):
    """A button bound to a stored generation id; it survives restarts."""

    action = "base"

    def __init__(self, generation_id: int, *, label: str, emoji: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=f"muse:write:{self.action}:{generation_id}",
            )
        )
        self.generation_id = generation_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> _PieceButton:
        return cls(int(match["id"]))  # type: ignore[call-arg]

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: MuseBot = interaction.client  # type: ignore[assignment]
        try:
            # Ownership is checked before acknowledging, so a refusal can be private.
            stream = await self.start(bot.services.writing, interaction.user.id)
            await defer_thinking(interaction)
            await stream_piece(bot, interaction, stream)
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


class RegenerateButton(_PieceButton, template=r"^muse:write:regen:(?P<id>\d+)$"):
    action = "regen"

    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label="Regenerate", emoji="🔄")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.regenerate(self.generation_id, user_id)


class ContinueButton(_PieceButton, template=r"^muse:write:cont:(?P<id>\d+)$"):
    action = "cont"

    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label="Continue", emoji="➡️")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.continue_(self.generation_id, user_id)


class WriteCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @app_commands.command(name="write")
    @app_commands.describe(
        form="What to write",
        topic="What it's about (up to 300 characters)",
        tone="Optional mood or voice, e.g. wistful, playful, noir (up to 60 characters)",
        length="How long (default medium)",
    )
    async def write(
        self,
        interaction: discord.Interaction,
        form: Literal["poem", "story", "lyrics", "scene"],
        topic: str,
        tone: str | None = None,
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
