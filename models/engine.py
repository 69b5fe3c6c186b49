"""The ``LLMEngine`` protocol and the queueing, timeout and validation logic every engine shares.

An engine subclass only implements :meth:`QueuedEngine._produce` (push text deltas into a
:class:`DeltaSink` until done or cancelled) plus ``_load``/``_unload``. Everything that must behave
the same whichever backend runs the model lives here: admission, queue positions, timeouts,
cancellation, statistics, structured output with one retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from .errors import (
    GenerationCancelled,
    GenerationTimeout,
    ModelError,
    ModelUnavailable,
    MuseError,
    StructuredOutputError,
)
from .queue import AdmissionQueue
from .schema import bound_schema
from .types import (
    ChatMessage,
    EngineStats,
    GenerationOptions,
    ModelInfo,
    Priority,
    QueueUpdate,
    StreamEvent,
    TextDelta,
)

__all__ = ["DeltaSink", "LLMEngine", "QueuedEngine", "collect_text", "deliver_deltas"]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
_END = object()
_EMPTY = object()


@runtime_checkable
class LLMEngine(Protocol):
    """What the rest of Muse needs from a language model."""

    @property
    def info(self) -> ModelInfo: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def stats(self) -> EngineStats: ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> AsyncIterator[StreamEvent]: ...

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> str: ...

    async def structured(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> T: ...


class DeltaSink:
    """Carries text from a producer (any thread) to the asyncio consumer without blocking it.

    The producer decodes eagerly: ``put`` never waits, so a slow consumer never stalls decoding.
    ``cancelled`` is checked by the producer after every token.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        self._loop = loop
        self.priority = priority  # a batching backend schedules background work after members'
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._cancel = threading.Event()
        self.tokens = 0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def put(self, text: str) -> None:
        self.tokens += 1
        self._loop.call_soon_threadsafe(self._queue.put_nowait, text)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def _put_on_loop(self, text: str) -> None:
        self._queue.put_nowait(text)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, _END)

    def interrupt(self) -> None:
        """Cancel and wake the consumer now, even if the producer is stalled."""
        self.cancel()
        self.close()

    async def get(self) -> object:
        return await self._queue.get()

    def take(self) -> object:
        """The next item when one is already queued, else a marker: no await, no task."""
        try:
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            return _EMPTY


