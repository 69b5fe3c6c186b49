"""The `/muse` group: how the bot and its model are doing, and the language Muse answers in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import (
    NO_PINGS,
    actor_of,
    forget_interaction_locale,
    reply_private,
    use_interaction_locale,
)
from bot.i18n import LOCALE_NAMES, _, set_current_locale

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["StatusCog", "setup"]

_CHOICES = [
    app_commands.Choice(name="English", value="en"),
    app_commands.Choice(name="简体中文", value="zh_CN"),
    app_commands.Choice(name="Automatic (my Discord language)", value="auto"),
]


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [_("{days}d", days=days)] if days else []
    if days or hours:
        parts.append(_("{hours}h", hours=hours))
    if days or hours or minutes:
        parts.append(_("{minutes}m", minutes=minutes))
    else:
        parts.append(_("{seconds}s", seconds=secs))
    return " ".join(parts)


class StatusCog(commands.Cog):
    muse = app_commands.Group(name="muse", description="About Muse itself")

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @muse.command(name="status")
    async def status(self, interaction: discord.Interaction) -> None:
        """Show the model, queue, speed, uptime and version."""
        report = self.bot.services.status.status()
        embed = discord.Embed(title=_("Muse status"), colour=discord.Colour.blurple())
        embed.add_field(name=_("Model"), value=f"{report.model} ({report.backend})", inline=False)
        embed.add_field(
            name=_("Context"), value=_("{tokens} tokens", tokens=f"{report.context_size:,}")
        )
        if report.cpu:
            embed.add_field(name=_("CPU"), value=report.cpu[:1024], inline=False)
        embed.add_field(
            name=_("Queue"),
            value=_(
                "{waiting} waiting / {capacity}, {running} running",
                waiting=report.waiting,
                capacity=report.queue_capacity,
                running=report.running,
            ),
        )
        speed = (
            _("{speed} tokens/s", speed=f"{report.tokens_per_second:.1f}")
            if report.tokens_per_second
            else "—"
        )
        embed.add_field(name=_("Average speed"), value=speed)
        embed.add_field(name=_("Requests served"), value=str(report.requests_served))
        refused = ", ".join(
            f"{reason.replace('_', ' ')} {n}" for reason, n in report.rejections.items()
        )
        embed.add_field(
            name=_("Refused to keep it fair"),
            value=_(
                "{refused} ({in_flight} in flight)",
                refused=refused or "—",
                in_flight=report.generations_in_flight,
            ),
            inline=False,
        )
        embed.add_field(name=_("Uptime"), value=_duration(report.uptime.total_seconds()))
        embed.add_field(name=_("Version"), value=report.version)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)

    @muse.command(name="language")
    @app_commands.describe(language="The language Muse answers you in")
    @app_commands.choices(language=_CHOICES)
    async def language(
        self, interaction: discord.Interaction, language: app_commands.Choice[str]
    ) -> None:
        """Choose the language Muse answers you in, in every server."""
        chosen = None if language.value == "auto" else language.value
        stored = await self.bot.services.language.set_member_locale(actor_of(interaction), chosen)
        if stored is None:
            # The choice is gone: the client's language (or the server's) applies from now on.
            forget_interaction_locale(interaction)
            await use_interaction_locale(interaction)
            await reply_private(interaction, _("Muse will follow your Discord language again."))
            return
        set_current_locale(stored)  # the confirmation already speaks the new language
        await reply_private(
            interaction,
            _("Muse will answer you in {language} from now on.", language=LOCALE_NAMES[stored]),
        )

    @muse.command(name="server-language")
    @app_commands.describe(language="The server's default language")
    @app_commands.choices(language=_CHOICES)
    @app_commands.guild_only()
    async def server_language(
        self, interaction: discord.Interaction, language: app_commands.Choice[str]
    ) -> None:
        """Set the server's language for scheduled posts and members Muse can't match (admins)."""
        chosen = None if language.value == "auto" else language.value
        stored = await self.bot.services.language.set_server_locale(actor_of(interaction), chosen)
        if stored is None:
            message = _("This server has no default language now: scheduled posts are in English.")
        else:
            message = _(
                "This server's default language is now {language}. Scheduled posts use it.",
                language=LOCALE_NAMES[stored],
            )
        await reply_private(interaction, message)


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(StatusCog(bot))
