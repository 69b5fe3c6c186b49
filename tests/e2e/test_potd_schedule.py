"""Prompt of the day, end to end: on time in the server's timezone, never twice, late once.

The bot runs against the sandbox with a FakeClock. Time-based behaviour is driven by moving the
clock and calling what APScheduler would call (the server's cron job function, or the sweep),
never by waiting for real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredChannel, StoredGuild, StoredMessage
from bot.services.potd import PostOutcome, job_id
from cogs.potd import PotdCog
from tests.e2e.conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")


def cog_of(muse: MuseHarness) -> PotdCog:
    # discord.py executes an extension's module afresh for every bot, so compare by name.
    cog = muse.bot.get_cog("PotdCog")
    assert cog is not None and type(cog).__name__ == "PotdCog"
    return cog  # type: ignore[return-value]


async def caught_up(muse: MuseHarness) -> list[PostOutcome]:
    """Wait for the start-up catch-up (the sweep the cog runs once the bot is ready)."""
    task = cog_of(muse).catch_up_task
    assert task is not None
    return await asyncio.wait_for(task, 10)


def posts_in(sandbox: Sandbox, channel: StoredChannel) -> list[StoredMessage]:
    """The bot's prompt-of-the-day posts in a channel (embeds with the date footer)."""
    return [
        m
        for m in sandbox.messages_in(channel)
        if m.author.id == sandbox.bot_user.id
        and m.embeds
        and str(m.embeds[0].get("footer", {}).get("text", "")).startswith("Prompt of the day")
    ]


def post_dates(sandbox: Sandbox, channel: StoredChannel) -> list[str]:
    return [
        str(m.embeds[0]["footer"]["text"]).split("· ")[1][:10] for m in posts_in(sandbox, channel)
    ]


async def setup_potd(
    muse: MuseHarness,
    *,
    time: str = "09:00",
    timezone: str = "Europe/Berlin",
    medium: str = "visual",
    channel: StoredChannel | None = None,
    guild: StoredGuild | None = None,
    user: Any = None,
) -> StoredMessage:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "potd setup",
        {
            "channel": channel or sandbox.channel,
            "time": time,
            "timezone": timezone,
            "medium": medium,
        },
        user=user or sandbox.admin,
        guild=guild,
        channel=channel,
    )
    return await ix.final_message()


async def fire_cron(muse: MuseHarness, guild_id: int) -> datetime:
    """Move the clock to the server's next cron fire time and run the job as APScheduler would."""
    job = muse.bot.scheduler.get_job(job_id(guild_id))
    assert job is not None
    fire = job.trigger.get_next_fire_time(None, muse.clock.now() + timedelta(seconds=1))
    muse.clock.set(fire.astimezone(UTC))
    await job.func(*job.args)
    return fire


