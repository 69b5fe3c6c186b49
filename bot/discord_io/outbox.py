"""The outbox's Discord side: renders items through the features' renderers and posts them.

Each create carries a nonce (discord.py sends it with ``enforce_nonce``), so Discord answers a
repeated create with the message it already made. Before re-posting an item whose earlier
attempt may have gone through, :meth:`DiscordOutboxTransport.find_sent` reads the bot's own
messages in the channel posted since that attempt began (``after=`` its snowflake time).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord

from bot.db.repositories.outbox import OutboxItem
from bot.services.outbox import DeliveryRefused, DeliveryRetry, OutboxMessage

from .mentions import NO_PINGS, ping_only

__all__ = ["Delivered", "DiscordOutboxTransport", "Failed", "Renderer", "mapped_errors"]

log = logging.getLogger(__name__)

Renderer = Callable[[OutboxItem], Awaitable[list[OutboxMessage] | None]]
# Told the ids of an item's messages once all are posted (idempotent).
Delivered = Callable[[OutboxItem, Sequence[int]], Awaitable[None]]
# Told that Discord refused an item for good, with the reason (idempotent).
Failed = Callable[[OutboxItem, str], Awaitable[None]]
# Clocks differ between this host and Discord: look a little before the recorded time.
CLOCK_SKEW_SECONDS = 120.0


def _retry_after(exc: discord.HTTPException) -> float | None:
    header = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(header) if header else None
    except ValueError:
        return None


class DiscordOutboxTransport:
    """The :class:`~bot.services.outbox.OutboxTransport` on a discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._renderers: dict[str, Renderer] = {}
        self._delivered: dict[str, Delivered] = {}
        self._failed: dict[str, Failed] = {}

    def register(
        self,
        kind_prefix: str,
        renderer: Renderer,
        delivered: Delivered | None = None,
        failed: Failed | None = None,
    ) -> None:
        """Render items whose kind starts with ``kind_prefix`` (e.g. ``"story."``); tell
        ``delivered`` where their messages went, once posted, and ``failed`` when Discord
        refused them for good."""
        self._renderers[kind_prefix] = renderer
        if delivered is not None:
            self._delivered[kind_prefix] = delivered
        if failed is not None:
            self._failed[kind_prefix] = failed

    def unregister(self, kind_prefix: str) -> None:
        self._renderers.pop(kind_prefix, None)
        self._delivered.pop(kind_prefix, None)
        self._failed.pop(kind_prefix, None)

    async def failed(self, item: OutboxItem, reason: str) -> None:
        for prefix, hook in self._failed.items():
            if item.kind.startswith(prefix):
                await hook(item, reason)
                return

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        for prefix, hook in self._delivered.items():
            if item.kind.startswith(prefix):
                await hook(item, message_ids)
                return

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        for prefix, renderer in self._renderers.items():
            if item.kind.startswith(prefix):
                return await renderer(item)
        raise RuntimeError(f"no renderer for outbox items of kind {item.kind!r}")

    def _channel(self, item: OutboxItem) -> discord.PartialMessageable:
        return self._client.get_partial_messageable(item.channel_id, guild_id=item.guild_id)

    async def send(self, item: OutboxItem, message: OutboxMessage, nonce: str) -> int:
        pinged = message.pinged()
        mentions = ping_only(*(discord.Object(u) for u in pinged)) if pinged else NO_PINGS
        files = [discord.File(io.BytesIO(f.data), filename=f.filename) for f in message.files]
        embeds = [discord.Embed.from_dict(e) for e in message.embeds]
        with mapped_errors():
            sent = await self._channel(item).send(
                message.content or None,
                nonce=nonce,
                allowed_mentions=mentions,
                files=files or discord.utils.MISSING,
                embeds=embeds or discord.utils.MISSING,
            )
        return sent.id

    async def find_sent(
        self, item: OutboxItem, message: OutboxMessage, nonce: str, after: float
    ) -> int | None:
        me = self._client.user
        if me is None:
            return None
        since = datetime.fromtimestamp(max(0.0, after - CLOCK_SKEW_SECONDS), UTC)
        marker = discord.Object(discord.utils.time_snowflake(since))
        with mapped_errors():
            async for found in self._channel(item).history(
                limit=None, after=marker, oldest_first=True
            ):
                if found.author.id != me.id:
                    continue
                if str(found.nonce or "") == nonce:
                    return found.id
                # Discord keeps nonces only briefly: the same content with the same attached
                # file names (and embeds with the same title and footer) is the same post.
                names = [a.filename for a in found.attachments]
                if (
                    found.content == message.content
                    and names == [f.filename for f in message.files]
                    and _embed_marks(found.embeds) == _json_embed_marks(message.embeds)
                ):
                    return found.id
        return None


def _embed_marks(embeds: Sequence[discord.Embed]) -> list[tuple[str, str]]:
    return [(e.title or "", e.footer.text or "") for e in embeds]


def _json_embed_marks(embeds: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (str(e.get("title") or ""), str((e.get("footer") or {}).get("text") or "")) for e in embeds
    ]


@contextlib.contextmanager
def mapped_errors() -> Iterator[None]:
    """Turns discord.py's and aiohttp's errors into retry/refuse decisions."""
    try:
        yield
    except discord.RateLimited as exc:
        raise DeliveryRetry("rate limited", exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:
            raise DeliveryRetry("rate limited", _retry_after(exc)) from exc
        if exc.status >= 500:
            raise DeliveryRetry(f"Discord answered {exc.status}") from exc
        raise DeliveryRefused(f"{exc.status} {exc.code}: {exc.text}"[:300]) from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise DeliveryRetry(f"network error: {exc!r}"[:300]) from exc
