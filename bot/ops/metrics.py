"""Prometheus metrics for one Muse process, in a registry of its own (no global state).

* the engine's queue and speed, read from ``engine.stats()`` at scrape time;
* a histogram of generation latency and a counter of generations by outcome, observed by
  :class:`MeteredEngine`, a transparent wrapper around whichever engine runs;
* interactions by command and outcome (fed by :mod:`bot.ops.cog`);
* generations refused by reason (the fair-share limits and the engine's full queue), read from
  the status service at scrape time;
* Discord API errors by status, counted by an aiohttp trace on discord.py's own HTTP session, so
  REST calls, interaction callbacks and webhook follow-ups are all seen.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar

import aiohttp
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import BaseModel

from bot.errors import GenerationCancelled, GenerationTimeout, ModelError, MuseError, QueueFull
from models import (
    ChatMessage,
    EngineStats,
    GenerationOptions,
    LLMEngine,
    ModelInfo,
    Priority,
    StreamEvent,
    TextDelta,
    collect_text,
)

__all__ = ["DiscordApiTrace", "MeteredEngine", "MuseMetrics", "outcome_of"]

T = TypeVar("T", bound=BaseModel)

LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0)


def outcome_of(error: BaseException | None) -> str:
    """A small, fixed set of outcome labels (never free text: label cardinality stays bounded)."""
    if error is None:
        return "ok"
    if isinstance(error, GenerationTimeout):
        return "timeout"
    if isinstance(error, GenerationCancelled | GeneratorExit):
        return "cancelled"
    if isinstance(error, QueueFull):
        return "queue_full"
    if isinstance(error, ModelError):
        return "model_error"
    if isinstance(error, MuseError):
        return "refused"
    return "error"


class _EngineCollector(Collector):
    def __init__(self, stats: Callable[[], EngineStats | None]) -> None:
        self._stats = stats

    def collect(self) -> Iterable[Any]:
        stats = self._stats()
        if stats is None:
            return
        yield GaugeMetricFamily(
            "muse_queue_waiting", "Requests waiting for the model", value=stats.waiting
        )
        yield GaugeMetricFamily(
            "muse_queue_running", "Requests the model is generating now", value=stats.running
        )
        yield GaugeMetricFamily(
            "muse_queue_capacity", "Most requests that may wait", value=stats.queue_capacity
        )
        yield GaugeMetricFamily(
            "muse_tokens_per_second",
            "Recent generation speed (average of the last requests)",
            value=stats.tokens_per_second,
        )
        yield GaugeMetricFamily(
            "muse_engine_loaded", "1 when the model is loaded or reachable", value=stats.loaded
        )
        yield CounterMetricFamily(
            "muse_tokens_generated", "Tokens generated since start", value=stats.tokens_generated
        )
        yield CounterMetricFamily(
            "muse_requests_served", "Generations completed since start", value=stats.requests_served
        )


class _RejectionCollector(Collector):
    def __init__(self, source: Callable[[], Mapping[str, int]]) -> None:
        self._source = source

    def collect(self) -> Iterable[Any]:
        family = CounterMetricFamily(
            "muse_generation_rejections",
            "Generations refused, by reason (member_busy, server_busy, cooldown, queue_full)",
            labels=["reason"],
        )
        for reason, count in sorted(self._source().items()):
            family.add_metric([reason], count)
        yield family


class MuseMetrics:
    """Every metric Muse exports, registered in ``self.registry``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.generation_seconds = Histogram(
            "muse_generation_seconds",
            "Time a generation took in all, from the request (queue wait included) to its end",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.first_token_seconds = Histogram(
            "muse_first_token_seconds",
            "Time from the request to its first token (queue wait and prompt included)",
            buckets=(0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0),
            registry=self.registry,
        )
        self.generations = Counter(
            "muse_generations",
            "Generations by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.interactions = Counter(
            "muse_interactions",
            "Interactions handled, by command and outcome",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.discord_api_errors = Counter(
            "muse_discord_api_errors",
            "Discord API requests that failed, by HTTP status (or 'connection')",
            ["status"],
            registry=self.registry,
        )
        self._engine_stats: Callable[[], EngineStats | None] = lambda: None
        self.registry.register(_EngineCollector(lambda: self._engine_stats()))
        self._rejections: Callable[[], Mapping[str, int]] = dict
        self.registry.register(_RejectionCollector(lambda: self._rejections()))

    def watch_engine(self, engine: LLMEngine) -> None:
        self._engine_stats = engine.stats

    def watch_rejections(self, source: Callable[[], Mapping[str, int]]) -> None:
        self._rejections = source

    def count_interaction(self, command: str, outcome: str) -> None:
        self.interactions.labels(command=command[:100], outcome=outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def discord_trace(self) -> DiscordApiTrace:
        return DiscordApiTrace(self)


class DiscordApiTrace(aiohttp.TraceConfig):
    """Counts failed requests on the HTTP session discord.py creates (``http_trace=``)."""

    def __init__(self, metrics: MuseMetrics) -> None:
        super().__init__()
        self.metrics = metrics
        self.on_request_end.append(self._on_end)
        self.on_request_exception.append(self._on_exception)

    async def _on_end(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        if params.response.status >= 400:
            self.metrics.discord_api_errors.labels(status=str(params.response.status)).inc()

    async def _on_exception(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        self.metrics.discord_api_errors.labels(status="connection").inc()


class MeteredEngine:
    """Wraps an engine, observing every generation; everything else passes straight through."""

    def __init__(self, inner: LLMEngine, metrics: MuseMetrics) -> None:
        self.inner = inner
        self.metrics = metrics
        metrics.watch_engine(inner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def info(self) -> ModelInfo:
        return self.inner.info

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    def stats(self) -> EngineStats:
        return self.inner.stats()

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> AsyncIterator[StreamEvent]:
        submitted = time.monotonic()
        first: float | None = None
        error: BaseException | None = None
        events = self.inner.stream(messages, options, user_id=user_id, priority=priority)
        try:
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    if first is None and isinstance(event, TextDelta):
                        first = time.monotonic()
                        self.metrics.first_token_seconds.observe(first - submitted)
                    yield event
        except BaseException as exc:
            error = exc
            raise
        finally:
            elapsed = time.monotonic() - submitted
            self.metrics.generation_seconds.labels(kind="stream").observe(elapsed)
            self.metrics.generations.labels(kind="stream", outcome=outcome_of(error)).inc()

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
        # Timed as a whole (queue wait included, retries included): the engine validates and
        # retries inside, out of this wrapper's sight.
        started = time.monotonic()
        error: BaseException | None = None
        try:
            return await self.inner.structured(
                messages, schema, options, user_id=user_id, priority=priority
            )
        except BaseException as exc:
            error = exc
            raise
        finally:
            self.metrics.generation_seconds.labels(kind="structured").observe(
                time.monotonic() - started
            )
            self.metrics.generations.labels(kind="structured", outcome=outcome_of(error)).inc()
