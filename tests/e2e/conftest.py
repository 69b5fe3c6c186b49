"""The end-to-end harness: the real Muse bot against the local sandbox, over real sockets.

    async def test_something(muse: MuseHarness) -> None:
        ix = await muse.sandbox.slash("write", {...}, user=muse.sandbox.members[0])
        message = await ix.final_message()

``muse`` runs on a deterministic FakeEngine; ``muse_real`` on the bundled SmolLM2 model.
``await muse.restart()`` stops the bot and starts a fresh one on the same database (state must
survive restarts). ``muse.clock`` is a FakeClock the services read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import MuseBot
from bot.clock import FakeClock
from bot.endpoints import apply_discord_endpoints
from bot.runner import build_bot
from bot.sandbox import RecordedCall, Sandbox
from bot.settings import Settings
from models import FakeEngine, LlamaCppEngine, LLMEngine, bundled_model_path

__all__ = ["MuseHarness", "assert_no_unwanted_pings", "message_payloads", "start_muse"]


@dataclass
class MuseHarness:
    sandbox: Sandbox
    bot: MuseBot
    engine: LLMEngine
    clock: FakeClock
    settings: Settings
    database: Path
    _task: asyncio.Task[None] | None = None
    engine_factory: Any = None
    history: list[MuseBot] = field(default_factory=list)

    async def stop(self) -> None:
        await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 15)

    async def restart(self, *, engine: LLMEngine | None = None) -> MuseBot:
        """Stop the bot and start a new one on the same database, sandbox and clock."""
        await self.stop()
        self.history.append(self.bot)
        self.engine = engine or self.engine_factory()
        self.bot, self._task = await _launch(
            self.sandbox, self.settings, self.engine, self.database, self.clock
        )
        return self.bot


async def _launch(
    sandbox: Sandbox, settings: Settings, engine: LLMEngine, database: Path, clock: FakeClock
) -> tuple[MuseBot, asyncio.Task[None]]:
    apply_discord_endpoints(sandbox.api_base, sandbox.gateway_url)
    bot = build_bot(
        settings, engine=engine, database=database, clock=clock, guild_ready_timeout=0.05
    )
    task = asyncio.create_task(bot.start(sandbox.token))
    synced = asyncio.create_task(bot.commands_synced.wait())
    done, _ = await asyncio.wait({task, synced}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        synced.cancel()
        task.result()  # raises the start-up error
        raise RuntimeError("the bot stopped during start-up")
    if synced not in done:
        raise TimeoutError("the bot did not sync its commands within 30 s")
    await asyncio.wait_for(bot.wait_until_ready(), 15)
    return bot, task


async def start_muse(
    sandbox: Sandbox,
    tmp_path: Path,
    *,
    engine_factory: Any = None,
    clock: FakeClock | None = None,
    **settings: Any,
) -> MuseHarness:
    factory = engine_factory or (lambda: FakeEngine(delay=0.005))
    merged: dict[str, Any] = {"stream_edit_interval": 0.5, "log_level": "DEBUG"}
    merged.update(settings)
    config = Settings(**merged)
    database = tmp_path / "muse-e2e.db"
    clock = clock or FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    engine = factory()
    bot, task = await _launch(sandbox, config, engine, database, clock)
    return MuseHarness(sandbox, bot, engine, clock, config, database, task, factory)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the pages Muse serves (the gallery, the ops endpoints)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as running:
        yield running


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


def real_engine() -> LlamaCppEngine:
    path = bundled_model_path()
    assert path is not None
    return LlamaCppEngine(path, context_size=2048, threads=2, queue_depth=64, default_max_tokens=96)


@pytest.fixture
async def muse_real(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, engine_factory=real_engine)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


_MESSAGE_ROUTES = ("/messages", "/webhooks/", "/callback", "/threads")


def message_payloads(calls: Iterable[RecordedCall]) -> list[RecordedCall]:
    """Every call that created or edited a message (content the bot sent to Discord)."""
    found = []
    for call in calls:
        if call.method not in ("POST", "PATCH") or not isinstance(call.json, dict):
            continue
        if not any(part in call.path for part in _MESSAGE_ROUTES):
            continue
        body = call.json.get("data", call.json) if call.path.endswith("/callback") else call.json
        if not isinstance(body, dict):
            continue
        if call.path.endswith("/callback") and call.json.get("type") not in (4, 7):
            continue
        if any(key in body for key in ("content", "embeds", "components", "attachments")):
            found.append(call)
    return found


def assert_no_unwanted_pings(
    calls: Iterable[RecordedCall], allowed_users: Iterable[int] = ()
) -> int:
    """Every message payload carries allowed_mentions that ping nobody (or only the allowed
    members). Returns how many payloads were checked."""
    allowed = {str(u) for u in allowed_users}
    checked = 0
    for call in message_payloads(calls):
        body = call.json.get("data", call.json) if call.path.endswith("/callback") else call.json
        mentions = body.get("allowed_mentions")
        assert mentions is not None, f"{call!r} has no allowed_mentions: {body}"
        assert mentions.get("parse", []) == [], f"{call!r} parses mentions: {mentions}"
        assert not mentions.get("roles"), f"{call!r} allows role pings: {mentions}"
        users = {str(u) for u in mentions.get("users", [])}
        assert users <= allowed, f"{call!r} pings {users - allowed}"
        assert not mentions.get("replied_user"), f"{call!r} pings the replied user"
        checked += 1
    return checked
