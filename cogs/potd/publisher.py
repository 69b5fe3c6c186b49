"""What the prompt of the day posts through the outbox, outside any interaction: the daily post
with its submissions thread, and the members' submissions in that thread.

The outbox worker sends the post (nonce, retries, and after a crash a look-up by the embed's
title and dated footer); :class:`DiscordPotdPublisher` renders it and, once delivered, records
it and opens the thread.

:class:`SubmissionRenderer` renders ``potd.submission`` items: the member's answer as an embed
in the day's thread, with their file re-uploaded. The file is fetched from Discord's CDN when
the item is rendered (once, before the first send); the rendered message, file included, is
stored with the item, so retries send the same bytes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.i18n import _, use_locale
from bot.services.outbox import DeliveryRetry, OutboxFile, OutboxItem, OutboxMessage

from .render import post_embed, submission_embed, thread_name

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["DiscordPotdPublisher", "SubmissionRenderer"]

log = logging.getLogger(__name__)

THREAD_EXISTS = 160004


class DiscordPotdPublisher:
    """The Discord side of ``potd.post`` outbox items: renders the day's embed, and once the
    worker has posted it, records it and opens its submissions thread."""

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        """The day's post, in the server's language."""
        post = await self.bot.services.potd.post_to_publish(int(item.payload["post_id"]))
        if post is None:
            return None
        with use_locale(await self.bot.services.language.server_locale(item.guild_id)):
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
        with use_locale(await self.bot.services.language.server_locale(post.guild_id)):
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


class SubmissionRenderer:
    """The Discord side of ``potd.submission`` outbox items."""

    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    def _author(self, guild_id: int, user_id: int) -> tuple[str, str | None]:
        guild = self._bot.get_guild(guild_id)
        member: discord.abc.User | None = guild.get_member(user_id) if guild else None
        member = member or self._bot.get_user(user_id)
        if member is None:
            return _("A member"), None
        return member.display_name, member.display_avatar.url

    async def _download(self, url: str, filename: str) -> bytes | None:
        """The member's file, or None when Discord no longer has it."""
        try:
            return await self._bot.http.get_from_cdn(url)
        except (discord.NotFound, discord.Forbidden):
            log.warning("potd: the file %r of a submission is gone; posting without it", filename)
            return None
        except discord.HTTPException as exc:
            raise DeliveryRetry(f"could not fetch the submission's file ({exc.status})") from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryRetry(f"could not fetch the submission's file: {exc!r}"[:300]) from exc

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        """A member's submission in the day's thread, in the server's language."""
        with use_locale(await self._bot.services.language.server_locale(item.guild_id)):
            return await self._render(item)

    async def _render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        found = await self._bot.services.potd.submission_post(int(item.payload["submission_id"]))
        if found is None:
            return None  # erased meanwhile
        record = found.record
        name, icon = self._author(record.guild_id, record.user_id)
        embed = submission_embed(name, icon, record.text, found.title, record.local_date)
        files: list[OutboxFile] = []
        if record.attachment_url and record.attachment_name:
            data = await self._download(record.attachment_url, record.attachment_name)
            if data is not None:
                files.append(OutboxFile(record.attachment_name, data))
                if item.payload.get("image"):
                    embed.set_image(url=f"attachment://{record.attachment_name}")
            else:
                embed.add_field(
                    name=_("File"),
                    value=_("{name} (no longer available)", name=record.attachment_name),
                )
        return [
            OutboxMessage(
                _("<@{user}> answered today's prompt.", user=record.user_id),
                files=files,
                embeds=[dict(embed.to_dict())],
            )
        ]

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        if message_ids:
            await self._bot.services.potd.confirm_submission(
                item.guild_id, int(item.payload["submission_id"]), item.channel_id, message_ids[0]
            )
