"""Modals and buttons of style memory: the profile and sample forms, and erasure confirmation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_io import (
    NO_PINGS,
    MuseInteraction,
    RecordButton,
    handle_interaction_error,
    use_interaction_locale,
)
from bot.errors import NotAllowed
from bot.i18n import N_, _, ngettext
from bot.services.style import PREFERENCE_FIELDS, StyleProfile
from bot.services.style.profile import PREFERENCE_LIMIT, SAMPLE_LIMIT, SAMPLE_TITLE_LIMIT

from .render import profile_embeds

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["CancelEraseButton", "EraseButton", "ProfileModal", "SampleModal", "erase_view"]

_PLACEHOLDERS = {
    "media": N_("e.g. poetry, flash fiction, watercolour"),
    "genres": N_("e.g. magical realism, folk horror"),
    "tone": N_("e.g. wistful, wry, tender"),
    "themes": N_("e.g. the sea, memory, small towns"),
    "avoid": N_("e.g. gore, love triangles"),
}


def _bot(interaction: discord.Interaction[Any]) -> MuseBot:
    # Modal and item callbacks are typed by discord.py for any client; Muse's is a MuseBot.
    return cast("MuseInteraction", interaction).client


class ProfileModal(discord.ui.Modal):
    """All five profile fields at once, prefilled; an emptied field is removed."""

    def __init__(self, profile: StyleProfile) -> None:
        super().__init__(title=_("Your style profile"), custom_id="muse:style:profile")
        self.fields: dict[str, discord.ui.TextInput[ProfileModal]] = {}
        for name, label in PREFERENCE_FIELDS.items():
            text_input: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
                label=str(label),
                custom_id=f"muse:style:profile:{name}",
                required=False,
                max_length=PREFERENCE_LIMIT,
                default=profile.preference(name) or None,
                placeholder=str(_PLACEHOLDERS[name]),
            )
            self.fields[name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        service = _bot(interaction).services.style
        values: dict[str, str | None] = {name: f.value for name, f in self.fields.items()}
        profile = await service.set_preferences(
            interaction.guild_id or 0, interaction.user.id, values, clear_blank=True
        )
        await interaction.response.send_message(
            _("Saved."), embeds=profile_embeds(profile), ephemeral=True, allowed_mentions=NO_PINGS
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error)


class SampleModal(discord.ui.Modal):
    def __init__(self) -> None:
        # Built here, not at class level: the labels are in the language of the member asking.
        super().__init__(title=_("Add a writing sample"), custom_id="muse:style:sample")
        self.sample_title: discord.ui.TextInput[SampleModal] = discord.ui.TextInput(
            label=_("Title (optional)"),
            custom_id="muse:style:sample:title",
            required=False,
            max_length=SAMPLE_TITLE_LIMIT,
        )
        self.text: discord.ui.TextInput[SampleModal] = discord.ui.TextInput(
            label=_("Your writing"),
            custom_id="muse:style:sample:text",
            style=discord.TextStyle.paragraph,
            max_length=SAMPLE_LIMIT,
            placeholder=_("A poem, a passage, lyrics: something that sounds like you."),
        )
        self.add_item(self.sample_title)
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        service = _bot(interaction).services.style
        await service.add_sample(
            interaction.guild_id or 0,
            interaction.user.id,
            self.sample_title.value or None,
            self.text.value,
        )
        await interaction.response.send_message(
            _("Sample saved. Muse will learn from it in the background; `/style show` lists it."),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error)


def erase_view(target_id: int, requested_by: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(EraseButton(target_id, requested_by))
    view.add_item(CancelEraseButton(requested_by))
    return view


class EraseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^muse:style:erase:(?P<target>\d+):(?P<by>\d+)$",
):
    """Confirms an erasure; only the member who asked may press it (an admin erasing someone
    else must still hold Manage Server when pressing)."""

    def __init__(self, target_id: int, requested_by: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Erase everything"),
                style=discord.ButtonStyle.danger,
                custom_id=f"muse:style:erase:{target_id}:{requested_by}",
            )
        )
        self.target_id = target_id
        self.requested_by = requested_by

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EraseButton:
        return cls(int(match["target"]), int(match["by"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await use_interaction_locale(interaction)
            if interaction.user.id != self.requested_by:
                raise NotAllowed(_("Only the member who asked for this erasure can confirm it."))
            if self.target_id != self.requested_by and not interaction.permissions.manage_guild:
                raise NotAllowed(
                    _("You need the Manage Server permission to erase another member.")
                )
            service = _bot(interaction).services.style
            changed = await service.forget(interaction.guild_id or 0, self.target_id)
            if self.target_id == self.requested_by:
                done = ngettext(
                    "Done: everything Muse stored about your activity in this server is erased "
                    "({n} item).",
                    "Done: everything Muse stored about your activity in this server is erased "
                    "({n} items).",
                    changed,
                )
            else:
                done = ngettext(
                    "Done: everything Muse stored about that member's activity in this server "
                    "is erased ({n} item).",
                    "Done: everything Muse stored about that member's activity in this server "
                    "is erased ({n} items).",
                    changed,
                )
            await interaction.response.edit_message(
                content=done,
                view=None,
                allowed_mentions=NO_PINGS,
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


class CancelEraseButton(RecordButton, prefix="muse:style:erase-cancel"):
    """Cancel an erasure; the id in the custom id is the member who asked for it."""

    def __init__(self, requested_by: int) -> None:
        super().__init__(requested_by, label=_("Cancel"))

    async def run(self, interaction: MuseInteraction) -> None:
        if interaction.user.id != self.record_id:
            raise NotAllowed(_("Only the member who asked for this erasure can cancel it."))
        await interaction.response.edit_message(
            content=_("Cancelled: nothing was erased."), view=None, allowed_mentions=NO_PINGS
        )
