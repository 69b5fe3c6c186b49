"""The Bot subclass: built with its dependencies, wires services, loads cogs, syncs commands."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.clock import Clock, SystemClock
from bot.db import Database, Repositories
from bot.discord_io import NO_PINGS, MuseCommandTree, install_outgoing_guard
from bot.discord_io.outbox import DiscordOutboxTransport
from bot.discord_io.translator import MuseTranslator
from bot.services.container import Services, build_services
from bot.services.outbox import OutboxWorker
from bot.settings import Settings
from bot.web import WebServer
from models import LLMEngine

__all__ = ["DEFAULT_EXTENSIONS", "MuseBot", "discover_extensions", "minimal_intents"]

log = logging.getLogger(__name__)


def discover_extensions() -> tuple[str, ...]:
    """Every module or package under ``cogs`` that defines ``setup``: one extension per feature."""
    import importlib
    import pkgutil

    import cogs

    found = []
    for module in sorted(pkgutil.iter_modules(cogs.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        name = f"cogs.{module.name}"
        if hasattr(importlib.import_module(name), "setup"):
            found.append(name)
    return tuple(found)


DEFAULT_EXTENSIONS: tuple[str, ...] | None = None  # None: discover_extensions() at start-up
SYNC_HASH_KEY = "command_sync_hash"
SHUTDOWN_GRACE_SECONDS = 10.0


def minimal_intents() -> discord.Intents:
    """Slash commands need no privileged intents: guilds for channels, threads and roles."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class MuseBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        engine: LLMEngine,
        scheduler: AsyncIOScheduler,
        clock: Clock | None = None,
        extensions: Sequence[str] | None = DEFAULT_EXTENSIONS,
        **client_options: Any,
    ) -> None:
        # Muse never joins voice; don't warn operators about voice libraries it doesn't need.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            allowed_mentions=NO_PINGS,
            tree_cls=MuseCommandTree,
            help_command=None,
            **client_options,
        )
        # Every message, edit, follow-up and modal is fitted within Discord's limits here.
        install_outgoing_guard(self.http)
        self.settings = settings
        self.db = db
        self.engine = engine
        self.scheduler = scheduler
        self.clock: Clock = clock or SystemClock()
        self.extensions_to_load = tuple(extensions) if extensions is not None else None
        self.shutting_down = False
        self.commands_synced = asyncio.Event()
        # Sync even when the stored hash matches (a sandbox forgets its commands on restart).
        self.always_sync_commands = False
        self._repos: Repositories | None = None
        self._services: Services | None = None
        self.outbox_transport = DiscordOutboxTransport(self)
        self.outbox_worker: OutboxWorker | None = None
        self.web: WebServer | None = None  # the gallery's web server, with MUSE_WEB_PORT
        self._active: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def repos(self) -> Repositories:
        if self._repos is None:
            raise RuntimeError("the bot is not set up yet")
        return self._repos

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the bot is not set up yet")
        return self._services

    async def setup_hook(self) -> None:
        await self.db.open()
        self._repos = Repositories.build(self.db)
        interrupted = await self._repos.generations.mark_interrupted(self.clock.now())
        if interrupted:
            log.info("%d generation(s) were cut off by the last shutdown", interrupted)
        await self.engine.start()
        if not self.scheduler.running:
            self.scheduler.start()
        self._services = build_services(self.settings, self._repos, self.engine, self.clock)
        if self.settings.web_port is not None:
            self.web = WebServer(
                self._services.gallery,
                host=self.settings.web_host,
                port=self.settings.web_port,
                public_url=self.settings.public_url,
            )
        for extension in self.extensions_to_load or discover_extensions():
            await self.load_extension(extension)
        if self.web is not None:  # after the extensions: the ops endpoint may share its port
            await self.web.start()
        # After the extensions: each registers the renderer of its outbox items on load.
        self.outbox_worker = OutboxWorker(
            self._repos.outbox,
            self.outbox_transport,
            self.clock,
            owns_guild=self.owns_guild,
            base_delay=self.settings.outbox_retry_base_seconds,
            max_delay=self.settings.outbox_retry_max_seconds,
        )
        self._services.outbox.listen(self.outbox_worker.wake, self.outbox_worker.wait_idle)
        self.outbox_worker.start()  # resumes what an earlier run left pending
        # Command names, descriptions, options and choices go out in every language Muse speaks.
        await self.tree.set_translator(MuseTranslator())
        await self.sync_commands(force=self.always_sync_commands)

    # -- command sync ----------------------------------------------------------------------------

    async def command_payload(self) -> list[dict[str, Any]]:
        """The commands as a sync sends them, translations included (a new translation is a
        change to sync)."""
        tree = self.tree
        if isinstance(tree, MuseCommandTree):
            return await tree.translated_payload(self._sync_guild())
        commands_ = tree.get_commands(
            guild=self._sync_guild(), type=discord.AppCommandType.chat_input
        )
        return sorted((c.to_dict(tree) for c in commands_), key=lambda c: str(c["name"]))

    def _sync_guild(self) -> discord.Object | None:
        guild_id = self.settings.dev_guild_id
        return discord.Object(guild_id) if guild_id else None

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree (to the dev guild when set), only when it changed."""
        guild = self._sync_guild()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        target = f"guild:{guild.id}" if guild else "global"
        digest = hashlib.sha256(
            json.dumps([target, await self.command_payload()], sort_keys=True, default=str).encode()
        ).hexdigest()
        stored = await self.repos.state.get(SYNC_HASH_KEY)
        if stored == digest and not force:
            log.info("slash commands unchanged since the last sync (%s)", target)
            self.commands_synced.set()
            return False
        synced = await self.tree.sync(guild=guild)
        await self.repos.state.set(SYNC_HASH_KEY, digest, self.clock.now())
        log.info("synced %d slash command(s) to %s", len(synced), target)
        self.commands_synced.set()
        return True

    # -- in-flight generations and shutdown --------------------------------------------------------

    @contextlib.asynccontextmanager
    async def track_generation(self, interaction: discord.Interaction) -> AsyncIterator[None]:
        """Shutdown waits (a bounded time) for tracked generations to post their last words."""
        self._active.add(interaction.id)
        self._idle.clear()
        try:
            yield
        finally:
            self._active.discard(interaction.id)
            if not self._active:
                self._idle.set()

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs the guild's shard, so scheduled work for it happens here
        and in no other process. Without sharding every guild is ours."""
        count = self.shard_count
        if not count or count <= 1:
            return True
        shard = (guild_id >> 22) % count
        ids = getattr(self, "shard_ids", None)
        return ids is None or shard in ids

    @property
    def active_generations(self) -> int:
        return len(self._active)

    async def close(self) -> None:
        """Stop taking work, cut off and report running generations, then close everything."""
        if self.shutting_down:
            return
        self.shutting_down = True
        log.info("shutting down: %d generation(s) in flight", len(self._active))
        # Cutting the engine makes every running stream end with a "cut off" notice.
        with contextlib.suppress(Exception):
            await self.engine.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), SHUTDOWN_GRACE_SECONDS)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.outbox_worker is not None:
            # Whatever is still pending stays in the database for the next start.
            await self.outbox_worker.close()
        if self.web is not None:
            await self.web.close()
        await super().close()
        await self.db.close()
