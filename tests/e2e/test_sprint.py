"""Writing sprints end to end: the real bot in the sandbox, a FakeEngine and an injected clock.

The clock starts years ahead of the real one, so the scheduler never fires a sprint's job by
itself during a test: tests advance the clock and run the job's function, as the scheduler
would at its time.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, SandboxError, StoredMember, StoredMessage
from bot.scheduling.sprint import job_id
from bot.services.sprint import SprintRecord
from tests.e2e.conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, clock=FakeClock(START))
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def run(
    muse: MuseHarness, command: str, options: dict[str, Any], user: StoredMember
) -> StoredMessage:
    ix = await muse.sandbox.slash(f"sprint {command}", options, user=user)
    message = await ix.final_message()
    await muse.bot.services.outbox.settle()
    return message


async def live_sprint(muse: MuseHarness) -> SprintRecord:
    found = await muse.bot.repos.sprints.live_in_channel(muse.sandbox.channel.id)
    assert found is not None
    return found


async def fire(muse: MuseHarness, sprint: SprintRecord) -> bool:
    """Run the sprint's job now, as the scheduler would at its time."""
    job = muse.bot.scheduler.get_job(job_id(sprint.id))
    assert job is not None, f"no job for sprint {sprint.id}"
    result = await job.func(*job.args, **job.kwargs)
    await muse.bot.services.outbox.settle()
    return bool(result)


def channel_posts(muse: MuseHarness) -> list[StoredMessage]:
    """What the bot posted in the channel on its own (not replies to commands)."""
    return [
        m
        for m in muse.sandbox.messages_in(muse.sandbox.channel)
        if m.interaction_id is None and m.interaction_metadata is None and not m.ephemeral
    ]


def pinged(message: StoredMessage) -> set[int]:
    allowed = message.allowed_mentions or {}
    assert allowed.get("parse", []) == [] and not allowed.get("roles")
    return {int(u) for u in allowed.get("users", [])}


async def test_two_members_sprint_and_both_make_the_leaderboard(muse: MuseHarness) -> None:
    alice, bob, carol = muse.sandbox.members
    reply = await run(muse, "start", {"duration": 5, "delay": 1, "goal": 200}, alice)
    assert reply.ephemeral and "sprint starts" in reply.content, reply.content
    await run(muse, "join", {"start_words": 1000}, bob)
    sprint = await live_sprint(muse)
    assert channel_posts(muse) == []  # nothing until it starts

    muse.clock.advance(MINUTE)
    assert await fire(muse, sprint)
    [start] = channel_posts(muse)
    assert "Sprint!" in start.content and pinged(start) == {alice.id, bob.id}
    assert f"<@{alice.id}>" in start.content and f"<@{bob.id}>" in start.content

    muse.clock.advance(3 * MINUTE)
    said = await run(muse, "words", {"count": 150, "mode": "added"}, alice)
    assert "150" in said.content
    status = await run(muse, "status", {}, carol)
    assert "alice" in str(status.embeds) and "bob" in str(status.embeds)
    muse.clock.advance(2 * MINUTE)
    assert await fire(muse, sprint)  # time's up
    end = channel_posts(muse)[1]
    assert "Time's up" in end.content and pinged(end) == {alice.id, bob.id}
    # Final counts in the grace period: Bob reports his whole count.
    said = await run(muse, "words", {"count": 1250, "mode": "total"}, bob)
    assert "250" in said.content and "goal" in said.content
    await run(muse, "words", {"count": 180, "mode": "added"}, alice)

    muse.clock.advance(2 * MINUTE)
    assert await fire(muse, sprint)
    board = channel_posts(muse)[2:]
    assert len(board) == 1 and pinged(board[0]) == set()
    text = board[0].content
    assert "results" in text
    assert "1. **bob**: 250 words · 50 wpm ✅" in text, text
    assert "2. **alice**: 180 words · 36 wpm" in text, text
    assert muse.bot.scheduler.get_job(job_id(sprint.id)) is None
    # Each was pinged exactly twice (the start and the end), and nobody else ever.
    assert_no_unwanted_pings(muse.sandbox.calls, {alice.id, bob.id})
    stats = await run(muse, "stats", {}, bob)
    assert "1 sprint" in stats.content and "250 words" in stats.content


