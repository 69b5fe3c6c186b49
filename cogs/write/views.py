"""The buttons under a piece: Regenerate and Continue, bound to the stored generation so they
keep working after a restart."""

from __future__ import annotations

import discord

from bot.discord_io import MuseInteraction, RecordButton, defer_thinking, holds_generation
from bot.i18n import _
from bot.services.writing import WritingService, WritingStream

from .render import show_poem, stream_piece

__all__ = ["ContinueButton", "RegenerateButton", "RegenerateFormButton", "form_view", "result_view"]


def result_view(generation_id: int) -> discord.ui.View:
    """The buttons left under a finished piece."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateButton(generation_id))
    view.add_item(ContinueButton(generation_id))
    return view


def form_view(generation_id: int) -> discord.ui.View:
    """The button left under a checked fixed-form poem: a poem can be redone, not continued."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateFormButton(generation_id))
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
        super().__init__(generation_id, label=_("Regenerate"), emoji="🔄")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.regenerate(self.record_id, user_id)


class ContinueButton(_PieceButton, prefix="muse:write:cont"):
    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label=_("Continue"), emoji="➡️")

    async def start(self, service: WritingService, user_id: int) -> WritingStream:
        return await service.continue_(self.record_id, user_id)


class RegenerateFormButton(RecordButton, prefix="muse:write:form"):
    """Draft, check and repair the same fixed form on the same topic again."""

    def __init__(self, generation_id: int) -> None:
        super().__init__(generation_id, label=_("Regenerate"), emoji="🔄")

    @holds_generation
    async def run(self, interaction: MuseInteraction) -> None:
        bot = interaction.client
        await defer_thinking(interaction)
        async with bot.track_generation(interaction):
            poem = await bot.services.writing.regenerate_form(self.record_id, interaction.user.id)
        await show_poem(interaction, poem, form_view(poem.generation_id))
