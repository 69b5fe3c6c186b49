"""The Discord side of the daily post: the embed, its submissions thread, and finding a post
that went out before a crash."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
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
# Clocks differ between this host and Discord: look a little before the send began.
LOOKUP_SKEW = timedelta(minutes=15)
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


def post_nonce(post: PotdPostRecord) -> str:
    """The Discord nonce of a post (at most 25 characters)."""
    return f"potd-{post.id}"


def _lookup_after(post: PotdPostRecord) -> discord.Object:
    """The bot's post can't be older than its first send: read the channel from there on
    (``after=`` its snowflake time), however many messages came since."""
    now = datetime.now(UTC)
    started = datetime.fromisoformat(post.send_started_at) if post.send_started_at else now
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    since = min(started, now) - LOOKUP_SKEW
    return discord.Object(discord.utils.time_snowflake(since))


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
            # One nonce per post (discord.py sends it with enforce_nonce): Discord answers a
            # repeated send of the same post within minutes with the message it already made.
            message = await channel.send(
                embed=post_embed(post), allowed_mentions=NO_PINGS, nonce=post_nonce(post)
            )
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
            async for message in channel.history(limit=None, after=_lookup_after(post)):
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
