"""The outbox end to end: story posts survive Discord outages, rate limits and lost answers.

The real bot runs against the sandbox with its fault switches; retries wait a fraction of a
second here (``outbox_retry_base_seconds``), and the outage lasts a few seconds, not 30.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMember, StoredMessage
from bot.services.story.types import StoryRecord
from tests.e2e.conftest import MuseHarness, start_muse

pytestmark = pytest.mark.e2e

START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
OUTAGE_SECONDS = 3.0
THREAD_POSTS = r"^POST /channels/\d+/messages$"


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox,
        tmp_path,
        clock=FakeClock(START),
        outbox_retry_base_seconds=0.2,
        outbox_retry_max_seconds=1.0,
    )
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def command(
    muse: MuseHarness, name: str, options: dict[str, Any], user: StoredMember
) -> StoredMessage:
    """Run a /story command and wait for its answer only (not for what it posts)."""
    ix = await muse.sandbox.slash(f"story {name}", options, user=user)
    return await ix.final_message()


async def started(muse: MuseHarness) -> tuple[StoryRecord, list[StoredMember]]:
    alice, bob, carol = muse.sandbox.members
    await command(muse, "start", {"title": "Tides", "genre": "sea"}, alice)
    for member in (bob, carol):
        await command(muse, "join", {"story": "Tides"}, member)
    await muse.bot.services.story.wait_idle()
    story = (await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, "Tides"))[0]
    return story, [alice, bob, carol]


def thread(muse: MuseHarness, story: StoryRecord) -> list[StoredMessage]:
    return muse.sandbox.messages_in(story.thread_id)


def pings(messages: list[StoredMessage]) -> list[int]:
    """Whom each turn announcement pings, in order."""
    found = []
    for message in messages:
        if ", it's your turn in" in message.content:
            allowed = message.allowed_mentions or {}
            assert allowed.get("parse", []) == [] and not allowed.get("roles")
            found += [int(u) for u in allowed.get("users", [])]
    return found


async def test_a_503_outage_mid_story_loses_no_segment_or_ping_and_doubles_none(
    muse: MuseHarness,
) -> None:
    story, (alice, bob, carol) = await started(muse)
    before = len(thread(muse, story))
    outage = muse.sandbox.inject_fault(status=503, seconds=OUTAGE_SECONDS)
    turns = [(alice, "The tide went out."), (bob, "It left a door."), (carol, "Someone knocked.")]
    texts = [text for _, text in turns]
    for member, text in turns:
        reply = await command(muse, "write", {"story": "Tides", "text": text}, member)
        assert "is in" in reply.content, reply.content  # members are answered during the outage
    await asyncio.sleep(0.5)
    assert outage.hits > 0, "the outage never hit a post"
    assert not any(t in m.content for m in thread(muse, story) for t in texts)

    await muse.bot.services.story.wait_idle(timeout=60)
    assert not outage.active
    after = thread(muse, story)[before:]
    # Every segment once, each followed by the ping of the next writer, in the story's order.
    shown = [t for m in after for t in texts if t in m.content]
    assert shown == texts
    assert pings(after) == [bob.id, carol.id, alice.id]
    contents = Counter(m.content for m in after)
    assert all(n == 1 for n in contents.values()), contents
    assert await muse.bot.repos.outbox.count_pending() == 0


async def test_429_with_retry_after_is_honoured_and_posts_once(muse: MuseHarness) -> None:
    story, (alice, bob, _carol) = await started(muse)
    limited = muse.sandbox.inject_fault(THREAD_POSTS, status=429, retry_after=0.3, count=2)
    await command(muse, "write", {"story": "Tides", "text": "Gulls argued."}, alice)
    await muse.bot.services.story.wait_idle(timeout=30)
    assert limited.hits == 2
    assert sum("Gulls argued." in m.content for m in thread(muse, story)) == 1
    assert pings(thread(muse, story))[-1] == bob.id
    posts = [c for c in muse.sandbox.calls if c.route == "/channels/{channel_id}/messages"]
    limited_at = [c.at for c in posts if c.faulted]
    retried_at = [c.at for c in posts if not c.faulted and c.at > limited_at[0]]
    assert retried_at and retried_at[0] - limited_at[0] >= 0.3  # waited for retry_after


async def test_a_dropped_answer_after_the_post_went_through_is_not_posted_twice(
    muse: MuseHarness,
) -> None:
    story, (alice, bob, _carol) = await started(muse)
    dropped = muse.sandbox.inject_fault(THREAD_POSTS, drop=True, after_effect=True, count=1)
    await command(muse, "write", {"story": "Tides", "text": "The lamp swung."}, alice)
    await muse.bot.services.story.wait_idle(timeout=30)
    assert dropped.hits == 1
    messages = thread(muse, story)
    assert sum("The lamp swung." in m.content for m in messages) == 1
    assert pings(messages)[-1] == bob.id and pings(messages).count(bob.id) == 1
    items = await muse.bot.repos.outbox.items()
    assert items and all(i.status == "done" for i in items)
    # The lost post carried a nonce Discord enforces; before posting again the bot looked for
    # it among its messages since the first attempt (``after=``, not a fixed window).
    posts = [c for c in muse.sandbox.calls if c.route == "/channels/{channel_id}/messages"]
    lost = next(c for c in posts if c.dropped)
    assert lost.json["nonce"] and lost.json["enforce_nonce"] is True
    lookups = [c for c in posts if c.method == "GET" and c.at > lost.at]
    assert lookups and "after" in lookups[0].query
    assert int(lookups[0].query["after"]) < int(lost.response["id"])


async def test_a_dropped_connection_before_the_post_is_retried(muse: MuseHarness) -> None:
    story, (alice, bob, _carol) = await started(muse)
    dropped = muse.sandbox.inject_fault(THREAD_POSTS, drop=True, count=2)
    await command(muse, "write", {"story": "Tides", "text": "Fog rolled in."}, alice)
    await muse.bot.services.story.wait_idle(timeout=30)
    assert dropped.hits == 2
    assert sum("Fog rolled in." in m.content for m in thread(muse, story)) == 1
    assert pings(thread(muse, story))[-1] == bob.id


async def test_pending_posts_resume_after_a_restart(muse: MuseHarness) -> None:
    story, (alice, bob, _carol) = await started(muse)
    muse.sandbox.inject_fault(THREAD_POSTS, status=503)
    await command(muse, "write", {"story": "Tides", "text": "Salt on the glass."}, alice)
    await asyncio.sleep(0.5)
    assert await muse.bot.repos.outbox.count_pending() >= 2  # the segment and Bob's ping
    await muse.stop()
    muse.sandbox.clear_faults()
    await muse.restart()
    await muse.bot.services.story.wait_idle(timeout=30)
    messages = thread(muse, story)
    assert sum("Salt on the glass." in m.content for m in messages) == 1
    assert pings(messages).count(bob.id) == 1
