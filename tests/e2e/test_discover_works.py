"""Finished stories, prompt submissions and shared lyrics become works members can /discover."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMessage
from models import FakeEngine
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_lyrics_studio import responder, saved_draft
from tests.e2e.test_potd_schedule import caught_up, fire_cron, setup_potd

pytestmark = pytest.mark.e2e


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    harness = await start_muse(
        sandbox, tmp_path, clock=clock, engine_factory=lambda: FakeEngine(responder=responder)
    )
    await caught_up(harness)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes


async def discover(muse: MuseHarness, about: str) -> str:
    ix = await muse.sandbox.slash("discover", {"about": about}, user=muse.sandbox.admin)
    message: StoredMessage = await ix.final_message()
    parts = [message.content]
    for embed in message.embeds:
        parts.append(str(embed.get("description", "")))
        parts.extend(f"{f['name']} {f['value']}" for f in embed.get("fields", []))
    return "\n".join(parts)


async def test_finished_story_is_discoverable_with_a_link_to_its_thread(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    ix = await sandbox.slash(
        "story start",
        {"title": "Quartz Orchard", "genre": "fable", "opening": "Glassy quinces rang."},
        user=alice,
    )
    await ix.final_message()
    await muse.bot.services.story.wait_idle()
    assert "Quartz Orchard" not in await discover(muse, "quinces")  # not while it is written
    story = (await muse.bot.repos.stories.find_by_title(sandbox.guild.id, "Quartz Orchard"))[0]
    await (await sandbox.slash("story end", {"story": str(story.id)}, user=alice)).final_message()
    await muse.bot.services.story.wait_idle()
    found = await discover(muse, "quinces")
    assert "Quartz Orchard" in found
    assert f"https://discord.com/channels/{sandbox.guild.id}/{story.thread_id}" in found


async def test_prompt_submissions_are_discoverable(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    await setup_potd(muse)
    await fire_cron(muse, sandbox.guild.id)
    ix = await sandbox.slash(
        "potd submit", {"text": "A marmalade zeppelin over the fjord."}, user=sandbox.members[1]
    )
    assert "Submitted to" in (await ix.final_message()).content
    await muse.bot.services.outbox.settle()  # indexed once its post is in the thread
    found = await discover(muse, "zeppelin")
    assert "marmalade zeppelin" in found.lower()
    post = await muse.bot.repos.potd.latest_posted(sandbox.guild.id)
    assert post is not None and post.thread_id is not None
    assert f"https://discord.com/channels/{sandbox.guild.id}/{post.thread_id}/" in found


async def test_shared_lyrics_are_discoverable_until_unshared_or_deleted(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    options = {"topic": "harbour", "structure": "verse", "rhyme_scheme": "AABB"}
    message = await saved_draft(sandbox, options, alice)
    assert "harbour" not in (await discover(muse, "harbour sleeps")).lower()
    await (await sandbox.click(message, "muse:lyrics:share:1", user=alice)).acknowledged()
    assert "harbour" in (await discover(muse, "harbour sleeps")).lower()
    listing = await (await sandbox.slash("lyrics drafts", user=alice)).final_message()
    opened = await (
        await sandbox.click(listing, f"muse:lyrics:open:{alice.id}", user=alice, values=["1"])
    ).final_message()
    ask = await (await sandbox.click(opened, "muse:lyrics:del:1", user=alice)).final_message()
    await (await sandbox.click(ask, "muse:lyrics:delyes:1", user=alice)).final_message()
    assert "harbour" not in (await discover(muse, "harbour sleeps")).lower()
