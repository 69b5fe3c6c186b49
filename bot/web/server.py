"""Muse's web server (aiohttp): the gallery, its stylesheet, and /healthz and /metrics when the
operations endpoint shares its port.

Configured by ``MUSE_WEB_HOST``/``MUSE_WEB_PORT`` (port 0: a free one, as the sandbox uses) and
``MUSE_PUBLIC_URL``, the base that links in Discord use (default ``http://{host}:{port}``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.errors import ConfigurationError
from bot.services.gallery.service import GalleryService

from .attachments import AttachmentPolicy
from .render import build_environment
from .routes import GalleryRoutes
from .security import RateLimiter, rate_limit_middleware, security_headers_middleware

__all__ = ["STATIC", "WebServer", "default_public_url"]

log = logging.getLogger("muse.web")

STATIC = Path(__file__).with_name("static")


def default_public_url(host: str, port: int) -> str:
    """``http://{host}:{port}``; a wildcard address means this machine (127.0.0.1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if address.is_unspecified:
        return f"http://127.0.0.1:{port}"
    return f"http://[{host}]:{port}" if address.version == 6 else f"http://{host}:{port}"


class WebServer:
    """Build it, add any extra routes (the operations endpoint's), then :meth:`start`."""

    def __init__(
        self,
        gallery: GalleryService,
        *,
        host: str,
        port: int,
        public_url: str | None = None,
        limiter: RateLimiter | None = None,
        policy: AttachmentPolicy | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._public_url = public_url
        self._gallery = gallery
        self.limiter = limiter or RateLimiter()
        self._routes = GalleryRoutes(gallery, build_environment(), policy or AttachmentPolicy())
        self.app = web.Application(
            middlewares=[security_headers_middleware, rate_limit_middleware(self.limiter)],
            client_max_size=64 * 1024,
        )
        self.app.router.add_routes(self._routes.routes())
        self.app.router.add_get("/", self._root)
        self.app.router.add_static("/static/", STATIC, append_version=False)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url: str | None = None

    def add_routes(self, routes: Iterable[web.RouteDef]) -> None:
        """More routes on the same port (before :meth:`start`)."""
        self.app.router.add_routes(list(routes))

    async def start(self) -> str:
        """Listen, and tell the gallery service its public URL; returns that URL."""
        self._session = aiohttp.ClientSession(headers={"User-Agent": "Muse gallery"})
        self._routes.attach_session(self._session)
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self.close()
            raise ConfigurationError(
                f"The web server can't listen on {self.host}:{self.port} "
                f"({exc.strerror or exc}). Change MUSE_WEB_HOST/MUSE_WEB_PORT."
            ) from exc
        self.port = int(self._runner.addresses[0][1])
        self.url = self._public_url or default_public_url(self.host, self.port)
        self._gallery.attach_base_url(self.url)
        log.info("web server on http://%s:%d (gallery links: %s)", self.host, self.port, self.url)
        return self.url

    async def close(self) -> None:
        self._gallery.attach_base_url(None)
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _root(self, request: web.Request) -> web.Response:
        # Galleries live under their tokens; the root names none of them.
        return web.Response(
            text="Muse is running. Ask for your server's gallery link with /gallery link.",
            headers={"X-Robots-Tag": "noindex, nofollow"},
        )
