"""/muse status: how the bot and its model are doing (the only command of the `/muse` group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["StatusCog", "setup"]


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts.append(f"{minutes}m" if days or hours or minutes else f"{secs}s")
    return " ".join(parts)


class StatusCog(commands.Cog):
    muse = app_commands.Group(name="muse", description="About Muse itself")

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @muse.command(name="status")
    async def status(self, interaction: discord.Interaction) -> None:
        """Show the model, queue, speed, uptime and version."""
        report = self.bot.services.status.status()
        embed = discord.Embed(title="Muse status", colour=discord.Colour.blurple())
        embed.add_field(name="Model", value=f"{report.model} ({report.backend})", inline=False)
        embed.add_field(name="Context", value=f"{report.context_size:,} tokens")
        if report.cpu:
            embed.add_field(name="CPU", value=report.cpu[:1024], inline=False)
        embed.add_field(
            name="Queue",
            value=f"{report.waiting} waiting / {report.queue_capacity}, {report.running} running",
        )
        speed = f"{report.tokens_per_second:.1f} tokens/s" if report.tokens_per_second else "—"
        embed.add_field(name="Average speed", value=speed)
        embed.add_field(name="Requests served", value=str(report.requests_served))
        refused = ", ".join(
            f"{reason.replace('_', ' ')} {n}" for reason, n in report.rejections.items()
        )
        embed.add_field(
            name="Refused to keep it fair",
            value=f"{refused or '—'} ({report.generations_in_flight} in flight)",
            inline=False,
        )
        embed.add_field(name="Uptime", value=_duration(report.uptime.total_seconds()))
        embed.add_field(name="Version", value=report.version)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(StatusCog(bot))