async def test_bad_input_gets_clear_private_replies_and_changes_nothing(
    muse: MuseHarness,
) -> None:
    alice, bob, carol = muse.sandbox.members
    nothing = await run(muse, "words", {"count": 10}, alice)
    assert nothing.ephemeral and "No sprint" in nothing.content
    await run(muse, "start", {"duration": 10}, alice)
    await run(muse, "join", {"start_words": 500}, bob)
    sprint = await live_sprint(muse)
    posts = len(channel_posts(muse))
    before = await muse.bot.repos.sprints.participants(sprint.id)

    outsider = await run(muse, "words", {"count": 300}, carol)
    assert outsider.ephemeral and "haven't joined" in outsider.content
    below = await run(muse, "words", {"count": 400, "mode": "total"}, bob)
    assert "below the 500 you started with" in below.content
    twice = await run(muse, "start", {"duration": 5}, bob)
    assert "already" in twice.content or "running in this channel" in twice.content
    again = await run(muse, "join", {}, bob)
    assert "already in" in again.content
    not_yours = await run(muse, "end", {}, bob)
    assert "Only the member who started" in not_yours.content
    # Discord's client refuses what the schema rules out (negative or absurd counts).
    for options in ({"count": -1}, {"count": 10**12}):
        with pytest.raises(SandboxError):
            await muse.sandbox.slash("sprint words", options, user=bob)
    with pytest.raises(SandboxError):
        await muse.sandbox.slash("sprint start", {"duration": 4}, user=carol)

    assert await muse.bot.repos.sprints.participants(sprint.id) == before
    assert len(channel_posts(muse)) == posts
    assert (await live_sprint(muse)).stage == "running"


async def test_a_sprint_survives_a_restart_and_one_overdue_ends_at_once(
    muse: MuseHarness,
) -> None:
    alice, bob, _ = muse.sandbox.members
    await run(muse, "start", {"duration": 30}, alice)
    await run(muse, "join", {}, bob)
    sprint = await live_sprint(muse)

    await muse.restart()
    job = muse.bot.scheduler.get_job(job_id(sprint.id))
    assert job is not None and job.next_run_time == sprint.ends_at
    await run(muse, "words", {"count": 90, "mode": "added"}, bob)

    await muse.bot.close()  # down past the end and the grace period
    muse.clock.advance(45 * MINUTE)
    await muse.restart()
    await muse.bot.services.outbox.settle()
    ended = await muse.bot.repos.sprints.get(sprint.id)
    assert ended is not None and ended.stage == "ended"
    texts = [m.content for m in channel_posts(muse)]
    assert sum("Sprint!" in t for t in texts) == 1
    assert sum("Time's up" in t for t in texts) == 1
    assert sum("results" in t for t in texts) == 1
    assert any("**bob**: 90 words · 3 wpm" in t for t in texts), texts
    assert muse.bot.scheduler.get_job(job_id(sprint.id)) is None


async def test_a_members_sprints_are_in_their_export_and_go_with_their_erasure(
    muse: MuseHarness,
) -> None:
    alice, bob, _ = muse.sandbox.members
    await run(muse, "start", {"duration": 5}, alice)
    await run(muse, "join", {}, bob)
    sprint = await live_sprint(muse)
    muse.clock.advance(5 * MINUTE)
    await run(muse, "words", {"count": 321, "mode": "added"}, alice)
    await run(muse, "words", {"count": 100, "mode": "added"}, bob)
    muse.clock.advance(2 * MINUTE)
    assert await fire(muse, sprint)

    ix = await muse.sandbox.slash("mydata export", user=alice)
    message = await ix.final_message()
    exported = json.loads(message.attachments[0].data)["data"]["sprints"]
    assert [(s["sprint_id"], s["words"]) for s in exported["sprints_joined"]] == [(sprint.id, 321)]
    assert [s["sprint_id"] for s in exported["sprints_started"]] == [sprint.id]

    prompt = await (await muse.sandbox.slash("style forget", user=alice)).final_message()
    confirm = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if c["custom_id"].startswith("muse:style:erase:")
    )
    done = await muse.sandbox.click(prompt, confirm, user=alice)
    assert "erased" in (await done.final_message()).content
    await muse.bot.services.style.drain()

    db = muse.bot.repos.db
    for table in ("sprints", "sprint_participants"):
        rows = await db.fetchall(f"SELECT * FROM {table}")
        assert all(alice.id not in tuple(r) for r in rows), table
        assert all(alice.user.username not in tuple(r) for r in rows), table
    stats = await run(muse, "stats", {}, alice)
    assert "hasn't finished a sprint" in stats.content
    kept = await run(muse, "stats", {}, bob)
    assert "1 sprint" in kept.content and "100 words" in kept.content


async def test_the_opt_in_prompt_comes_from_the_prompt_of_the_day_generator(
    muse: MuseHarness,
) -> None:
    alice = muse.sandbox.members[0]
    other = await muse.sandbox.add_channel("poetry")
    plain = await muse.sandbox.slash("sprint start", {"duration": 5}, user=alice, channel=other)
    assert (await plain.final_message()).embeds == []
    reply = await run(muse, "start", {"duration": 5, "prompt": True}, alice)
    assert reply.ephemeral and reply.embeds and reply.embeds[0]["title"].startswith("💡")
    sprint = await live_sprint(muse)
    assert sprint.prompt_title and sprint.prompt_text
    [start] = channel_posts(muse)
    assert start.embeds[0]["title"] == reply.embeds[0]["title"]
    assert start.embeds[0]["description"]
