"""The :class:`Sandbox`: runs the REST server and the gateway, and drives them as users would.

Its behaviour is assembled from :mod:`.core` (parts, addresses, fixtures), :mod:`.world` (changing
guilds, members, channels), :mod:`.traffic` (recorded traffic, waiting, faults, gateway control)
and :mod:`.acting` (members acting); this module adds serving it over sockets.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web

from .acting import SandboxActing
from .fixtures import SandboxConfig
from .traffic import SandboxTraffic
from .world import SandboxWorld

__all__ = ["Sandbox", "SandboxConfig"]


class Sandbox(SandboxActing, SandboxWorld, SandboxTraffic):
    """A local Discord: REST under ``/api/v10``, a gateway at ``/gateway``, and a test driver.

    Use ``async with Sandbox() as sandbox:`` (or ``await start()`` / ``await stop()``), then point
    discord.py at it with :func:`bot.endpoints.apply_discord_endpoints`
    (``sandbox.api_base``, ``sandbox.gateway_url``) and log in with ``sandbox.token``.
    """

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.rest.handle_attachment
        )
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.on_shutdown.append(self._on_shutdown)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        self.state.attachment_url_base = self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await self.gateway.close_all()
            await runner.cleanup()

    async def _on_shutdown(self, app: web.Application) -> None:
        await self.gateway.close_all()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
