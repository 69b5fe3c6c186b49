"""The Discord side of the daily post: the embed the outbox posts, and its submissions thread.

The outbox worker sends the post (nonce, retries, and after a crash a look-up by the embed's
title and dated footer); :class:`DiscordPotdPublisher` renders it and, once delivered, records
it and opens the thread."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.db.repositories.potd import PotdPostRecord
from bot.services.outbox import DeliveryRetry, OutboxItem, OutboxMessage
from bot.services.potd import MEDIUM_LABELS

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
    """The Discord side of ``potd.post`` outbox items: renders the day's embed, and once the
    worker has posted it, records it and opens its submissions thread."""

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        post = await self.bot.services.potd.post_to_publish(int(item.payload["post_id"]))
        if post is None:
            return None
        return [OutboxMessage("", embeds=[dict(post_embed(post).to_dict())])]

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        """Record the post, then open its thread. A transient failure to open it raises
        :class:`DeliveryRetry`, so the worker calls this again (both steps are idempotent)."""
        if not message_ids:
            return
        service = self.bot.services.potd
        post = await service.post_delivered(int(item.payload["post_id"]), message_ids[0])
        if post is None or post.thread_id is not None:
            return
        thread_id = await self._open_thread(
            post.guild_id, post.channel_id, message_ids[0], post.local_date
        )
        if thread_id is not None:
            await service.set_post_thread(post.id, thread_id)

    async def failed(self, item: OutboxItem, reason: str) -> None:
        await self.bot.services.potd.post_failed(
            int(item.payload["post_id"]),
            f"I couldn't post in <#{item.channel_id}> ({reason[:200]}). Check that the channel "
            "exists and that I may send messages and embeds there.",
            uncertain=item.attempts > 1,
        )

    async def _open_thread(
        self, guild_id: int | None, channel_id: int, message_id: int, local_date: str
    ) -> int | None:
        """The submissions thread under the post, created when missing. Raises
        :class:`DeliveryRetry` when Discord could not be reached; None when it refused."""
        channel = self.bot.get_partial_messageable(
            channel_id, guild_id=guild_id, type=discord.ChannelType.text
        )
        partial = channel.get_partial_message(message_id)
        try:
            thread = await partial.create_thread(
                name=thread_name(local_date), auto_archive_duration=1440
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id  # a thread started from a message has the message's id
            if exc.status == 429 or exc.status >= 500:
                raise DeliveryRetry(f"could not open the thread ({exc.status})") from exc
            log.warning("could not open the submissions thread: %s", exc)
            return None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryRetry(f"could not open the thread: {exc!r}"[:300]) from exc
        return thread.id

    async def ensure_thread(self, channel_id: int, message_id: int, local_date: str) -> int | None:
        """For a post whose thread could not be made when it was posted."""
        try:
            channel = self.bot.get_channel(channel_id)
            guild = getattr(channel, "guild", None)
            return await self._open_thread(
                guild.id if guild is not None else None, channel_id, message_id, local_date
            )
        except DeliveryRetry as exc:
            log.warning("could not open the submissions thread: %s", exc)
            return None
