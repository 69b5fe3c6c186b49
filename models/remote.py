"""The remote engine: any OpenAI-compatible ``/v1/chat/completions`` server (llama.cpp's server,
llama-cpp-python's, vLLM, Ollama) behind Muse's own fair admission queue.

Muse's queue stays in front, so queue positions and fairness across members mean the same as with
the embedded engine; ``concurrency`` requests go to the server at once (set it to the server's
parallel slots). Replies stream as server-sent events. Connection errors, timeouts and 5xx answers
are retried with exponential backoff, but only before the first token arrived (a retry after that
would repeat text the member already sees); 4xx answers are never retried. The wire format itself
(request bodies, event parsing, what an error answer means) is in :mod:`models.remote_wire`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl

from .engine import DeltaSink, QueuedEngine
from .errors import ConfigurationError, ModelUnavailable
from .remote_wire import (
    JsonFormat,
    ServerError,
    chat_payload,
    client_error,
    delta_text,
    describe,
    is_loopback,
    model_ids,
    read_detail,
    sse_data,
)
from .types import ChatMessage, GenerationOptions, ModelInfo

__all__ = ["OpenAICompatEngine", "RemoteState"]

log = logging.getLogger(__name__)

_CANCEL_POLL_SECONDS = 0.05
PROBE_TIMEOUT_SECONDS = 3.0
PROBE_CACHE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class RemoteState:
    """What the last probe of the model server found."""

    reachable: bool
    detail: str


class _MidStreamFailure(Exception):
    """The connection broke after text was already delivered: never retried."""


class OpenAICompatEngine(QueuedEngine):
    """Streams chat completions from an OpenAI-compatible server."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = "",
        api_key: str | None = None,
        concurrency: int = 1,
        context_size: int = 4096,
        queue_depth: int = 32,
        generation_timeout: float = 180.0,
        default_max_tokens: int = 512,
        default_temperature: float = 0.7,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        json_format: JsonFormat = "json_object",
        allow_plain_http_key: bool = False,
    ) -> None:
        super().__init__(
            queue_depth=queue_depth,
            slots=concurrency,
            generation_timeout=generation_timeout,
            default_max_tokens=default_max_tokens,
            default_temperature=default_temperature,
        )
        url = yarl.URL(base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError(f"MUSE_REMOTE_URL must be an http(s) URL, got {base_url!r}")
        exposed = url.scheme == "http" and not is_loopback(url.host)
        if api_key and exposed and not allow_plain_http_key:
            raise ConfigurationError(
                f"MUSE_REMOTE_API_KEY would travel unencrypted to {url.host} over plain http. "
                "Use an https:// MUSE_REMOTE_URL, or set MUSE_REMOTE_ALLOW_PLAIN_HTTP_KEY=true "
                "if the network between Muse and the server is private."
            )
        self.base_url = str(url)
        self._requested_model = model.strip()
        self._model = self._requested_model
        self._api_key = api_key
        self._context_size = context_size
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=connect_timeout,
            sock_connect=connect_timeout,
            sock_read=read_timeout,
        )
        self._retries = retries
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._json_format: JsonFormat = json_format
        self._session: aiohttp.ClientSession | None = None
        self._probed: tuple[float, RemoteState] | None = None
        self.retried = 0  # how many requests were retried, for operators and tests

    @property
    def info(self) -> ModelInfo:
        host = yarl.URL(self.base_url).host or self.base_url
        return ModelInfo(
            name=self._model or "remote model",
            context_size=self._context_size,
            path=None,
            backend=f"remote ({host})",
        )

    # -- lifecycle -------------------------------------------------------------------------

    async def _load(self) -> None:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        self._session = aiohttp.ClientSession(timeout=self._timeout, headers=headers)
        try:
            models = await self._list_models()
        except BaseException:
            await self._session.close()
            self._session = None
            raise
        if self._requested_model:
            if models and self._requested_model not in models:
                await self._unload()
                shown = ", ".join(models[:5])
                raise ConfigurationError(
                    f"The model server at {self.base_url} has no model "
                    f"{self._requested_model!r} (it offers: {shown}). Fix MUSE_REMOTE_MODEL."
                )
        elif models:
            self._model = models[0]
        log.info("remote model server %s ready: model %s", self.base_url, self._model or "?")

    async def _unload(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _list_models(self) -> list[str]:
        """``GET /models``, retried like a generation; a clear error when nothing answers."""
        assert self._session is not None
        url = f"{self.base_url}/models"
        for attempt in range(self._retries + 1):
            try:
                async with self._session.get(url) as response:
                    if response.status >= 500:
                        raise ServerError(response.status, await read_detail(response))
                    if response.status in (401, 403):
                        raise ConfigurationError(
                            f"The model server at {self.base_url} refused Muse's credentials "
                            f"(HTTP {response.status}). Check MUSE_REMOTE_API_KEY."
                        )
                    if response.status >= 400:
                        raise ConfigurationError(
                            f"{url} answered HTTP {response.status}; is MUSE_REMOTE_URL the "
                            "server's OpenAI-compatible base URL (usually ending in /v1)?"
                        )
                    return model_ids(await response.json(content_type=None), self.base_url)
            except (aiohttp.ClientError, TimeoutError, ServerError, ValueError) as exc:
                if attempt >= self._retries:
                    raise ConfigurationError(
                        f"Muse can't reach the model server at {self.base_url} ({describe(exc)}). "
                        "Start the server, or fix MUSE_REMOTE_URL / MUSE_ENGINE."
                    ) from exc
                await asyncio.sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    async def probe(self) -> RemoteState:
        """Whether the model server answers ``GET /models`` now (for /healthz); cached for a few
        seconds so that frequent health checks don't become load on the server."""
        now = time.monotonic()
        if self._probed is not None and now - self._probed[0] < PROBE_CACHE_SECONDS:
            return self._probed[1]
        state = await self._probe_once()
        self._probed = (time.monotonic(), state)
        return state

    async def _probe_once(self) -> RemoteState:
        session = self._session
        if session is None:
            return RemoteState(False, "not connected")
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_SECONDS)
        try:
            async with session.get(f"{self.base_url}/models", timeout=timeout) as response:
                if response.status >= 400:
                    return RemoteState(False, f"HTTP {response.status}")
                model_ids(await response.json(content_type=None), self.base_url)
                return RemoteState(True, "ok")
        except ConfigurationError:
            return RemoteState(False, "not an OpenAI model list")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return RemoteState(False, describe(exc))

    # -- generation ------------------------------------------------------------------------

    def payload(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> dict[str, Any]:
        """The request body for one streamed chat completion."""
        return chat_payload(messages, options, model=self._model, json_format=self._json_format)

    async def _produce(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        body = self.payload(messages, options)
        for attempt in range(self._retries + 1):
            if sink.cancelled:
                return
            try:
                await self._stream_once(body, sink)
                return
            except _MidStreamFailure as exc:
                if sink.cancelled:
                    return
                log.warning("model server broke off a reply: %s", exc)
                raise ModelUnavailable(
                    "The model server stopped answering in the middle of this reply. "
                    "Please try again."
                ) from exc
            except (aiohttp.ClientError, TimeoutError, ServerError) as exc:
                if sink.cancelled:
                    return
                if attempt >= self._retries:
                    log.warning("model server failed %d time(s): %s", attempt + 1, describe(exc))
                    raise ModelUnavailable() from exc
                delay = self._backoff(attempt)
                log.info("model server: %s; retrying in %.2f s", describe(exc), delay)
                self.retried += 1
                await asyncio.sleep(delay)

    async def _stream_once(self, body: dict[str, Any], sink: DeltaSink) -> None:
        if self._session is None:
            raise ModelUnavailable()
        async with self._session.post(f"{self.base_url}/chat/completions", json=body) as response:
            if response.status >= 500:
                raise ServerError(response.status, await read_detail(response))
            if response.status >= 400:
                raise await client_error(response)
            watcher = asyncio.create_task(_close_when_cancelled(sink, response))
            delivered = False
            try:
                async for event in sse_data(response.content):
                    if sink.cancelled:
                        return
                    if event == "[DONE]":
                        return
                    delta = delta_text(event)
                    if delta:
                        delivered = True
                        sink.put(delta)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if delivered and not sink.cancelled:
                    raise _MidStreamFailure(describe(exc)) from exc
                raise
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    def _backoff(self, attempt: int) -> float:
        delay: float = min(self._backoff_max, self._backoff_base * 2**attempt)
        return delay * random.uniform(0.5, 1.0)  # jitter, not security


async def _close_when_cancelled(sink: DeltaSink, response: aiohttp.ClientResponse) -> None:
    """Hang up as soon as the consumer leaves, so the server stops generating and the slot frees
    even when the server is silent."""
    # DeltaSink's cancel flag is a threading.Event (the embedded engine's worker reads it), so it
    # is polled here rather than awaited.
    while not sink.cancelled:  # noqa: ASYNC110
        await asyncio.sleep(_CANCEL_POLL_SECONDS)
    response.close()
