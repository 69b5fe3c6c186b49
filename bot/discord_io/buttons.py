"""Buttons bound to one stored record, so they keep working after a restart."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

import discord

from .language import use_interaction_locale
from .tree import handle_interaction_error

__all__ = ["RecordButton"]


class RecordButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^$"):
    """A button whose custom id is ``<prefix>:<record id>``.

    Subclasses name their prefix (``class Save(RecordButton, prefix="muse:lyrics:save")``), build
    their look in ``__init__`` and implement :meth:`run`; any error in ``run`` becomes the usual
    friendly reply. The record id is all the state a press needs: the service re-reads the
    record and checks who may use it.
    """

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(template=rf"^{re.escape(prefix)}:(?P<id>\d+)$", **kwargs)
        cls.prefix = prefix

    def __init__(
        self,
        record_id: int,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                disabled=disabled,
                row=row,
                custom_id=f"{self.prefix}:{record_id}",
            )
        )
        self.record_id = record_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["id"]))  # type: ignore[call-arg]

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await use_interaction_locale(interaction)
            await self.run(interaction)
        except Exception as exc:
            await handle_interaction_error(interaction, exc)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError
