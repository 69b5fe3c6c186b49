"""/mydata export and the admin erasure of a member who left."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS, defer_thinking
from bot.errors import NotAllowed, UserInputError
from bot.services.bounds import check_length

from .views import erase_view

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["DataCog"]

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
            f"Everything Muse stores about you in this server ({summary}).",
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
            raise NotAllowed("You need the Manage Server permission to erase a member's data.")
        check_length(user_id, field="user ID", max_length=USER_ID_LIMIT)
        match = _SNOWFLAKE.match(user_id)
        if match is None:
            raise UserInputError(
                "That isn't a user ID. Copy it from the member's profile (Developer Mode), "
                "e.g. 123456789012345678."
            )
        target = int(match.group(1))
        await interaction.response.send_message(
            f"Erase everything Muse stores about user `{target}` in this server: style profile, "
            "traits, samples, /write history, drafts and submissions? Their story segments "
            'stay, credited to "a former member". This can\'t be undone.',
            view=erase_view(target, interaction.user.id),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
