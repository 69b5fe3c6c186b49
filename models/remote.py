"""The remote engine: any OpenAI-compatible ``/v1/chat/completions`` server (llama.cpp's server,
llama-cpp-python's, vLLM, Ollama) behind Muse's own fair admission queue.

Muse's queue stays in front, so queue positions and fairness across members mean the same as with
the embedded engine; ``concurrency`` requests go to the server at once (set it to the server's
parallel slots). Replies stream as server-sent events. Connection errors, timeouts and 5xx answers
are retried with exponential backoff, but only before the first token arrived (a retry after that
would repeat text the member already sees); 4xx answers are never retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import random
import time
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
import yarl

from .engine import DeltaSink, QueuedEngine
from .errors import ConfigurationError, ModelError, ModelUnavailable, QueueFull
from .types import ChatMessage, GenerationOptions, ModelInfo

__all__ = [
    "ERROR_BODY_LIMIT",
    "JsonFormat",
    "OpenAICompatEngine",
    "RemoteState",
    "ServerError",
    "is_loopback",
]

log = logging.getLogger(__name__)

JsonFormat = Literal["json_object", "json_schema"]

_CANCEL_POLL_SECONDS = 0.05
# An error body is only for the log: a hostile or broken server can't make Muse read megabytes.
ERROR_BODY_LIMIT = 300
PROBE_TIMEOUT_SECONDS = 3.0
PROBE_CACHE_SECONDS = 5.0


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class RemoteState:
    """What the last probe of the model server found."""

    reachable: bool
    detail: str


class ServerError(Exception):
    """A retryable answer from the server (5xx)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


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
                        raise ServerError(response.status, await _detail(response))
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
                    return self._model_ids(await response.json(content_type=None))
            except (aiohttp.ClientError, TimeoutError, ServerError, ValueError) as exc:
                if attempt >= self._retries:
                    raise ConfigurationError(
                        f"Muse can't reach the model server at {self.base_url} ({_reason(exc)}). "
                        "Start the server, or fix MUSE_REMOTE_URL / MUSE_ENGINE."
                    ) from exc
                await asyncio.sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    def _model_ids(self, data: object) -> list[str]:
        """The ids of an OpenAI ``/models`` reply (``{"data": [{"id": ...}, ...]}``)."""
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigurationError(
                f"The server at {self.base_url} answered /models with something that isn't an "
                f"OpenAI model list (a JSON {type(data).__name__}). Is MUSE_REMOTE_URL the "
                "server's OpenAI-compatible base URL (usually ending in /v1)?"
            )
        return [
            entry["id"]
            for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]
        ]

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
                self._model_ids(await response.json(content_type=None))
                return RemoteState(True, "ok")
        except ConfigurationError:
            return RemoteState(False, "not an OpenAI model list")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return RemoteState(False, _reason(exc))

    # -- generation ------------------------------------------------------------------------

    def payload(
        self, messages: Sequence[ChatMessage], options: GenerationOptions
    ) -> dict[str, Any]:
        """The request body for one streamed chat completion."""
        body: dict[str, Any] = {
            "messages": [m.as_dict() for m in messages],
            "stream": True,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature or 0.0,
            "top_p": options.top_p,
            "repeat_penalty": options.repeat_penalty,  # llama.cpp; other servers ignore it
        }
        if self._model:
            body["model"] = self._model
        if options.stop:
            body["stop"] = list(options.stop)
        if options.seed is not None:
            body["seed"] = options.seed
        if options.ignore_eos:
            body["ignore_eos"] = True
        if options.json_schema is not None:
            if self._json_format == "json_schema":
                body["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": "answer",
                        "strict": True,
                        "schema": options.json_schema,
                    },
                }
            else:
                body["response_format"] = {"type": "json_object", "schema": options.json_schema}
        return body

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
                    log.warning("model server failed %d time(s): %s", attempt + 1, _reason(exc))
                    raise ModelUnavailable() from exc
                delay = self._backoff(attempt)
                log.info("model server: %s; retrying in %.2f s", _reason(exc), delay)
                self.retried += 1
                await asyncio.sleep(delay)

    async def _stream_once(self, body: dict[str, Any], sink: DeltaSink) -> None:
        if self._session is None:
            raise ModelUnavailable()
        async with self._session.post(f"{self.base_url}/chat/completions", json=body) as response:
            if response.status >= 500:
                raise ServerError(response.status, await _detail(response))
            if response.status >= 400:
                raise await self._client_error(response)
            watcher = asyncio.create_task(_close_when_cancelled(sink, response))
            delivered = False
            try:
                async for event in _sse_data(response.content):
                    if sink.cancelled:
                        return
                    if event == "[DONE]":
                        return
                    delta = _delta_text(event)
                    if delta:
                        delivered = True
                        sink.put(delta)
            except (aiohttp.ClientError, TimeoutError) as exc:
                if delivered and not sink.cancelled:
                    raise _MidStreamFailure(_reason(exc)) from exc
                raise
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    async def _client_error(self, response: aiohttp.ClientResponse) -> Exception:
        detail = await _detail(response)
        status = response.status
        # The body may quote the request (members' text): only at debug level.
        log.warning("model server refused a request: HTTP %d", status)
        log.debug("model server's answer: %s", detail)
        if status == 429:
            retry_after = response.headers.get("Retry-After", "")
            seconds = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else 10.0
            return QueueFull(retry_after=seconds)
        if status in (401, 403, 404):
            return ConfigurationError(
                f"The model server refused the request (HTTP {status}): check MUSE_REMOTE_URL, "
                "MUSE_REMOTE_MODEL and MUSE_REMOTE_API_KEY."
            )
        return ModelError(
            "The model server couldn't take this request (it may be too long). Try a shorter one."
        )

    def _backoff(self, attempt: int) -> float:
        delay: float = min(self._backoff_max, self._backoff_base * 2**attempt)
        return delay * random.uniform(0.5, 1.0)  # jitter, not security


