"""Lifecycle: Muse leaves or rejoins a server, a story's thread or the prompt channel is deleted;
and the scheduled housekeeping (departed servers' data, old results, unsaved drafts)."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_io import NO_PINGS
from bot.i18n import _, ngettext, use_locale
from bot.scheduling.housekeeping import (
    HOUSEKEEPING_HOURS,
    cancel_housekeeping,
    schedule_housekeeping,
)
from bot.services.lifecycle import Housekeeping, LifecycleService, PlaceLost
from bot.services.markdown import escape_line
from bot.services.tasks import BackgroundTasks

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["LifecycleCog", "setup"]

log = logging.getLogger(__name__)


def _title(text: str) -> str:
    return escape_line(text)


class LifecycleCog(commands.Cog):
    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot
        self._tasks = BackgroundTasks("lifecycle")
        self._first_run_started = False

    @property
    def service(self) -> LifecycleService:
        return self.bot.services.lifecycle

    async def cog_load(self) -> None:
        schedule_housekeeping(self.bot.scheduler, self.housekeeping)

    async def cog_unload(self) -> None:
        cancel_housekeeping(self.bot.scheduler)
        await self._tasks.cancel_all()

    async def housekeeping(self) -> Housekeeping | None:
        """Run by the scheduler (and once when the guild list is first known)."""
        present = {g.id for g in self.bot.guilds} if self.bot.is_ready() else None
        try:
            return await self.service.housekeeping(present=present)
        except Exception:
            log.exception("housekeeping failed; it runs again in %d hours", HOUSEKEEPING_HOURS)
            return None

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # on_ready fires again after a reconnect: one start-up run is enough.
        if not self._first_run_started:
            self._first_run_started = True
            self._tasks.spawn(self.housekeeping(), "housekeeping")

    # -- servers -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Nobody in the server can be told any more: Muse can no longer post there.
        await self.service.guild_left(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.service.guild_joined(guild.id)

    # -- channels and threads ----------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        lost = await self.service.thread_deleted(payload.guild_id, payload.thread_id)
        if not lost.stories:
            return
        # Nobody asked: the notice is posted for the whole server, in the server's language.
        with use_locale(await self.bot.services.language.server_locale(payload.guild_id)):
            for story in lost.stories:
                await self._say(
                    self.bot.get_channel(story.channel_id),
                    _(
                        "The thread of the story **{title}** was deleted, so the story is "
                        "paused. A moderator can end it with `/story end` to keep what was "
                        "written.",
                        title=_title(story.title),
                    ),
                )

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        lost = await self.service.channel_deleted(channel.guild.id, channel.id)
        with use_locale(await self.bot.services.language.server_locale(channel.guild.id)):
            notice = self._channel_notice(channel, lost)
        if notice:
            await self._say(channel.guild.system_channel, notice)

    @staticmethod
    def _channel_notice(channel: discord.abc.GuildChannel, lost: PlaceLost) -> str:
        lines = []
        name = _title(channel.name)
        if lost.potd_paused:
            lines.append(
                _(
                    "The prompt-of-the-day channel **#{name}** was deleted, so daily prompts are "
                    "paused. An admin can choose a new channel with `/potd setup`.",
                    name=name,
                )
            )
        if lost.stories:
            titles = ", ".join(f"**{_title(s.title)}**" for s in lost.stories[:10])
            if len(lost.stories) > 10:
                titles = ngettext(
                    "{titles} and {n} more",
                    "{titles} and {n} more",
                    len(lost.stories) - 10,
                    titles=titles,
                )
            lines.append(
                _(
                    "**#{name}** was deleted with the threads of {titles}: those stories are "
                    "paused. A moderator can end them with `/story end` to keep what was "
                    "written.",
                    name=name,
                    titles=titles,
                )
            )
        return "\n".join(lines)

    async def _say(self, channel: object, content: str) -> None:
        """Tell the people concerned where Muse still can; stay quiet where it can't."""
        if not isinstance(channel, discord.TextChannel):
            return
        if not channel.permissions_for(channel.guild.me).send_messages:
            return
        with contextlib.suppress(discord.HTTPException):
            await channel.send(content, allowed_mentions=NO_PINGS)


async def setup(bot: MuseBot) -> None:
    await bot.add_cog(LifecycleCog(bot))