def deliver_deltas(items: Sequence[tuple[DeltaSink, str]]) -> None:
    """``sink.put(text)`` for every pair, in order, from any thread, with one wake-up of each
    event loop instead of one per text: a batching producer hands a whole step's tokens over at
    once, so the loop thread interrupts the decoding threads once a step, not once a sequence."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[DeltaSink, str]]] = {}
    for sink, text in items:
        sink.tokens += 1
        by_loop.setdefault(sink.loop, []).append((sink, text))
    for loop, batch in by_loop.items():
        loop.call_soon_threadsafe(_put_all, batch)


def _put_all(batch: list[tuple[DeltaSink, str]]) -> None:
    for sink, text in batch:
        sink._put_on_loop(text)


async def collect_text(events: AsyncIterator[StreamEvent]) -> str:
    parts: list[str] = []
    async with contextlib.aclosing(events):  # type: ignore[type-var]
        async for event in events:
            if isinstance(event, TextDelta):
                parts.append(event.text)
    return "".join(parts)


class QueuedEngine(ABC):
    """Admission queue + timeouts + stats in front of a backend that produces text deltas."""

    def __init__(
        self,
        *,
        queue_depth: int = 32,
        slots: int = 1,
        generation_timeout: float = 180.0,
        default_max_tokens: int = 512,
        default_temperature: float = 0.7,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._generation_timeout = generation_timeout
        self._default_max_tokens = default_max_tokens
        self._default_temperature = default_temperature
        self._loaded = False
        self._closing = False
        self._served = 0
        self._tokens = 0
        self._seconds_per_request = 5.0
        self._recent_rates: list[float] = []
        self._active: set[DeltaSink] = set()
        self.queue = AdmissionQueue(
            queue_depth, slots, seconds_per_request=lambda: self._seconds_per_request
        )

    # -- backend hooks -------------------------------------------------------------------------

    @property
    @abstractmethod
    def info(self) -> ModelInfo: ...

    @abstractmethod
    async def _load(self) -> None: ...

    async def _unload(self) -> None:
        return None

    @abstractmethod
    async def _produce(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        """Generate, calling ``sink.put`` per token; stop promptly once ``sink.cancelled``."""

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        if not self._loaded:
            await self._load()
            self._loaded = True
            self._closing = False

    async def close(self) -> None:
        """Stop taking work, cut off running generations, release the model."""
        self._closing = True
        for sink in list(self._active):
            sink.interrupt()
        if self._loaded:
            await self._unload()
        self._loaded = False

    def stats(self) -> EngineStats:
        rates = self._recent_rates
        return EngineStats(
            waiting=self.queue.waiting,
            running=self.queue.running,
            queue_capacity=self.queue.capacity,
            requests_served=self._served,
            tokens_generated=self._tokens,
            tokens_per_second=sum(rates) / len(rates) if rates else 0.0,
            loaded=self._loaded,
            rejected=self.queue.rejected,
        )

    # -- the protocol --------------------------------------------------------------------------

    def _resolve(self, options: GenerationOptions | None) -> GenerationOptions:
        options = options or GenerationOptions()
        return options.with_(
            max_tokens=options.max_tokens or self._default_max_tokens,
            temperature=(
                self._default_temperature if options.temperature is None else options.temperature
            ),
            timeout=options.timeout or self._generation_timeout,
        )

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> AsyncIterator[StreamEvent]:
        if not self._loaded or self._closing:
            raise ModelUnavailable()
        resolved = self._resolve(options)
        ticket = self.queue.submit(user_id, priority)
        sink: DeltaSink | None = None
        task: asyncio.Task[None] | None = None
        try:
            while not ticket.admitted:
                yield QueueUpdate(ticket.position, ticket.eta)
                await ticket.wait_changed()
            if self._closing:
                raise GenerationCancelled()
            sink = DeltaSink(asyncio.get_running_loop(), priority)
            self._active.add(sink)
            started = self._clock()
            deadline = started + (resolved.timeout or self._generation_timeout)
            task = asyncio.create_task(self._run(messages, resolved, sink))
            while True:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    raise GenerationTimeout()
                # A step's texts arrive together: take what is queued without a wait, and wait
                # (under one timeout, no wrapping task) only when nothing is. Per token this was
                # the event loop's largest cost, taken from the cores that decode.
                item = sink.take()
                if item is _EMPTY:
                    try:
                        async with asyncio.timeout(remaining):
                            item = await sink.get()
                    except TimeoutError:
                        raise GenerationTimeout() from None
                if item is _END:
                    break
                yield TextDelta(str(item))
            if self._closing and sink.cancelled:
                # Cut off by close(): don't wait for a backend that may be stalled.
                raise GenerationCancelled()
            await task  # re-raise a backend failure
            self._record(sink.tokens, self._clock() - started)
        finally:
            if sink is not None:
                sink.cancel()
                self._active.discard(sink)
            if task is not None and not task.done():
                # The slot frees when the backend has really stopped (at its next token).
                task.add_done_callback(lambda _t: ticket.withdraw())
                task.add_done_callback(_swallow)
            else:
                ticket.withdraw()

    async def _run(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        try:
            await self._produce(messages, options, sink)
        except MuseError:
            raise
        except Exception as exc:
            # A backend crash is logged in full; callers see a model error they can explain.
            log.exception("the model backend failed")
            raise ModelError(
                "The language model failed on this request. Please try again."
            ) from exc
        finally:
            sink.close()

    def _record(self, tokens: int, seconds: float) -> None:
        self._served += 1
        self._tokens += tokens
        if seconds > 0:
            self._seconds_per_request = 0.7 * self._seconds_per_request + 0.3 * seconds
            if tokens > 1:
                self._recent_rates = [*self._recent_rates[-19:], tokens / seconds]

    async def complete(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> str:
        return await collect_text(
            self.stream(messages, options, user_id=user_id, priority=priority)
        )

    async def structured(
        self,
        messages: Sequence[ChatMessage],
        schema: type[T],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> T:
        """Generate JSON constrained to ``schema``; validate; retry once; else raise."""
        options = options or GenerationOptions()
        base = options.with_(
            json_schema=bound_schema(schema.model_json_schema()),
            repeat_penalty=max(options.repeat_penalty, 1.3),
        )
        last_error: Exception | None = None
        for attempt in range(2):
            attempt_options = base
            if attempt and base.seed is not None:
                attempt_options = base.with_(seed=base.seed + 1)
            elif attempt:
                attempt_options = base.with_(temperature=max(0.3, base.temperature or 0.0))
            text = await self.complete(
                messages, attempt_options, user_id=user_id, priority=priority
            )
            try:
                return schema.model_validate_json(text)
            except ValidationError as exc:
                last_error = exc
        raise StructuredOutputError() from last_error


def _swallow(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # mark retrieved: the consumer already left