async def _sse_data(stream: AsyncIterable[bytes]) -> AsyncIterator[str]:
    """The ``data:`` payloads of a server-sent event stream, read line by line (multi-line data
    joined)."""
    lines: list[str] = []
    async for raw in stream:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if lines:
                yield "\n".join(lines)
                lines = []
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        field, _, value = line.partition(":")
        if field == "data":
            lines.append(value.removeprefix(" "))
    if lines:
        yield "\n".join(lines)


def _delta_text(event: str) -> str:
    try:
        data = json.loads(event)
    except ValueError:
        log.debug("model server sent a non-JSON event: %.200s", event)
        return ""
    if not isinstance(data, dict):
        return ""
    if "error" in data:
        log.warning("model server reported an error mid-stream")
        log.debug("model server's error: %.300s", data["error"])
        raise ModelError()
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta")
    if not isinstance(delta, dict):
        return ""
    content = delta.get("content")
    return content if isinstance(content, str) else ""


async def _close_when_cancelled(sink: DeltaSink, response: aiohttp.ClientResponse) -> None:
    """Hang up as soon as the consumer leaves, so the server stops generating and the slot frees
    even when the server is silent."""
    # DeltaSink's cancel flag is a threading.Event (the embedded engine's worker reads it), so it
    # is polled here rather than awaited.
    while not sink.cancelled:  # noqa: ASYNC110
        await asyncio.sleep(_CANCEL_POLL_SECONDS)
    response.close()


async def _detail(response: aiohttp.ClientResponse) -> str:
    """The start of an error body: at most :data:`ERROR_BODY_LIMIT` bytes are read."""
    with contextlib.suppress(Exception):
        head = await response.content.read(ERROR_BODY_LIMIT)
        return head.decode("utf-8", errors="replace")
    return ""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text[:200]
