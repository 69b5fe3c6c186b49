"""Building and running the bot: on Discord with a token, otherwise against the local sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import aiohttp
import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import MuseBot
from bot.clock import Clock
from bot.db import Database
from bot.endpoints import apply_discord_endpoints
from bot.settings import Settings
from models import LLMEngine, build_engine

__all__ = [
    "build_bot",
    "configure_logging",
    "interaction_handlers_running",
    "run",
    "sandbox_database_path",
    "sandbox_files_path",
    "sandbox_log_path",
]

log = logging.getLogger("muse")


def configure_logging(level: str, fmt: Literal["text", "json"] = "text") -> None:
    from bot.ops.logs import configure_logging as configure

    configure(level, fmt)


def build_bot(
    settings: Settings,
    *,
    engine: LLMEngine | None = None,
    database: Path | None = None,
    clock: Clock | None = None,
    **client_options: Any,
) -> MuseBot:
    """A bot wired from settings; tests pass their own engine, database path, clock or
    discord.py client options.

    With ``MUSE_SHARD_COUNT`` the bot is auto-sharded; with ``MUSE_OPS_PORT`` its engine is
    metered, discord.py's HTTP session traced and the /healthz + /metrics endpoint loaded.
    """
    from bot.app import discover_extensions
    from bot.sharding import ShardedMuseBot, sharding_options

    engine = engine or build_engine(settings)
    extensions: tuple[str, ...] | None = None
    if settings.ops_port is not None:
        from bot.ops.metrics import MeteredEngine, MuseMetrics

        metrics = MuseMetrics()
        engine = MeteredEngine(engine, metrics)
        client_options.setdefault("http_trace", metrics.discord_trace())
        extensions = (*discover_extensions(), "bot.ops.cog")
    options = sharding_options(settings) | client_options
    bot_class = ShardedMuseBot if "shard_count" in options else MuseBot
    return bot_class(
        settings,
        db=Database(database or settings.database),
        engine=engine,
        scheduler=AsyncIOScheduler(timezone="UTC"),
        clock=clock,
        extensions=extensions,
        **options,
    )


def sandbox_database_path(settings: Settings) -> Path:
    """Sandbox runs keep their own database beside the real one, never mixing the two."""
    path = settings.database
    return path.with_name(f"{path.stem}.sandbox{path.suffix or '.db'}")


def sandbox_log_path(settings: Settings) -> Path:
    """The sandbox terminal's log file: log lines never land in the middle of a reply."""
    return sandbox_database_path(settings).with_suffix(".log")


def sandbox_files_path(settings: Settings) -> Path:
    """Where the sandbox terminal saves the files Muse sends (books, MIDI, exports)."""
    path = settings.database
    return path.with_name(f"{path.stem}.sandbox-files")


# discord.py names the tasks that run interaction handlers: slash commands, views, modals and
# dynamic (persistent) items.
_HANDLER_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)


def interaction_handlers_running() -> bool:
    """Whether the bot is still handling an interaction (the terminal waits for the last word)."""
    return any(
        not task.done() and task.get_name().startswith(_HANDLER_TASK_PREFIXES)
        for task in asyncio.all_tasks()
    )


def _install_signal_handlers(bot: MuseBot, stop: asyncio.Event | None = None) -> None:
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()

    def shutdown() -> None:
        log.info("signal received: shutting down cleanly")
        # A second Ctrl-C while closing interrupts at once.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        if stop is not None:
            stop.set()
        task = loop.create_task(bot.close())
        pending.add(task)
        task.add_done_callback(pending.discard)

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, shutdown)


async def run_discord(settings: Settings) -> int:
    assert settings.discord_token is not None
    apply_discord_endpoints(settings.discord_api_base, settings.discord_gateway)
    bot = build_bot(settings)
    _install_signal_handlers(bot)
    try:
        async with bot:
            await bot.start(settings.discord_token.get_secret_value())
    except discord.LoginFailure:
        print("error: Discord rejected the token in MUSE_DISCORD_TOKEN.", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("error: Discord refused the intents Muse asked for.", file=sys.stderr)
        return 1
    except (aiohttp.ClientConnectionError, OSError) as exc:
        # Only logging in fails this way; once connected, discord.py reconnects by itself.
        print(
            f"error: cannot reach Discord at {settings.discord_api_base} ({exc}). "
            "Check the network, or MUSE_DISCORD_API_BASE if you use a proxy.",
            file=sys.stderr,
        )
        return 1
    return 0


async def run_sandbox(settings: Settings, *, terminal: bool) -> int:
    from bot.sandbox import Sandbox
    from bot.terminal import SandboxTerminal

    if settings.web_port is None:  # the gallery on a free local port, linked from the terminal
        settings = settings.model_copy(update={"web_port": 0})
    async with Sandbox() as sandbox:
        apply_discord_endpoints(sandbox.api_base, sandbox.gateway_url)
        bot = build_bot(settings, database=sandbox_database_path(settings))
        # The sandbox starts empty every time, whatever sync the database remembers.
        bot.always_sync_commands = True
        stop = asyncio.Event()
        _install_signal_handlers(bot, stop)
        runner = asyncio.create_task(bot.start(sandbox.token))
        ready = asyncio.create_task(bot.commands_synced.wait())
        await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done():
            ready.cancel()
            await runner  # re-raise the start-up failure
            return 1
        await bot.wait_until_ready()
        print(f"Muse is ready in the sandbox at {sandbox.base_url}")
        if bot.web is not None and bot.web.url:
            print(f"Gallery: {bot.web.url}/ (`/gallery enable`, then `/gallery link`)")
        if terminal:
            files = sandbox_files_path(settings)
            print(f"Log: {sandbox_log_path(settings)}   Files Muse sends: {files}")
            session = SandboxTerminal(sandbox, busy=interaction_handlers_running, files_dir=files)
            with _stderr_to(sandbox_log_path(settings)):
                await session.run(stop)
            print("\nStopping Muse…", flush=True)
        else:
            await stop.wait()
        await bot.close()
        with contextlib.suppress(Exception):
            await runner
    return 0


def run(settings: Settings, *, terminal: bool = True) -> int:
    """Entry point of ``muse run``. The first line printed says which mode is running."""
    if settings.discord_token is not None:
        print(f"Muse: connecting to Discord ({settings.discord_api_base}).", flush=True)
        configure_logging(settings.log_level, settings.log_format)
        return asyncio.run(run_discord(settings))
    print(
        "Muse: no MUSE_DISCORD_TOKEN set, running in the local sandbox "
        "(a Discord-compatible server on 127.0.0.1).",
        flush=True,
    )
    if terminal:
        _log_to_file(sandbox_log_path(settings), settings.log_level)
    else:
        configure_logging(settings.log_level, settings.log_format)
    with _terminal_restored():
        return asyncio.run(run_sandbox(settings, terminal=terminal))


def _log_to_file(path: Path, level: str) -> None:
    """Log lines go to a file, so they never land in the terminal's reply area."""
    from bot.ops.logs import TEXT_FORMAT

    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """llama.cpp writes its own diagnostics straight to file descriptor 2; while the terminal
    runs, they go to the log file instead of between the replies."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(path, "ab") as log_file:
            os.dup2(log_file.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def _terminal_restored() -> Iterator[None]:
    """Ctrl-C may stop Muse while a line is being read: give the shell its terminal back."""
    saved: list[Any] | None = None
    try:
        import termios

        if sys.stdin.isatty():
            saved = termios.tcgetattr(sys.stdin.fileno())
    except (ImportError, OSError):
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            import termios

            with contextlib.suppress(OSError):
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
