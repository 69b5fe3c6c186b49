"""Lifecycle end to end: Muse is removed from a server, a story's thread or the prompt channel is
deleted (real GUILD_DELETE / THREAD_DELETE / CHANNEL_DELETE dispatches from the sandbox), and the
scheduled housekeeping erases a departed server's data after the retention period."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox
from bot.scheduling.housekeeping import HOUSEKEEPING_JOB_ID
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_story_chains import START, members, start_story, story_now

pytestmark = pytest.mark.e2e


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, clock=FakeClock(START), retention_days=30)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def setup_potd(muse: MuseHarness, channel_id: int) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "potd setup",
        {"channel": channel_id, "time": "10:00", "timezone": "UTC", "medium": "writing"},
        user=sandbox.admin,
    )
    await ix.final_message()
    config = await muse.bot.repos.potd.get_config(sandbox.guild.id)
    assert config is not None and not config.paused


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Poll the database until the bot has handled a gateway event."""
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never handled the event")


async def housekeeping(muse: MuseHarness) -> object:
    """Run the scheduled job's function now, as the scheduler would."""
    job = muse.bot.scheduler.get_job(HOUSEKEEPING_JOB_ID)
    assert job is not None, "housekeeping is not scheduled"
    return await job.func(*job.args, **job.kwargs)


async def rows_for(muse: MuseHarness, guild_id: int) -> int:
    total = 0
    for table in await muse.bot.repos.lifecycle.guild_tables():
        row = await muse.bot.db.fetchone(
            f'SELECT COUNT(*) FROM "{table}" WHERE guild_id = ?', (guild_id,)
        )
        total += int(row[0]) if row else 0
    return total


async def test_a_deleted_story_thread_pauses_the_story_and_says_so_in_its_channel(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice, _, _ = members(muse)
    story = await start_story(muse, alice, "The Drowned Bell")
    other = await start_story(muse, alice, "Untouched")
    thread = sandbox.state.channels[story.thread_id]
    before = len(sandbox.messages_in(story.channel_id))
    await sandbox.delete_channel(thread)

    async def paused() -> bool:
        return (await story_now(muse, story)).status == "paused"

    await eventually(paused)
    await sandbox.wait_until(lambda: len(sandbox.messages_in(story.channel_id)) > before, 10)
    notice = sandbox.messages_in(story.channel_id)[-1]
    assert "The Drowned Bell" in notice.content and "paused" in notice.content
    assert (notice.allowed_mentions or {}).get("parse", []) == []
    assert (await story_now(muse, other)).status == "open"
    # Its deadline jobs are gone: nothing will try to post into the deleted thread.
    assert not [j for j in muse.bot.scheduler.get_jobs() if f":{story.id}:" in j.id]


async def test_a_deleted_prompt_channel_pauses_the_prompt_of_the_day(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    prompts = await sandbox.add_channel("prompts")
    await sandbox.set_system_channel(sandbox.channel)
    await sandbox.wait_until(lambda: muse.bot.get_guild(sandbox.guild.id).system_channel, 10)  # type: ignore[union-attr]
    await setup_potd(muse, prompts.id)
    before = len(sandbox.messages_in(sandbox.channel.id))
    await sandbox.delete_channel(prompts)
    await sandbox.wait_until(lambda: len(sandbox.messages_in(sandbox.channel.id)) > before, 10)
    config = await muse.bot.repos.potd.get_config(sandbox.guild.id)
    assert config is not None and config.paused
    notice = sandbox.messages_in(sandbox.channel.id)[-1]
    assert "prompts" in notice.content and "/potd setup" in notice.content
    assert muse.bot.scheduler.get_job(f"potd:{sandbox.guild.id}") is None


async def test_another_channel_deleted_changes_nothing(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    await setup_potd(muse, sandbox.channel.id)
    spare = await sandbox.add_channel("spare")
    await sandbox.delete_channel(spare)
    await sandbox.wait_until(lambda: muse.bot.get_channel(spare.id) is None, 10)
    await asyncio.sleep(0.3)  # the listener ran (or would have) by now
    config = await muse.bot.repos.potd.get_config(sandbox.guild.id)
    assert config is not None and not config.paused


async def test_removed_from_a_server_pauses_its_work_and_erases_it_after_retention(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    guild = sandbox.guild
    alice, _, _ = members(muse)
    story = await start_story(muse, alice)
    await setup_potd(muse, sandbox.channel.id)
    assert await rows_for(muse, guild.id) > 0

    await sandbox.remove_guild(guild)
    await sandbox.wait_until(lambda: muse.bot.get_guild(guild.id) is None, 10)

    async def departed() -> bool:
        return guild.id in await muse.bot.repos.lifecycle.departures()

    await eventually(departed)
    assert (await story_now(muse, story)).status == "paused"
    config = await muse.bot.repos.potd.get_config(guild.id)
    assert config is not None and config.paused

    # A day short of the retention period: everything is still there.
    muse.clock.advance(timedelta(days=29))
    await housekeeping(muse)
    assert await rows_for(muse, guild.id) > 0
    # Past it: every row of the server is gone, and so is its departure.
    muse.clock.advance(timedelta(days=1, minutes=1))
    await housekeeping(muse)
    assert await rows_for(muse, guild.id) == 0
    assert await muse.bot.repos.stories.get(story.id) is None
    assert not await departed()


async def test_rejoining_before_the_retention_period_keeps_everything(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    guild = sandbox.guild
    alice, _, _ = members(muse)
    story = await start_story(muse, alice)
    await sandbox.remove_guild(guild)
    await sandbox.wait_until(lambda: muse.bot.get_guild(guild.id) is None, 10)

    async def departed() -> bool:
        return guild.id in await muse.bot.repos.lifecycle.departures()

    await eventually(departed)
    await sandbox.rejoin_guild(guild)
    await sandbox.wait_until(lambda: muse.bot.get_guild(guild.id) is not None, 10)

    async def kept() -> bool:
        return guild.id not in await muse.bot.repos.lifecycle.departures()

    await eventually(kept)
    muse.clock.advance(timedelta(days=40))
    await housekeeping(muse)
    assert await muse.bot.repos.stories.get(story.id) is not None
    assert await rows_for(muse, guild.id) > 0


async def test_housekeeping_prunes_old_results_and_unsaved_drafts_on_its_schedule(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash("write", {"form": "poem", "topic": "old"}, user=sandbox.members[0])
    await ix.final_message(timeout=20)
    found = await muse.bot.db.fetchone("SELECT COUNT(*) FROM generations")
    assert found is not None and found[0] == 1
    # The rows carry the injected clock's time; the clock goes past it plus the keep period.
    muse.clock.advance(timedelta(days=31))
    await housekeeping(muse)
    found = await muse.bot.db.fetchone("SELECT COUNT(*) FROM generations")
    assert found is not None and found[0] == 0
