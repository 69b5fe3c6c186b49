"""What the sandbox saw: REST calls, gateway traffic, and a change signal to wait on."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChangeSignal", "GatewayRecord", "RecordedCall", "UploadedFile"]


@dataclass(frozen=True)
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    field_name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedCall:
    """One REST request the bot made, with the sandbox's answer.

    ``path`` is relative to the API base (``/channels/1/messages``); ``route`` is the matched
    template (``/channels/{channel_id}/messages``) or ``None`` for an unknown route. ``json`` is
    the JSON body, or the parsed ``payload_json`` part of a multipart body.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    at: float
    route: str | None = None
    status: int = 0
    response: Any = None
    unknown_route: bool = False
    rate_limited: bool = False
    faulted: bool = False  # a fault switch answered or dropped it
    dropped: bool = False  # the connection was closed without an answer

    def __repr__(self) -> str:
        return f"<RecordedCall {self.method} {self.path} -> {self.status}>"


@dataclass
class GatewayRecord:
    """One gateway frame. ``direction`` is ``"send"`` (to the bot) or ``"recv"`` (from it)."""

    direction: str
    op: int
    event: str | None
    data: Any
    seq: int | None
    at: float = field(default_factory=time.monotonic)


class ChangeSignal:
    """Lets waiters sleep until something in the sandbox changed, then re-check a condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(
        self,
        condition: Callable[[], Any],
        timeout: float,  # noqa: ASYNC109
    ) -> Any:
        """Return the first truthy ``condition()``; raise TimeoutError after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout:.1f}s")
            event = self._event
            # Poll as well, so conditions on wall-clock time or outside state still progress.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=min(remaining, 0.05))
