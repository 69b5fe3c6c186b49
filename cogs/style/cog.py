"""Style memory's slash commands: /style (consent, profile, samples, forgetting); /inspire,
/analyze and /discover (style memory put to use); /mydata and the admin erasure of a member
who left."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS, defer_thinking, generation_limited
from bot.errors import NotAllowed, UserInputError
from bot.i18n import _
from bot.services.bounds import check_length
from bot.services.style.analyze import TEXT_LIMIT
from bot.services.style.consent import FORGET_TEXT
from bot.services.style.profile import ITEM_KEY_LIMIT, PREFERENCE_LIMIT
from bot.services.style.works import DISCOVER_QUERY_LIMIT

from .render import analysis_embed, discover_embed, inspiration_embed, profile_embeds
from .views import ProfileModal, SampleModal, erase_view

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["CreativeCog", "DataCog", "StyleCog"]

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
            _("Saved."), embeds=profile_embeds(profile), ephemeral=True, allowed_mentions=NO_PINGS
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
                _(
                    "Style memory is off for you and nothing about your style is stored. "
                    "`/style optin` explains what it would keep."
                ),
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
            _("Personalisation is on: Muse's writing and prompts follow your style profile.")
            if enabled
            else _("Personalisation is off: your profile is kept but not used in generations.")
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @style.command(name="forget")
    async def forget(self, interaction: discord.Interaction) -> None:
        """Erase everything Muse stores about you in this server (asks to confirm)."""
        user_id = interaction.user.id
        await interaction.response.send_message(
            str(FORGET_TEXT),
            view=erase_view(user_id, user_id),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


class CreativeCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @app_commands.command(name="inspire")
    @app_commands.describe(save="Keep the palette in the server's gallery (default: not kept)")
    @generation_limited()
    @app_commands.guild_only()
    async def inspire(self, interaction: discord.Interaction, save: bool = False) -> None:
        """Three prompts made for you (with a colour palette for visual artists)."""
        await defer_thinking(interaction)
        guild_id = interaction.guild_id or 0
        result = await self.bot.services.style.inspire(guild_id, interaction.user.id)
        files = (
            [discord.File(io.BytesIO(result.palette_png), "palette.png")]
            if result.palette_png
            else []
        )
        saved = save and result.palette is not None
        if saved and result.palette is not None:
            title = result.prompts[0].title if result.prompts else _("Palette")
            await self.bot.services.gallery.save_palette(
                guild_id, interaction.user.id, title, result.palette
            )
        await interaction.followup.send(
            _("🖼️ Palette saved to the gallery (`/gallery share` hides it).") if saved else "",
            embed=inspiration_embed(result),
            files=files,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="analyze")
    @generation_limited()
    @app_commands.guild_only()
    @app_commands.describe(
        text="The work to analyse (or attach a file instead)",
        file="A .txt or .md file with your work",
        public="Show the analysis to the channel (default: only you)",
    )
    async def analyze(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, TEXT_LIMIT] | None = None,
        file: discord.Attachment | None = None,
        public: bool = False,
    ) -> None:
        """Themes, motifs, imagery, tone, form, strengths and three remix prompts for a work."""
        service = self.bot.services.style
        if (text is None) == (file is None):
            raise UserInputError(_("Give me either some text or a .txt/.md file to analyse."))
        if file is not None:
            service.check_upload(file.filename, file.size)  # before downloading anything
        await defer_thinking(interaction, ephemeral=not public)
        upload = (file.filename, await file.read()) if file is not None else None
        result = await service.analyze(interaction.user.id, text=text, upload=upload)
        await interaction.followup.send(
            embed=analysis_embed(result), ephemeral=not public, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name="discover")
    @app_commands.guild_only()
    @app_commands.describe(
        about="Search for these words instead of your style profile",
        human_only="Only works written without AI (human-only stories)",
    )
    async def discover(
        self,
        interaction: discord.Interaction,
        about: app_commands.Range[str, 1, DISCOVER_QUERY_LIMIT] | None = None,
        human_only: bool = False,
    ) -> None:
        """Community works that fit your style: stories, prompt submissions, public lyrics."""
        results, keywords = await self.bot.services.style.discover(
            interaction.guild_id or 0, interaction.user.id, about, human_only=human_only
        )
        await interaction.response.send_message(
            embed=discover_embed(results, keywords), ephemeral=True, allowed_mentions=NO_PINGS
        )


#: A user id (up to 21 digits), possibly written as a mention, with some room for spaces.
USER_ID_LIMIT = 32
_SNOWFLAKE = re.compile(r"^\s*<?@?!?(\d{15,21})>?\s*$")


class DataCog(commands.Cog):
    mydata = app_commands.Group(
        name="mydata", description="What Muse stores about you", guild_only=True
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @mydata.command(name="export")
    async def export(self, interaction: discord.Interaction) -> None:
        """Get a JSON file with everything Muse stores about you in this server."""
        await defer_thinking(interaction, ephemeral=True)
        result = await self.bot.services.style.export(
            interaction.guild_id or 0, interaction.user.id
        )
        summary = ", ".join(f"{name}: {count}" for name, count in result.counts.items())
        await interaction.followup.send(
            _("Everything Muse stores about you in this server ({summary}).", summary=summary),
            file=discord.File(io.BytesIO(result.data), result.filename),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="erase-member")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(user_id="The user ID of the member (they may have left the server)")
    async def erase_member(
        self, interaction: discord.Interaction, user_id: app_commands.Range[str, 1, USER_ID_LIMIT]
    ) -> None:
        """Admins: erase everything Muse stores about a member, e.g. one who left (asks first)."""
        if not interaction.permissions.manage_guild:
            raise NotAllowed(_("You need the Manage Server permission to erase a member's data."))
        check_length(user_id, field="user ID", max_length=USER_ID_LIMIT)
        match = _SNOWFLAKE.match(user_id)
        if match is None:
            raise UserInputError(
                _(
                    "That isn't a user ID. Copy it from the member's profile (Developer Mode), "
                    "e.g. 123456789012345678."
                )
            )
        target = int(match.group(1))
        await interaction.response.send_message(
            _(
                "Erase everything Muse stores about user `{target}` in this server: style "
                "profile, traits, samples, /write history, drafts and submissions? Their story "
                'segments stay, credited to "a former member". This can\'t be undone.',
                target=target,
            ),
            view=erase_view(target, interaction.user.id),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
