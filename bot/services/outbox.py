"""Durable delivery of everything Muse publishes.

Features record what they mean to post through :class:`Outbox` inside the transaction of the
change that causes it (a new segment, a new turn, a reminder claimed). :class:`OutboxWorker`
then delivers each item through an :class:`OutboxTransport` (the Discord side, in
``bot/discord_io/outbox.py``):

* items of one channel go out one at a time, in the order they were recorded; channels don't
  wait for each other;
* a transient failure (429, 5xx, a dropped connection) is retried with exponential backoff and
  jitter, honouring Discord's ``retry_after``; the channel's later items wait behind it;
* an item's messages are rendered once and stored, so a retry sends the same content with the
  same nonces (Discord answers a repeated nonce with the first message), and a retry after a
  crash first looks for the message among the bot's own posts since the first attempt;
* an item is marked done only after Discord confirmed every one of its messages.

Pending items resume when the worker starts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from bot.clock import Clock
from bot.db.repositories.outbox import OutboxItem, OutboxRepository

from .outbox_message import OutboxFile, OutboxMessage

__all__ = [
    "DeliveryRefused",
    "DeliveryRetry",
    "FailureHook",
    "Outbox",
    "OutboxFile",
    "OutboxItem",
    "OutboxMessage",
    "OutboxTransport",
    "OutboxWorker",
]

log = logging.getLogger(__name__)


class DeliveryRetry(Exception):
    """A failure worth retrying: rate limited, a server error, a network error."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class DeliveryRefused(Exception):
    """Discord refused the message for good (no access, unknown channel, invalid body)."""


class OutboxTransport(Protocol):
    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        """The messages of an item, or None when there is nothing left to say (the story it
        was about is gone). Called once per item, before its first send."""
        ...

    async def send(self, item: OutboxItem, message: OutboxMessage, nonce: str) -> int:
        """Post one message with this nonce; returns its id. Raises DeliveryRetry or
        DeliveryRefused."""
        ...

    async def find_sent(
        self, item: OutboxItem, message: OutboxMessage, nonce: str, after: float
    ) -> int | None:
        """The id of this message if the bot already posted it (since Unix time ``after``)."""
        ...

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        """Every message of an item is posted (called before the item is marked done, so
        again after a crash in between: must be idempotent)."""
        ...


@runtime_checkable
class FailureHook(Protocol):
    """A transport that wants to hear about items given up on (optional)."""

    async def failed(self, item: OutboxItem, reason: str) -> None:
        """Discord refused the item for good (or it kept failing): called before the item is
        marked failed, so again after a crash in between: must be idempotent."""
        ...


