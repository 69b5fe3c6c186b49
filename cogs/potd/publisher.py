"""The Discord side of the daily post: the embed, its submissions thread, and finding a post
that went out before a crash."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.db.repositories.potd import PotdPostRecord
from bot.discord_io import NO_PINGS
from bot.services.potd import MEDIUM_LABELS, LookupUnavailable, PublishedPost, PublishRejected

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = [
    "MEDIUM_COLOURS",
    "DiscordPotdPublisher",
    "footer_marker",
    "nice_date",
    "post_embed",
    "thread_name",
]

log = logging.getLogger(__name__)

MEDIUM_COLOURS = {
    "visual": discord.Colour.from_rgb(230, 126, 34),
    "writing": discord.Colour.from_rgb(52, 152, 219),
    "music": discord.Colour.from_rgb(155, 89, 182),
    "mixed": discord.Colour.from_rgb(26, 188, 156),
}
HISTORY_SCAN = 50
THREAD_EXISTS = 160004


def footer_marker(local_date: str) -> str:
    """Written into every post's footer; how a post is recognised after a crash."""
    return f"Prompt of the day · {local_date}"


def nice_date(local_date: str) -> str:
    day = date.fromisoformat(local_date)
    return f"{day:%A}, {day.day} {day:%B %Y}"


def thread_name(local_date: str) -> str:
    return f"Submissions for {local_date}"


def post_embed(post: PotdPostRecord) -> discord.Embed:
    medium = post.medium or "mixed"
    embed = discord.Embed(
        title=(post.title or "Prompt of the day")[:256],
        description=post.prompt or "",
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if post.twists:
        embed.add_field(
            name="Twists (optional)",
            value="\n".join(f"• {t}" for t in post.twists)[:1024],
            inline=False,
        )
    if post.calendar_word:
        embed.add_field(name="Word of the day", value=post.calendar_word[:1024])
    embed.add_field(name="Medium", value=MEDIUM_LABELS.get(medium, medium))
    embed.add_field(name="Date", value=nice_date(post.local_date))
    if post.tags:
        embed.add_field(name="Tags", value=", ".join(post.tags)[:1024])
    embed.add_field(
        name="Join in",
        value="Answer with `/potd submit` (text, a file or both); it appears in the thread.",
        inline=False,
    )
    footer = footer_marker(post.local_date)
    if post.late:
        footer += " · posted late"
    embed.set_footer(text=footer)
    return embed


class DiscordPotdPublisher:
    """Implements :class:`bot.services.potd.PotdPublisher` with the bot's REST client."""

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    def _channel(self, post: PotdPostRecord) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(
            post.channel_id, guild_id=post.guild_id, type=discord.ChannelType.text
        )

    async def publish(self, post: PotdPostRecord) -> PublishedPost:
        channel = self._channel(post)
        try:
            message = await channel.send(embed=post_embed(post), allowed_mentions=NO_PINGS)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise PublishRejected(
                f"I couldn't post in <#{post.channel_id}> ({exc.text or exc.status}). Check "
                "that the channel exists and that I may send messages and embeds there."
            ) from exc
        return PublishedPost(message.id, await self._thread_for(message, post.local_date))

    async def find_published(self, post: PotdPostRecord) -> PublishedPost | None:
        channel = self._channel(post)
        marker = footer_marker(post.local_date)
        me = self.bot.user
        try:
            async for message in channel.history(limit=HISTORY_SCAN):
                if me is None or message.author.id != me.id:
                    continue
                if any((e.footer.text or "").startswith(marker) for e in message.embeds):
                    thread_id = await self._thread_for(message, post.local_date)
                    return PublishedPost(message.id, thread_id)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise LookupUnavailable(
                f"I couldn't read <#{post.channel_id}> to check whether the post went out."
            ) from exc
        return None

    async def _thread_for(self, message: discord.Message, local_date: str) -> int | None:
        """The submissions thread under the post, created when missing."""
        try:
            thread = await message.create_thread(
                name=thread_name(local_date), auto_archive_duration=1440
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message.id  # a thread started from a message has the message's id
            log.warning("could not open the submissions thread: %s", exc)
            return None
        return thread.id

    async def ensure_thread(self, channel_id: int, message_id: int, local_date: str) -> int | None:
        """For a post whose thread could not be made when it was posted."""
        partial = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            thread = await partial.create_thread(
                name=thread_name(local_date), auto_archive_duration=1440
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id
            log.warning("could not open the submissions thread: %s", exc)
            return None
        return thread.id
