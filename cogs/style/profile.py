"""/style: consent, the explicit profile, writing samples, showing and removing, forgetting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS
from bot.services.style.consent import FORGET_TEXT
from bot.services.style.profile import ITEM_KEY_LIMIT, PREFERENCE_LIMIT

from .render import profile_embeds
from .views import ProfileModal, SampleModal, erase_view

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["StyleCog"]

_TEXT = app_commands.Range[str, 1, PREFERENCE_LIMIT]


class StyleCog(commands.Cog):
    style = app_commands.Group(
        name="style",
        description="Your style memory: what Muse knows about your voice",
        guild_only=True,
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.services.style.start()  # resume learning left waiting by the last run

    async def cog_unload(self) -> None:
        await self.bot.services.style.stop()

    @staticmethod
    def _ids(interaction: discord.Interaction) -> tuple[int, int]:
        return interaction.guild_id or 0, interaction.user.id

    @style.command(name="optin")
    async def optin(self, interaction: discord.Interaction) -> None:
        """Let Muse learn your style here: see exactly what is stored and why."""
        text = await self.bot.services.style.optin(*self._ids(interaction))
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @style.command(name="optout")
    async def optout(self, interaction: discord.Interaction) -> None:
        """Stop Muse learning from your work and using your style."""
        text = await self.bot.services.style.optout(*self._ids(interaction))
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @style.command(name="set")
    @app_commands.describe(
        media="What you make, e.g. poetry, watercolour, synth-pop",
        genres="Genres you love, e.g. magical realism, folk horror",
        tone="Your usual tone, e.g. wistful, wry",
        themes="Favourite themes, e.g. the sea, memory",
        avoid="Themes or tropes to keep out of suggestions",
    )
    async def set_profile(
        self,
        interaction: discord.Interaction,
        media: _TEXT | None = None,
        genres: _TEXT | None = None,
        tone: _TEXT | None = None,
        themes: _TEXT | None = None,
        avoid: _TEXT | None = None,
    ) -> None:
        """Tell Muse about your style (with no options: edit it all in a form)."""
        service = self.bot.services.style
        values = {"media": media, "genres": genres, "tone": tone, "themes": themes, "avoid": avoid}
        if all(v is None for v in values.values()):
            profile = await service.editable_profile(*self._ids(interaction))
            await interaction.response.send_modal(ProfileModal(profile))
            return
        profile = await service.set_preferences(*self._ids(interaction), values)
        await interaction.response.send_message(
            "Saved.", embeds=profile_embeds(profile), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @style.command(name="sample")
    async def sample(self, interaction: discord.Interaction) -> None:
        """Add a writing sample that sounds like you (opens a form)."""
        await self.bot.services.style.editable_profile(*self._ids(interaction))
        await interaction.response.send_modal(SampleModal())

    @style.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show everything Muse stores about your style, learned traits included."""
        profile = await self.bot.services.style.profile(*self._ids(interaction))
        if not profile.consent and profile.is_empty:
            await interaction.response.send_message(
                "Style memory is off for you and nothing about your style is stored. "
                "`/style optin` explains what it would keep.",
                ephemeral=True,
                allowed_mentions=NO_PINGS,
            )
            return
        await interaction.response.send_message(
            embeds=profile_embeds(profile), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @style.command(name="remove")
    @app_commands.describe(item="The preference, learned trait or sample to remove")
    async def remove(
        self, interaction: discord.Interaction, item: app_commands.Range[str, 1, ITEM_KEY_LIMIT]
    ) -> None:
        """Remove one preference, learned trait or writing sample."""
        text = await self.bot.services.style.remove_item(*self._ids(interaction), item)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @remove.autocomplete("item")
    async def remove_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        items = await self.bot.services.style.items(*self._ids(interaction))
        needle = current.casefold()
        return [
            app_commands.Choice(name=label, value=key)
            for key, label in items
            if needle in label.casefold() or needle == key
        ][:25]

    @style.command(name="personalise")
    @app_commands.describe(enabled="Whether Muse shapes its writing and prompts to your style")
    async def personalise(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Switch the use of your style profile in generations on or off."""
        await self.bot.services.style.set_personalise(*self._ids(interaction), enabled)
        text = (
            "Personalisation is on: Muse's writing and prompts follow your style profile."
            if enabled
            else "Personalisation is off: your profile is kept but not used in generations."
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @style.command(name="forget")
    async def forget(self, interaction: discord.Interaction) -> None:
        """Erase everything Muse stores about you in this server (asks to confirm)."""
        user_id = interaction.user.id
        await interaction.response.send_message(
            FORGET_TEXT,
            view=erase_view(user_id, user_id),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
