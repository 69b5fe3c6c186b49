"""The prompt of the day through the outbox: a Discord outage loses no post, thread or
submission, and posts none twice.

The real bot runs against the sandbox; retries wait a fraction of a second here
(``outbox_retry_base_seconds``), and the outage lasts a few seconds, not 30.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.db.repositories.potd.base import SUBMISSION_COLUMNS, submission_from_row
from bot.sandbox import Sandbox, StoredChannel
from bot.services.potd import PotdSubmissionRecord
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_potd_schedule import caught_up, cog_of, fire_cron, posts_in, setup_potd

pytestmark = pytest.mark.e2e

OUTAGE_SECONDS = 3.0
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))  # 07:00 in Berlin (CEST)
    harness = await start_muse(
        sandbox,
        tmp_path,
        clock=clock,
        outbox_retry_base_seconds=0.2,
        outbox_retry_max_seconds=1.0,
    )
    await caught_up(harness)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def submissions_for(repos: Repositories, post_id: int) -> list[PotdSubmissionRecord]:
    """The submissions recorded for a post, read from its table."""
    rows = await repos.db.fetchall(
        f"SELECT {SUBMISSION_COLUMNS} FROM potd_submissions WHERE post_id = ? ORDER BY id",
        (post_id,),
    )
    return [submission_from_row(row) for row in rows]


async def test_a_503_outage_during_submissions_keeps_them_and_posts_each_once(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice, bob, _carol = sandbox.members
    await setup_potd(muse)
    await fire_cron(muse, sandbox.guild.id)
    post = posts_in(sandbox, sandbox.channel)[-1]
    assert post.thread_id is not None
    record = await muse.bot.repos.potd.latest_posted(sandbox.guild.id)
    assert record is not None

    outage = sandbox.inject_fault(status=503, seconds=OUTAGE_SECONDS)  # every channel route
    answers = {alice.id: "A lighthouse made of bread.", bob.id: "Charcoal gulls, see file."}
    for member in (alice, bob):
        options: dict[str, object] = {"text": answers[member.id]}
        if member is bob:
            options["file"] = ("sketch.png", PNG, "image/png")
        ix = await sandbox.slash("potd submit", options, user=member)
        reply = await ix.final_message()
        # Answered during the outage: recorded, and told it will appear in the thread.
        assert reply.ephemeral and "Submitted to" in reply.content, reply.content
        assert "recorded" in reply.content and f"<#{post.thread_id}>" in reply.content
    await asyncio.sleep(0.5)
    assert outage.hits > 0, "the outage never hit a post"
    kept = await submissions_for(muse.bot.repos, record.id)
    assert sorted(s.user_id for s in kept) == sorted(answers)
    assert not any(a in m.content for m in sandbox.messages_in(post.thread_id) for a in answers)

    await muse.bot.services.outbox.settle(timeout=60)
    assert not outage.active
    messages = sandbox.messages_in(post.thread_id)
    shown = Counter(
        user_id
        for m in messages
        for user_id, text in answers.items()
        if m.embeds and m.embeds[0].get("description") == text
    )
    assert shown == Counter({alice.id: 1, bob.id: 1}), shown
    bobs = next(m for m in messages if str(bob.id) in m.content)
    assert bobs.attachment_names == ["sketch.png"]
    # Nobody was pinged by a submission post.
    for m in messages:
        allowed = m.allowed_mentions or {}
        assert allowed.get("parse", []) == [] and not allowed.get("users")
    # Each submission remembers the message that shows it (set once Discord confirmed it).
    ids = {m.id for m in messages}
    confirmed = await submissions_for(muse.bot.repos, record.id)
    assert all(s.message_id in ids for s in confirmed), confirmed
    assert await muse.bot.repos.outbox.count_pending() == 0


def threads_under(sandbox: Sandbox, channel: StoredChannel) -> list[StoredChannel]:
    return [
        c
        for c in sandbox.state.channels.values()
        if c.parent_id == channel.id and c.name.startswith("Submissions for")
    ]


async def test_a_503_outage_at_posting_time_posts_the_day_and_its_thread_once_afterwards(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    await setup_potd(muse)
    outage = sandbox.inject_fault(status=503, seconds=OUTAGE_SECONDS)  # every channel route
    fired = await fire_cron(muse, sandbox.guild.id)
    day = fired.date().isoformat()
    # The daily job did not wait out the outage: the post is the outbox's to deliver now.
    assert outage.hits > 0, "the outage never hit the post"
    assert posts_in(sandbox, sandbox.channel) == []
    row = await muse.bot.repos.potd.get_post(sandbox.guild.id, day)
    assert row is not None and row.status == "pending" and row.send_started_at

    await muse.bot.services.outbox.settle(timeout=60)
    assert not outage.active
    posts = posts_in(sandbox, sandbox.channel)
    assert len(posts) == 1, [m.embeds[0]["footer"] for m in posts]
    threads = threads_under(sandbox, sandbox.channel)
    assert [t.name for t in threads] == [f"Submissions for {day}"]
    row = await muse.bot.repos.potd.get_post(sandbox.guild.id, day)
    assert row is not None and row.status == "posted"
    assert row.message_id == posts[0].id and row.thread_id == threads[0].id
    # Later due-checks find the day done.
    for _ in range(2):
        muse.clock.advance(timedelta(minutes=30))
        await cog_of(muse).sweep()
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    assert len(threads_under(sandbox, sandbox.channel)) == 1
    assert await muse.bot.repos.outbox.count_pending() == 0


async def test_a_thread_outage_still_opens_the_submissions_thread_once(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    await setup_potd(muse)
    outage = sandbox.inject_fault(
        r"^POST /channels/\d+/messages/\d+/threads$", status=503, seconds=OUTAGE_SECONDS
    )
    fired = await fire_cron(muse, sandbox.guild.id)
    day = fired.date().isoformat()
    posts = posts_in(sandbox, sandbox.channel)
    assert len(posts) == 1 and outage.hits > 0
    assert threads_under(sandbox, sandbox.channel) == []
    row = await muse.bot.repos.potd.get_post(sandbox.guild.id, day)
    assert row is not None and row.status == "posted" and row.thread_id is None

    await muse.bot.services.outbox.settle(timeout=60)
    assert not outage.active
    threads = threads_under(sandbox, sandbox.channel)
    assert len(threads) == 1
    assert len(posts_in(sandbox, sandbox.channel)) == 1
    row = await muse.bot.repos.potd.get_post(sandbox.guild.id, day)
    assert row is not None and row.thread_id == threads[0].id
    # Members can answer in it.
    ix = await sandbox.slash("potd submit", {"text": "Gulls in charcoal."}, user=sandbox.members[0])
    reply = await ix.final_message()
    assert f"<#{threads[0].id}>" in reply.content, reply.content
