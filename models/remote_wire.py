"""The OpenAI-compatible wire format the remote engine speaks: the request body of a streamed chat
completion, the ``/models`` list, server-sent events and their text deltas, and what an error
answer means for Muse.

Nothing here holds a connection; :mod:`models.remote` does the talking and the retrying.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any, Literal

import aiohttp

from .errors import ConfigurationError, ModelError, QueueFull
from .types import ChatMessage, GenerationOptions

__all__ = [
    "ERROR_BODY_LIMIT",
    "JsonFormat",
    "ServerError",
    "chat_payload",
    "client_error",
    "delta_text",
    "describe",
    "is_loopback",
    "model_ids",
    "read_detail",
    "sse_data",
]

log = logging.getLogger(__name__)

JsonFormat = Literal["json_object", "json_schema"]

# An error body is only for the log: a hostile or broken server can't make Muse read megabytes.
ERROR_BODY_LIMIT = 300


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class ServerError(Exception):
    """A retryable answer from the server (5xx)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


def chat_payload(
    messages: Sequence[ChatMessage],
    options: GenerationOptions,
    *,
    model: str,
    json_format: JsonFormat,
) -> dict[str, Any]:
    """The request body for one streamed chat completion (``model`` left out when empty)."""
    body: dict[str, Any] = {
        "messages": [m.as_dict() for m in messages],
        "stream": True,
        "max_tokens": options.max_tokens,
        "temperature": options.temperature or 0.0,
        "top_p": options.top_p,
        "repeat_penalty": options.repeat_penalty,  # llama.cpp; other servers ignore it
    }
    if model:
        body["model"] = model
    if options.stop:
        body["stop"] = list(options.stop)
    if options.seed is not None:
        body["seed"] = options.seed
    if options.ignore_eos:
        body["ignore_eos"] = True
    if options.json_schema is not None:
        if json_format == "json_schema":
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


def model_ids(data: object, base_url: str) -> list[str]:
    """The ids of an OpenAI ``/models`` reply (``{"data": [{"id": ...}, ...]}``) from the server at
    ``base_url``; a :class:`ConfigurationError` when the reply is not such a list."""
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigurationError(
            f"The server at {base_url} answered /models with something that isn't an "
            f"OpenAI model list (a JSON {type(data).__name__}). Is MUSE_REMOTE_URL the "
            "server's OpenAI-compatible base URL (usually ending in /v1)?"
        )
    return [
        entry["id"]
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]
    ]


async def sse_data(stream: AsyncIterable[bytes]) -> AsyncIterator[str]:
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


def delta_text(event: str) -> str:
    """The text one streamed chunk adds ("" for anything else); a :class:`ModelError` when the
    server reports an error mid-stream."""
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


async def client_error(response: aiohttp.ClientResponse) -> Exception:
    """The error a 4xx answer means for the member: busy (429), misconfigured (401/403/404), or a
    request the server can't take."""
    detail = await read_detail(response)
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


async def read_detail(response: aiohttp.ClientResponse) -> str:
    """The start of an error body: at most :data:`ERROR_BODY_LIMIT` bytes are read."""
    with contextlib.suppress(Exception):
        head = await response.content.read(ERROR_BODY_LIMIT)
        return head.decode("utf-8", errors="replace")
    return ""


def describe(exc: BaseException) -> str:
    """A short reason for a failed exchange, for logs and start-up errors."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text[:200]