@pytest.fixture
async def berlin(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    # 2026-03-26 06:00 Berlin (CET, UTC+1): three days before the March DST change.
    clock = FakeClock(datetime(2026, 3, 26, 5, 0, tzinfo=UTC))
    harness = await start_muse(sandbox, tmp_path, clock=clock)
    await caught_up(harness)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes


async def test_cron_job_has_the_servers_timezone_and_is_rebuilt_after_restart(
    berlin: MuseHarness,
) -> None:
    sandbox = berlin.sandbox
    reply = await setup_potd(berlin)
    assert reply.ephemeral and reply.embeds
    job = berlin.bot.scheduler.get_job(job_id(sandbox.guild.id))
    assert job is not None
    assert str(job.trigger.timezone) == "Europe/Berlin"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert fields["hour"] == "9" and fields["minute"] == "0"
    # The trigger keeps 09:00 local time across the DST change on 2026-03-29.
    before = job.trigger.get_next_fire_time(None, datetime(2026, 3, 28, 0, 0, tzinfo=UTC))
    after = job.trigger.get_next_fire_time(None, datetime(2026, 3, 30, 0, 0, tzinfo=UTC))
    assert before.astimezone(UTC).hour == 8 and after.astimezone(UTC).hour == 7

    await berlin.restart()
    rebuilt = berlin.bot.scheduler.get_job(job_id(sandbox.guild.id))
    assert rebuilt is not None and rebuilt is not job
    assert str(rebuilt.trigger.timezone) == "Europe/Berlin"
    assert {f.name: str(f) for f in rebuilt.trigger.fields}["hour"] == "9"

    # A settings change reschedules at once.
    await setup_potd(berlin, time="18:30", timezone="America/New_York")
    changed = berlin.bot.scheduler.get_job(job_id(sandbox.guild.id))
    assert str(changed.trigger.timezone) == "America/New_York"
    assert {f.name: str(f) for f in changed.trigger.fields}["hour"] == "18"
    ix = await sandbox.slash("potd pause", user=sandbox.admin)
    await ix.final_message()
    assert berlin.bot.scheduler.get_job(job_id(sandbox.guild.id)) is None


@pytest.mark.parametrize(
    ("start", "days"),
    [(date(2026, 3, 27), 4), (date(2026, 10, 23), 4)],
    ids=["march", "october"],
)
async def test_one_post_per_local_day_across_dst(
    sandbox: Sandbox, tmp_path: Path, start: date, days: int
) -> None:
    clock = FakeClock(datetime.combine(start, datetime.min.time(), tzinfo=BERLIN).astimezone(UTC))
    muse = await start_muse(sandbox, tmp_path, clock=clock)
    try:
        await setup_potd(muse)
        cog = cog_of(muse)
        fired: list[datetime] = []
        for _ in range(days):
            fired.append(await fire_cron(muse, sandbox.guild.id))
            # The sweep runs all day long: it must never add a second post.
            for _ in range(11):
                muse.clock.advance(timedelta(hours=2))
                await cog.sweep()
        local_times = {f.astimezone(BERLIN).strftime("%H:%M") for f in fired}
        assert local_times == {"09:00"}
        utc_hours = [f.astimezone(UTC).hour for f in fired]
        assert len(set(utc_hours)) == 2, utc_hours  # the UTC hour moved with the DST change
        expected = [(start + timedelta(days=i)).isoformat() for i in range(days)]
        assert post_dates(sandbox, sandbox.channel) == expected
        for message in posts_in(sandbox, sandbox.channel):
            assert message.thread_id is not None
            assert sandbox.state.channels[message.thread_id].name.startswith("Submissions for")
        assert_no_unwanted_pings(sandbox.calls)
    finally:
        await muse.stop()


async def test_restart_between_pending_and_posted_leaves_exactly_one_post(
    berlin: MuseHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = berlin.sandbox
    await setup_potd(berlin)
    repo = berlin.bot.repos.potd

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process died right after sending")

    monkeypatch.setattr(repo, "mark_posted", crash)
    await fire_cron(berlin, sandbox.guild.id)
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    row = await repo.get_post(sandbox.guild.id, "2026-03-26")
    assert row is not None and row.status == "pending" and row.send_started_at

    berlin.clock.advance(timedelta(minutes=1))
    await berlin.restart()
    outcomes = await caught_up(berlin)
    # The new process's outbox worker finishes the post; the catch-up waits for it
    # ("adopted") or, when the worker was quicker, finds the day done ("exists").
    assert [o.action for o in outcomes] in (["adopted"], ["exists"])
    for _ in range(3):  # the cron job and later sweeps find the day done
        berlin.clock.advance(timedelta(minutes=30))
        await cog_of(berlin).sweep()
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    row = await berlin.bot.repos.potd.get_post(sandbox.guild.id, "2026-03-26")
    assert row is not None and row.status == "posted"
    assert row.message_id == posts_in(sandbox, sandbox.channel)[0].id


async def test_crash_before_sending_posts_once_after_restart(
    berlin: MuseHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = berlin.sandbox
    await setup_potd(berlin)
    repo = berlin.bot.repos.potd

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process died before sending")

    monkeypatch.setattr(repo, "mark_sending", crash)
    berlin.clock.set(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    await cog_of(berlin).run_scheduled(sandbox.guild.id)
    assert posts_in(sandbox, sandbox.channel) == []
    row = await repo.get_post(sandbox.guild.id, "2026-03-26")
    assert row is not None and row.status == "pending" and row.send_started_at is None

    await berlin.restart()
    await caught_up(berlin)
    await cog_of(berlin).sweep()
    assert post_dates(sandbox, sandbox.channel) == ["2026-03-26"]


@pytest.mark.parametrize(("back_at", "posts"), [(11, 1), (16, 0)])
async def test_down_at_posting_time_posts_late_only_within_grace(
    berlin: MuseHarness, back_at: int, posts: int
) -> None:
    sandbox = berlin.sandbox
    await setup_potd(berlin)  # 06:00 Berlin
    await berlin.stop()
    berlin.clock.set(datetime(2026, 3, 26, back_at, 0, tzinfo=BERLIN).astimezone(UTC))
    await berlin.restart()
    await caught_up(berlin)
    await cog_of(berlin).sweep()
    found = posts_in(sandbox, sandbox.channel)
    assert len(found) == posts
    if posts:
        assert "posted late" in found[0].embeds[0]["footer"]["text"]
    # The next day is on time either way, and still only once.
    await fire_cron(berlin, sandbox.guild.id)
    await cog_of(berlin).sweep()
    assert post_dates(sandbox, sandbox.channel)[-1] == "2026-03-27"
    assert len(posts_in(sandbox, sandbox.channel)) == posts + 1


async def test_two_servers_post_at_their_own_local_times(berlin: MuseHarness) -> None:
    sandbox = berlin.sandbox
    other = await sandbox.add_guild("Tokyo Club", channel_names=("daily",))
    tokyo_admin = sandbox.state.owner  # owns every sandbox guild: all permissions
    tokyo_channel = next(c for c in other.channels.values() if c.name == "daily")
    await sandbox.wait_until(lambda: berlin.bot.get_guild(other.id) is not None)
    await setup_potd(berlin)  # 09:00 Berlin = 08:00 UTC
    await setup_potd(
        berlin,
        time="21:00",
        timezone="Asia/Tokyo",
        medium="writing",
        channel=tokyo_channel,
        guild=other,
        user=tokyo_admin,
    )  # 21:00 Tokyo = 12:00 UTC
    cog = cog_of(berlin)
    timeline: list[tuple[int, int, int]] = []
    berlin.clock.set(datetime(2026, 3, 26, 6, 0, tzinfo=UTC))
    for _ in range(12):
        berlin.clock.advance(timedelta(minutes=30))
        await cog.sweep()
        timeline.append(
            (
                berlin.clock.now().hour * 100 + berlin.clock.now().minute,
                len(posts_in(sandbox, sandbox.channel)),
                len(posts_in(sandbox, tokyo_channel)),
            )
        )
    berlin_first = next(t for t, b, _ in timeline if b)
    tokyo_first = next(t for t, _, k in timeline if k)
    assert berlin_first == 800 and tokyo_first == 1200
    assert timeline[-1][1:] == (1, 1)
    assert post_dates(sandbox, tokyo_channel) == ["2026-03-26"]


async def test_scheduled_work_runs_only_where_the_guild_is_owned(
    berlin: MuseHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = berlin.sandbox
    await setup_potd(berlin)
    monkeypatch.setattr(berlin.bot, "owns_guild", lambda guild_id: False)
    await fire_cron(berlin, sandbox.guild.id)  # another process's shard: not ours to post
    assert await cog_of(berlin).sweep() == []
    assert posts_in(sandbox, sandbox.channel) == []
    monkeypatch.setattr(berlin.bot, "owns_guild", lambda guild_id: True)
    await cog_of(berlin).sweep()
    assert post_dates(sandbox, sandbox.channel) == ["2026-03-26"]


async def test_a_post_buried_under_busy_chat_is_still_found_after_a_crash(
    berlin: MuseHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up reads the channel from the send's time on, not a fixed last-50 window,
    and a repeated send carries the same nonce (Discord would return the first message)."""
    sandbox = berlin.sandbox
    await setup_potd(berlin)
    repo = berlin.bot.repos.potd

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process died right after sending")

    monkeypatch.setattr(repo, "mark_posted", crash)
    await fire_cron(berlin, sandbox.guild.id)
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    for n in range(120):  # a busy channel while the bot was down
        await sandbox.user_message(sandbox.channel, sandbox.members[n % 3], f"chat {n}")

    berlin.clock.advance(timedelta(minutes=1))
    await berlin.restart()
    outcomes = await caught_up(berlin)
    # The new process's outbox worker finishes the post; the catch-up waits for it
    # ("adopted") or, when the worker was quicker, finds the day done ("exists").
    assert [o.action for o in outcomes] in (["adopted"], ["exists"])
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    sends = [
        c
        for c in sandbox.calls
        if c.method == "POST"
        and c.route == "/channels/{channel_id}/messages"
        and c.json
        and c.json.get("embeds")
    ]
    assert sends and all(c.json["nonce"] == sends[0].json["nonce"] for c in sends)
    assert sends[0].json["enforce_nonce"] is True
