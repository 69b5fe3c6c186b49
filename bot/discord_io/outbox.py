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

import aiohttp
import discord

from bot.db.repositories.outbox import OutboxItem
from bot.services.outbox import DeliveryRefused, DeliveryRetry, OutboxMessage

from .mentions import NO_PINGS, ping_only

__all__ = ["Delivered", "DiscordOutboxTransport", "Renderer"]

log = logging.getLogger(__name__)

Renderer = Callable[[OutboxItem], Awaitable[list[OutboxMessage] | None]]
# Told the ids of an item's messages once all are posted (idempotent).
Delivered = Callable[[OutboxItem, Sequence[int]], Awaitable[None]]
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

    def register(
        self, kind_prefix: str, renderer: Renderer, delivered: Delivered | None = None
    ) -> None:
        """Render items whose kind starts with ``kind_prefix`` (e.g. ``"story."``); tell
        ``delivered`` where their messages went, once posted."""
        self._renderers[kind_prefix] = renderer
        if delivered is not None:
            self._delivered[kind_prefix] = delivered

    def unregister(self, kind_prefix: str) -> None:
        self._renderers.pop(kind_prefix, None)
        self._delivered.pop(kind_prefix, None)

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
        mentions = (
            ping_only(discord.Object(message.ping_user_id))
            if message.ping_user_id is not None
            else NO_PINGS
        )
        files = [discord.File(io.BytesIO(f.data), filename=f.filename) for f in message.files]
        embeds = [discord.Embed.from_dict(e) for e in message.embeds]
        with _mapped_errors():
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
        with _mapped_errors():
            async for found in self._channel(item).history(
                limit=None, after=marker, oldest_first=True
            ):
                if found.author.id != me.id:
                    continue
                if str(found.nonce or "") == nonce:
                    return found.id
                # Discord keeps nonces only briefly: the same content with the same attached
                # file names is the same post.
                if found.content == message.content and [a.filename for a in found.attachments] == [
                    f.filename for f in message.files
                ]:
                    return found.id
        return None


@contextlib.contextmanager
def _mapped_errors() -> Iterator[None]:
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
