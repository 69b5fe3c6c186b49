"""Sharding end to end: the sandbox serves GET /gateway/bot and one gateway session per shard, each
carrying only its shard's guilds; Muse runs auto-sharded; and two `muse run` processes with one
shard each share a database and post each guild's prompt of the day exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import MuseBot
from bot.db import Database
from bot.endpoints import apply_discord_endpoints
from bot.runner import build_bot
from bot.sandbox import Sandbox, SandboxConfig, StoredChannel, StoredGuild, StoredMessage
from bot.settings import Settings
from bot.sharding import ShardedMuseBot, shard_of
from models import FakeEngine

from .conftest import start_muse

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def sharded_sandbox() -> AsyncIterator[tuple[Sandbox, StoredGuild, StoredGuild]]:
    """A sandbox recommending 2 shards, with one guild on each shard."""
    async with Sandbox(SandboxConfig(shard_count=2)) as sandbox:
        first = sandbox.guild
        other_shard = 1 - shard_of(first.id, 2)
        second = await sandbox.add_guild(
            "Second Guild", channel_names=("general",), shard=(other_shard, 2)
        )
        yield sandbox, first, second


def test_shard_of_matches_discords_formula() -> None:
    assert shard_of(175928847299117063, 1) == 0
    assert shard_of(175928847299117063, 16) == (175928847299117063 >> 22) % 16
    with pytest.raises(ValueError):
        shard_of(1, 0)


def test_settings_choose_the_sharded_bot(tmp_path: Path) -> None:
    plain = build_bot(Settings(), engine=FakeEngine(), database=tmp_path / "a.db")
    assert type(plain) is MuseBot
    settings = Settings(shard_count=4, shard_ids="1-2")  # type: ignore[arg-type]
    sharded = build_bot(settings, engine=FakeEngine(), database=tmp_path / "b.db")
    assert isinstance(sharded, ShardedMuseBot)
    assert sharded.shard_count == 4 and sharded.shard_ids == [1, 2]


class _QuickIdentify(ShardedMuseBot):
    """Discord wants 5 s between IDENTIFYs of one bot; the sandbox doesn't."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def _start(bot: MuseBot, sandbox: Sandbox) -> asyncio.Task[None]:
    task = asyncio.create_task(bot.start(sandbox.token))
    await asyncio.wait_for(bot.commands_synced.wait(), 30)
    await asyncio.wait_for(bot.wait_until_ready(), 30)
    return task


async def test_auto_sharding_asks_gateway_bot_and_each_session_carries_its_guilds(
    sharded_sandbox: tuple[Sandbox, StoredGuild, StoredGuild], tmp_path: Path
) -> None:
    sandbox, first, second = sharded_sandbox
    apply_discord_endpoints(sandbox.api_base, sandbox.gateway_url)
    settings = Settings(shard_count="auto", stream_edit_interval=0.5)
    bot = _QuickIdentify(
        settings,
        db=Database(tmp_path / "auto.db"),
        engine=FakeEngine(delay=0.001),
        scheduler=AsyncIOScheduler(timezone="UTC"),
        shard_count=None,
        guild_ready_timeout=0.05,
    )
    task = await _start(bot, sandbox)
    try:
        assert any(c.path == "/gateway/bot" for c in sandbox.calls), "auto: ask Discord how many"
        assert bot.shard_count == 2
        await sandbox.wait_until(lambda: sandbox.connected_shards == {0, 1})
        shards = sorted(p["shard"] for p in sandbox.gateway.identify_payloads)
        assert shards == [[0, 2], [1, 2]]
        readies = sandbox.dispatched("READY")
        for ready in readies:
            shard_id = ready["shard"][0]
            ids = {int(g["id"]) for g in ready["guilds"]}
            assert ids == {g.id for g in (first, second) if shard_of(g.id, 2) == shard_id}
        assert {g.id for g in bot.guilds} == {first.id, second.id}
        assert bot.owns_guild(first.id) and bot.owns_guild(second.id)
        # An interaction in each guild arrives on that guild's shard and is answered.
        for guild in (first, second):
            channel = guild.channel_named("general")
            ix = await sandbox.slash(
                "write",
                {"form": "poem", "topic": "dusk"},
                user=sandbox.state.owner,
                guild=guild,
                channel=channel,
            )
            message = await ix.final_message(timeout=15)
            assert (
                message.content.startswith("**Poem · dusk**") and "cut off" not in message.content
            )
            assert bot.get_guild(guild.id) is not None
            assert bot.get_guild(guild.id).shard_id == shard_of(guild.id, 2)  # type: ignore[union-attr]
    finally:
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