class Outbox:
    """What features use: record a message to publish, then nudge the worker."""

    def __init__(self, repo: OutboxRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock
        self._listener: Callable[[], None] | None = None
        self._settle: Callable[[float], Awaitable[None]] | None = None

    def listen(
        self,
        listener: Callable[[], None] | None,
        settle: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """Connect the worker: ``listener`` wakes it, ``settle`` waits until it has
        delivered everything pending."""
        self._listener = listener
        self._settle = settle

    async def settle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until everything recorded so far is delivered (tests; shutdown)."""
        if self._settle is not None:
            await self._settle(timeout)

    async def add(
        self,
        *,
        guild_id: int,
        channel_id: int,
        kind: str,
        payload: dict[str, Any],
        dedupe_key: str | None = None,
    ) -> int | None:
        """Record an item (inside the caller's transaction). Call :meth:`wake` after commit."""
        return await self._repo.add(
            guild_id=guild_id,
            channel_id=channel_id,
            kind=kind,
            payload=payload,
            now=self._clock.now(),
            dedupe_key=dedupe_key,
        )

    def wake(self) -> None:
        if self._listener is not None:
            self._listener()

    async def find(self, dedupe_key: str) -> OutboxItem | None:
        """The item recorded under ``dedupe_key``, whatever its status."""
        return await self._repo.by_dedupe_key(dedupe_key)

    async def wait_settled(
        self,
        dedupe_key: str,
        timeout: float,  # noqa: ASYNC109
        *,
        poll: float = 0.05,
    ) -> OutboxItem | None:
        """Wait up to ``timeout`` seconds for one item to be delivered (or given up on), so a
        caller can still report the normal case synchronously. Returns the item as it stands:
        still ``pending`` when the time ran out or an attempt already failed (the worker keeps
        retrying). Without a worker listening it returns at once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while True:
            item = await self._repo.by_dedupe_key(dedupe_key)
            if item is None or item.status != "pending" or item.last_error is not None:
                return item
            if self._listener is None or loop.time() >= deadline:
                return item
            await asyncio.sleep(poll)


class OutboxWorker:
    """Delivers pending items, one task per channel with work."""

    def __init__(
        self,
        repo: OutboxRepository,
        transport: OutboxTransport,
        clock: Clock,
        *,
        owns_guild: Callable[[int], bool] = lambda _guild_id: True,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        max_unexpected: int = 8,
        rng: random.Random | None = None,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._repo = repo
        self._transport = transport
        self._clock = clock
        self._owns_guild = owns_guild
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._max_unexpected = max_unexpected
        self._rng = rng or random.Random()
        self._wall_time = wall_time
        self._wakeup = asyncio.Event()
        self._main: asyncio.Task[None] | None = None
        self._drains: dict[int, asyncio.Task[None]] = {}
        self.retries = 0  # transient failures seen (for status and tests)

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._main is None:
            self._main = asyncio.create_task(self._run(), name="outbox-worker")
            self.wake()

    def wake(self) -> None:
        self._wakeup.set()

    async def close(self) -> None:
        tasks = [t for t in (self._main, *self._drains.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._main = None
        self._drains.clear()

    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until no owned item is pending (tests; a graceful shutdown)."""
        async with asyncio.timeout(timeout):
            while True:
                pending = [i for i in await self._repo.pending() if self._owns(i)]
                if not pending:
                    return
                self.wake()
                await asyncio.sleep(0.05)

    def _owns(self, item: OutboxItem) -> bool:
        return self._owns_guild(item.guild_id)

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            try:
                pending = await self._repo.pending()
            except Exception:
                log.exception("outbox: could not read pending items")
                await asyncio.sleep(self._base_delay)
                self.wake()
                continue
            for item in pending:
                if not self._owns(item) or item.channel_id in self._drains:
                    continue
                task = asyncio.create_task(
                    self._drain(item.channel_id), name=f"outbox-{item.channel_id}"
                )
                self._drains[item.channel_id] = task
                task.add_done_callback(functools.partial(self._drained, item.channel_id))

    def _drained(self, channel_id: int, _task: asyncio.Task[None]) -> None:
        self._drains.pop(channel_id, None)
        self.wake()  # anything recorded for this channel meanwhile gets a new drain

    # -- delivery ------------------------------------------------------------------------------

    async def _drain(self, channel_id: int) -> None:
        failures = 0
        unexpected = 0
        while True:
            item = await self._repo.next_pending(channel_id)
            if item is None:
                return
            try:
                await self._deliver(item)
                failures = unexpected = 0
            except DeliveryRetry as exc:
                failures += 1
                self.retries += 1
                await self._repo.note_error(item.id, str(exc))
                delay = self._delay(failures, exc.retry_after)
                log.info(
                    "outbox: item %s (%s) not delivered yet (%s); retry in %.2f s",
                    item.id,
                    item.kind,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
            except DeliveryRefused as exc:
                log.warning("outbox: Discord refused item %s (%s): %s", item.id, item.kind, exc)
                await self._give_up(item, str(exc)[:500])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                unexpected += 1
                failures += 1
                log.exception("outbox: item %s (%s) failed", item.id, item.kind)
                if unexpected >= self._max_unexpected:
                    await self._give_up(item, repr(exc)[:500])
                    unexpected = 0
                else:
                    await self._repo.note_error(item.id, repr(exc))
                    await asyncio.sleep(self._delay(failures, None))

    async def _give_up(self, item: OutboxItem, reason: str) -> None:
        """Mark an item failed, telling its feature first (when it listens)."""
        if isinstance(self._transport, FailureHook):
            fresh = await self._repo.get(item.id)
            try:
                await self._transport.failed(fresh or item, reason)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox: the failure hook of item %s (%s) failed", item.id, item.kind)
        await self._repo.finish(item.id, "failed", self._clock.now(), reason)

    def _delay(self, failures: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; never sooner than Discord's ``retry_after``."""
        ceiling = min(self._max_delay, self._base_delay * 2 ** min(failures - 1, 30))
        delay = ceiling / 2 + self._rng.random() * ceiling / 2
        if retry_after is not None:
            delay = max(delay, retry_after + self._rng.random() * self._base_delay / 4)
        return delay

    async def _deliver(self, item: OutboxItem) -> None:
        if item.parts is None:
            rendered = await self._transport.render(item)
            if rendered is None:
                await self._repo.finish(item.id, "dropped", self._clock.now(), None)
                return
            await self._repo.set_parts(item.id, [m.to_json() for m in rendered])
        await self._repo.start_attempt(item.id, self._wall_time())
        fresh = await self._repo.get(item.id)
        if fresh is None or fresh.status != "pending" or fresh.parts is None:
            return
        # A part may have reached Discord in an earlier attempt whose answer never came back
        # (a dropped connection, a crash): look for it before posting it again.
        earlier = fresh.attempts > 1
        for index in range(fresh.parts_sent, len(fresh.parts)):
            message = OutboxMessage.from_json(fresh.parts[index])
            nonce = fresh.part_nonce(index)
            found: int | None = None
            if earlier and fresh.first_attempt_at is not None:
                found = await self._transport.find_sent(
                    fresh, message, nonce, fresh.first_attempt_at
                )
                if found is not None:
                    log.info("outbox: item %s part %s was already posted", fresh.id, index)
            message_id = (
                found if found is not None else await self._transport.send(fresh, message, nonce)
            )
            await self._repo.part_sent(fresh.id, index, message_id)
        sent = await self._repo.get(fresh.id)
        await self._transport.delivered(fresh, sent.message_ids if sent is not None else [])
        await self._repo.finish(fresh.id, "done", self._clock.now(), None)
