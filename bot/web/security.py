"""What every response of Muse's web server carries, and the per-IP rate limit.

- A strict Content-Security-Policy: nothing but this server's own stylesheet and images; no
  scripts at all, no frames, no third-party host of any kind.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, and ``no-store``, so
  that no cache keeps a work after its author made it private or erased it.
- A token bucket per client address: a crawler or a token prober slows to a trickle (429).
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "RateLimiter",
    "client_address",
    "rate_limit_middleware",
    "security_headers_middleware",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Monitoring polls these; they are neither rate limited nor member data.
UNLIMITED_PATHS = frozenset({"/healthz", "/metrics"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, refilled at ``rate`` per second.

    At most ``max_keys`` buckets are kept (the least recently used go first), so a flood of
    addresses can't grow memory without bound.
    """

    def __init__(
        self,
        rate: float = 2.0,
        burst: int = 60,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        now = self._clock()
        tokens, last = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait


def _is_local(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def client_address(request: web.Request) -> str:
    """The client's address. Behind a reverse proxy (Caddy, nginx) every request comes from
    loopback, or from a private address when Muse runs in a container, so the proxy's
    ``X-Forwarded-For`` is used then, and only then: anyone on the internet could write that
    header themselves. (Its last entry is the one the proxy added.)"""
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and _is_local(peer):
        last = forwarded[-200:].split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer


def _with_headers(response: web.StreamResponse) -> web.StreamResponse:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@web.middleware
async def security_headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        # aiohttp's own 404/405 answers get the same headers (and say noindex).
        exc.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        _with_headers(exc)
        raise
    return _with_headers(response)


def rate_limit_middleware(limiter: RateLimiter) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in UNLIMITED_PATHS:
            wait = limiter.allow(client_address(request))
            if wait > 0:
                raise web.HTTPTooManyRequests(
                    text="Too many requests: slow down a little.",
                    headers={"Retry-After": str(max(1, round(wait)))},
                )
        return await handler(request)

    return middleware
