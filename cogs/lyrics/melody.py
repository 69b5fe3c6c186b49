"""The buttons under a melody: another melody, transpose up or down, slower or faster.

Each is a ``RecordButton`` whose custom id carries the stored melody's id, so it works after a
restart; the service checks that the member pressing it asked for the melody before changing
anything, and composes the new version off the event loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

import discord

from bot.discord_io import NO_PINGS, MuseInteraction, RecordButton
from bot.services.melody import ComposedMelody, MelodyService

from .render import melody_embed, melody_files

__all__ = [
    "MELODY_ITEMS",
    "AnotherMelodyButton",
    "FasterButton",
    "SlowerButton",
    "TransposeDownButton",
    "TransposeUpButton",
    "melody_view",
    "show_melody",
]


def _service(interaction: discord.Interaction[Any]) -> MelodyService:
    return cast("MuseInteraction", interaction).client.services.melody


def melody_view(melody_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherMelodyButton(melody_id))
    view.add_item(TransposeDownButton(melody_id))
    view.add_item(TransposeUpButton(melody_id))
    view.add_item(SlowerButton(melody_id))
    view.add_item(FasterButton(melody_id))
    return view


async def show_melody(
    interaction: discord.Interaction[Any], composed: ComposedMelody, *, status: str | None = None
) -> None:
    """Put the melody, its files and its buttons on the (deferred) original response."""
    await interaction.edit_original_response(
        content=status or "",
        embed=melody_embed(composed),
        attachments=melody_files(composed),
        view=melody_view(composed.record.id),
        allowed_mentions=NO_PINGS,
    )


async def _change(
    button: RecordButton,
    interaction: MuseInteraction,
    change: Callable[[MelodyService, int, int], Awaitable[ComposedMelody]],
    status: str,
) -> None:
    service = _service(interaction)
    await service.owned(button.record_id, interaction.user.id)  # refused before anything changes
    await interaction.response.defer()
    composed = await change(service, button.record_id, interaction.user.id)
    await show_melody(interaction, composed, status=status)


class AnotherMelodyButton(RecordButton, prefix="muse:melody:again"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(
            melody_id, label="Another melody", emoji="🎲", style=discord.ButtonStyle.primary
        )

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(self, interaction, lambda s, m, u: s.another(m, u), "🎲 A new melody.")


class TransposeDownButton(RecordButton, prefix="muse:melody:down"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label="Down", emoji="⬇️")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.transpose(m, u, -1), "⬇️ Down a semitone."
        )


class TransposeUpButton(RecordButton, prefix="muse:melody:up"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label="Up", emoji="⬆️")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(self, interaction, lambda s, m, u: s.transpose(m, u, 1), "⬆️ Up a semitone.")


class SlowerButton(RecordButton, prefix="muse:melody:slower"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label="Slower", emoji="🐢")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.change_tempo(m, u, faster=False), "🐢 Slower."
        )


class FasterButton(RecordButton, prefix="muse:melody:faster"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label="Faster", emoji="🐇")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.change_tempo(m, u, faster=True), "🐇 Faster."
        )


MELODY_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnotherMelodyButton,
    TransposeDownButton,
    TransposeUpButton,
    SlowerButton,
    FasterButton,
)
