"""Fault switches for the sandbox's REST API, and Discord's message-nonce rule.

A :class:`Fault` makes the requests whose path matches it fail: with a status of your choice
(an outage: 503 on every channel route), with 429 and a ``retry_after``, or with a dropped
connection, either before the request takes effect or after it did (the answer is lost: the
client cannot tell whether its message was posted). A fault lasts for a number of seconds, a
number of requests, or until it is cleared.

:class:`NonceLedger` does what Discord does with ``nonce`` + ``enforce_nonce`` on a message
create: a second create by the same author with the same nonce within a few minutes returns
the first message instead of posting another one.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

__all__ = ["NONCE_WINDOW_SECONDS", "Fault", "NonceLedger"]

NONCE_WINDOW_SECONDS = 5 * 60.0


@dataclass
class Fault:
    """Fail the requests whose ``METHOD /path`` matches ``pattern`` (a regular expression
    searched in, e.g., ``"POST /channels/123/messages"``)."""

    pattern: str = r"^\w+ /channels/"
    status: int = 503
    retry_after: float | None = None  # with status 429: the body's retry_after
    drop: bool = False  # close the connection instead of answering
    after_effect: bool = False  # with drop: let the request take effect first
    until: float | None = None  # time.monotonic() when the fault ends
    remaining: int | None = None  # requests left to fail
    hits: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.pattern)

    @property
    def active(self) -> bool:
        if self.until is not None and time.monotonic() >= self.until:
            return False
        return self.remaining is None or self.remaining > 0

    def matches(self, method: str, path: str) -> bool:
        return self.active and self._regex.search(f"{method} {path}") is not None

    def hit(self) -> None:
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1

    def answer(self) -> tuple[int, dict[str, object], dict[str, str]]:
        """The status, JSON body and headers of a failed (not dropped) request."""
        if self.status == 429:
            retry = self.retry_after if self.retry_after is not None else 1.0
            headers = {
                "Retry-After": str(max(1, round(retry))),
                "X-RateLimit-Scope": "user",
                # discord.py treats a 429 without Via as a Cloudflare ban and does not retry.
                "Via": "1.1 google",
            }
            body: dict[str, object] = {
                "message": "You are being rate limited.",
                "retry_after": retry,
                "global": False,
                "code": 0,
            }
            return 429, body, headers
        return self.status, {"code": 0, "message": f"{self.status}: sandbox fault"}, {}


@dataclass
class NonceLedger:
    """Message ids by (author, nonce), for enforce_nonce."""

    window: float = NONCE_WINDOW_SECONDS
    _seen: dict[tuple[int, str], tuple[int, float]] = field(default_factory=dict)

    def find(self, author_id: int, nonce: str) -> int | None:
        found = self._seen.get((author_id, nonce))
        if found is None or time.monotonic() - found[1] > self.window:
            return None
        return found[0]

    def remember(self, author_id: int, nonce: str, message_id: int) -> None:
        self._seen[(author_id, nonce)] = (message_id, time.monotonic())
