"""/inspire, /analyze and /discover: style memory put to use."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS, defer_thinking, generation_limited
from bot.errors import UserInputError
from bot.services.style.analyze import TEXT_LIMIT
from bot.services.style.works import DISCOVER_QUERY_LIMIT

from .render import analysis_embed, discover_embed, inspiration_embed

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["CreativeCog"]


class CreativeCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @app_commands.command(name="inspire")
    @generation_limited()
    @app_commands.guild_only()
    async def inspire(self, interaction: discord.Interaction) -> None:
        """Three prompts made for you (with a colour palette for visual artists)."""
        await defer_thinking(interaction)
        result = await self.bot.services.style.inspire(
            interaction.guild_id or 0, interaction.user.id
        )
        files = (
            [discord.File(io.BytesIO(result.palette_png), "palette.png")]
            if result.palette_png
            else []
        )
        await interaction.followup.send(
            embed=inspiration_embed(result), files=files, allowed_mentions=NO_PINGS
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
            raise UserInputError("Give me either some text or a .txt/.md file to analyse.")
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
    @app_commands.describe(about="Search for these words instead of your style profile")
    async def discover(
        self,
        interaction: discord.Interaction,
        about: app_commands.Range[str, 1, DISCOVER_QUERY_LIMIT] | None = None,
    ) -> None:
        """Community works that fit your style: stories, prompt submissions, public lyrics."""
        results, keywords = await self.bot.services.style.discover(
            interaction.guild_id or 0, interaction.user.id, about
        )
        await interaction.response.send_message(
            embed=discover_embed(results, keywords), ephemeral=True, allowed_mentions=NO_PINGS
        )
