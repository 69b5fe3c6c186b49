"""The operations endpoint, loaded as an extension when ``MUSE_OPS_PORT`` is set.

``GET /healthz`` answers 200 when every shard's gateway session is up, the database takes a write
and the engine is loaded, else 503 with the reasons; ``GET /metrics`` serves Prometheus' text
format. It binds to ``MUSE_OPS_HOST`` (127.0.0.1 by default): put a reverse proxy or the
container's HEALTHCHECK in front, never the open internet.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import web
from discord import app_commands
from discord.ext import commands
from prometheus_client import CONTENT_TYPE_LATEST

from bot.errors import ConfigurationError

from .health import GatewayHealth, check_health
from .metrics import MeteredEngine, MuseMetrics

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["OpsCog", "setup"]

log = logging.getLogger("muse.ops")


def metrics_of(bot: MuseBot) -> MuseMetrics:
    """The metrics the composition root created (carried by the metered engine), or new ones."""
    engine: Any = bot.engine
    if isinstance(engine, MeteredEngine):
        return engine.metrics
    metrics = MuseMetrics()
    metrics.watch_engine(bot.engine)
    return metrics


class OpsCog(commands.Cog):
    """Tracks gateway health and interaction outcomes; serves /healthz and /metrics."""

    def __init__(self, bot: MuseBot, metrics: MuseMetrics) -> None:
        self.bot = bot
        self.metrics = metrics
        self.gateway = GatewayHealth()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def _sharded(self) -> bool:
        return isinstance(self.bot, discord.AutoShardedClient)

    async def cog_load(self) -> None:
        settings = self.bot.settings
        shared = self.bot.web
        if (
            shared is not None
            and settings.ops_port
            and settings.ops_port == settings.web_port
            and settings.ops_host == settings.web_host
        ):
            # One port for both: the web server (started after the extensions) serves them.
            shared.add_routes(
                [web.get("/healthz", self._healthz), web.get("/metrics", self._metrics)]
            )
            self.port = settings.ops_port
            log.info("operations endpoint shares the web server's port %d", self.port)
            return
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.ops_host, settings.ops_port or 0)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise ConfigurationError(
                f"The operations endpoint can't listen on {settings.ops_host}:"
                f"{settings.ops_port} ({exc.strerror or exc}). Change MUSE_OPS_HOST/MUSE_OPS_PORT."
            ) from exc
        self.port = int(self._runner.addresses[0][1])
        log.info(
            "operations endpoint on http://%s:%d (/healthz, /metrics)", settings.ops_host, self.port
        )

    async def cog_unload(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    # -- HTTP -----------------------------------------------------------------------------

    async def _healthz(self, request: web.Request) -> web.Response:
        report = await check_health(self.bot, self.gateway)
        return web.json_response(report.as_json(), status=200 if report.healthy else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    # -- gateway state ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self._sharded:
            self.gateway.up(0)

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        if not self._sharded:
            self.gateway.up(0)

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        if not self._sharded:
            self.gateway.down(0)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        self.gateway.up(shard_id)

    @commands.Cog.listener()
    async def on_shard_resumed(self, shard_id: int) -> None:
        self.gateway.up(shard_id)

    @commands.Cog.listener()
    async def on_shard_disconnect(self, shard_id: int) -> None:
        self.gateway.down(shard_id)

    # -- interactions -----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        self.metrics.count_interaction(command.qualified_name, "ok")

    @commands.Cog.listener()
    async def on_muse_interaction_error(
        self, interaction: discord.Interaction, outcome: str, incident: str | None
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "component"
        self.metrics.count_interaction(command, outcome)


async def setup(bot: MuseBot) -> None:
    metrics = metrics_of(bot)
    metrics.watch_rejections(lambda: bot.services.status.status().rejections)
    await bot.add_cog(OpsCog(bot, metrics))
