"""The outbox's renderer for submission posts (``potd.submission`` items): the member's answer
as an embed in the day's thread, with their file re-uploaded.

The file is fetched from Discord's CDN when the item is rendered (once, before the first send);
the rendered message, file included, is stored with the item, so retries send the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.services.outbox import DeliveryRetry, OutboxFile, OutboxItem, OutboxMessage

from .views import submission_embed

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["SubmissionRenderer"]

log = logging.getLogger(__name__)


class SubmissionRenderer:
    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    def _author(self, guild_id: int, user_id: int) -> tuple[str, str | None]:
        guild = self._bot.get_guild(guild_id)
        member: discord.abc.User | None = guild.get_member(user_id) if guild else None
        member = member or self._bot.get_user(user_id)
        if member is None:
            return "A member", None
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
                    name="File", value=f"{record.attachment_name} (no longer available)"
                )
        return [
            OutboxMessage(
                f"<@{record.user_id}> answered today's prompt.",
                files=files,
                embeds=[dict(embed.to_dict())],
            )
        ]

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        if message_ids:
            await self._bot.services.potd.confirm_submission(
                item.guild_id, int(item.payload["submission_id"]), item.channel_id, message_ids[0]
            )