async def test_a_process_running_some_shards_owns_only_their_guilds(
    sharded_sandbox: tuple[Sandbox, StoredGuild, StoredGuild], tmp_path: Path
) -> None:
    sandbox, first, second = sharded_sandbox
    mine = shard_of(first.id, 2)
    muse = await start_muse(sandbox, tmp_path, shard_count=2, shard_ids=str(mine))
    try:
        assert isinstance(muse.bot, ShardedMuseBot)
        assert sandbox.connected_shards == {mine}
        assert [g.id for g in muse.bot.guilds] == [first.id]
        assert muse.bot.owns_guild(first.id) and not muse.bot.owns_guild(second.id)
    finally:
        await muse.stop()


# -- two processes, one shard each, one shared database ---------------------------------------


def potd_posts(sandbox: Sandbox, channel: StoredChannel) -> list[StoredMessage]:
    return [
        m
        for m in sandbox.messages_in(channel)
        if m.author.id == sandbox.bot_user.id
        and m.embeds
        and str(m.embeds[0].get("footer", {}).get("text", "")).startswith("Prompt of the day")
    ]


def _launch(sandbox: Sandbox, database: Path, shard: int, log: Path, cwd: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env.update(
        MUSE_DISCORD_TOKEN=sandbox.token,
        MUSE_DISCORD_API_BASE=sandbox.api_base,
        MUSE_DISCORD_GATEWAY=sandbox.gateway_url,
        MUSE_DATABASE=str(database),
        MUSE_SHARD_COUNT="2",
        MUSE_SHARD_IDS=str(shard),
        MUSE_LOG_FORMAT="json",
        MUSE_LOG_LEVEL="INFO",
        MUSE_THREADS="1",
        MUSE_POTD_GRACE_HOURS="23",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--no-terminal"],
        env=env,
        cwd=cwd,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


async def test_two_processes_with_one_shard_each_post_each_guilds_prompt_exactly_once(
    sharded_sandbox: tuple[Sandbox, StoredGuild, StoredGuild], tmp_path: Path
) -> None:
    sandbox, first, second = sharded_sandbox
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 2:
        pytest.skip("a post time one minute ago would be yesterday's")
    post_time = (now - timedelta(minutes=1)).strftime("%H:%M")
    channels = {
        first.id: first.channel_named("general"),
        second.id: second.channel_named("general"),
    }

    # An admin sets up the prompt of the day in both guilds (an unsharded bot on the shared
    # database), with one queued prompt each so no model is needed at posting time.
    setup = await start_muse(sandbox, tmp_path, shard_count=None)
    try:
        for guild in (first, second):
            for command, options in (
                (
                    "potd setup",
                    {
                        "channel": channels[guild.id],
                        "time": post_time,
                        "timezone": "UTC",
                        "medium": "writing",
                    },
                ),
                ("potd queue add", {"title": f"For {guild.name}", "prompt": "Write a harbour."}),
            ):
                ix = await sandbox.slash(
                    command,
                    options,
                    user=sandbox.state.owner,
                    guild=guild,
                    channel=channels[guild.id],
                )
                reply = await ix.final_message()
                assert "✅" in reply.content or "Queued" in reply.content, reply.content
    finally:
        await setup.stop()
    assert not any(potd_posts(sandbox, c) for c in channels.values())
    database = setup.database

    logs = {shard: tmp_path / f"shard{shard}.log" for shard in (0, 1)}
    processes = {
        shard: _launch(sandbox, database, shard, logs[shard], tmp_path) for shard in (0, 1)
    }
    try:
        await sandbox.wait_until(lambda: sandbox.connected_shards == {0, 1}, timeout=90)
        await sandbox.wait_until(
            lambda: all(potd_posts(sandbox, c) for c in channels.values()), timeout=60
        )
        await asyncio.sleep(1.5)  # time for a duplicate to show up, were there one
        for channel in channels.values():
            assert len(potd_posts(sandbox, channel)) == 1
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        codes = {}
        for shard, process in processes.items():
            try:
                codes[shard] = await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[shard] = None
    assert codes == {0: 0, 1: 0}, {s: logs[s].read_text()[-3000:] for s in logs}

    shards = sorted(p["shard"] for p in sandbox.gateway.identify_payloads[-2:])
    assert shards == [[0, 2], [1, 2]]
    for shard, log in logs.items():
        entries = [
            json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")
        ]
        assert entries, "MUSE_LOG_FORMAT=json writes one JSON object a line"
        posted = {
            guild.id
            for guild in (first, second)
            if any(f"posted for {guild.id}" in e["message"] for e in entries)
        }
        owned = {g.id for g in (first, second) if shard_of(g.id, 2) == shard}
        assert posted == owned, f"shard {shard} posted for {posted}, owns {owned}"
