"""The buttons under a piece: Regenerate and Continue, bound to the stored generation so they
keep working after a restart."""

from __future__ import annotations

import discord

from bot.discord_io import MuseInteraction, RecordButton, defer_thinking, holds_generation
from bot.services.writing import WritingService, WritingStream

from .render import stream_piece

__all__ = ["ContinueButton", "RegenerateButton", "result_view"]


def result_view(generation_id: int) -> discord.ui.View:
    """The buttons left under a finished piece."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateButton(generation_id))
    view.add_item(ContinueButton(generation_id))
    return view


class _PieceButton(RecordButton, prefix="muse:write:base"):
    """A button bound to a stored generation id; it survives restarts."""

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        raise NotImplementedError

    @holds_generation
    async def run(self, interaction: MuseInteraction) -> None:
        bot = interaction.client
        # Ownership is checked before acknowledging, so a refusal can be private.
        stream = await self.start(bot.services.writing, interaction.user.id)
        await defer_thinking(interaction)
        await stream_piece(bot, interaction, stream, result_view(stream.generation_id))


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
