"""The gallery end to end: the real bot in the sandbox with its web server on a free port, read
over real HTTP. Consent decides what a page shows, on the very next load."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMember
from bot.services.story.types import StoryRecord
from bot.web import CONTENT_SECURITY_POLICY
from tests.e2e.conftest import MuseHarness, assert_no_unwanted_pings, start_muse
from tests.e2e.test_potd_schedule import caught_up, fire_cron, setup_potd
from tests.e2e.test_story_chains import run
from tests.e2e.test_style_erasure import confirm_erasure

pytestmark = pytest.mark.e2e

HOSTILE_TITLE = "<script>alert(1)</script> Night"
LINK = re.compile(r"https?://[^\s>]+/g/([A-Za-z0-9_-]+)/")


@contextlib.asynccontextmanager
async def gallery_muse(
    sandbox: Sandbox, tmp_path: Path, **options: Any
) -> AsyncIterator[MuseHarness]:
    """Muse on 4 May 2026 with its web server on (``web_port=0``: a free port unless the
    options name one), caught up with its schedule; stopped on the way out."""
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    harness = await start_muse(sandbox, tmp_path, clock=clock, **{"web_port": 0, **options})
    await caught_up(harness)
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    async with gallery_muse(sandbox, tmp_path) as harness:
        yield harness
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def reply(muse: MuseHarness, command: str, options: dict[str, Any], user: Any) -> str:
    ix = await muse.sandbox.slash(command, options, user=user)
    message = await ix.final_message()
    assert message.ephemeral, f"/{command} answered in public: {message.content}"
    return message.content


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, str, Any]:
    async with http.get(url) as response:
        return response.status, await response.text(errors="replace"), response.headers


async def enable(muse: MuseHarness) -> str:
    """Turn the gallery on as the admin; returns the gallery's base URL from /gallery link."""
    assert "is on" in await reply(muse, "gallery enable", {}, muse.sandbox.admin)
    text = await reply(muse, "gallery link", {}, muse.sandbox.members[0])
    match = LINK.search(text)
    assert match is not None, text
    return match.group(0).rstrip("/")


async def finished_story(muse: MuseHarness, title: str = HOSTILE_TITLE) -> StoryRecord:
    alice, bob, _ = muse.sandbox.members
    await run(muse, "start", {"title": title, "genre": "mystery <i>noir</i>"}, alice)
    [story] = await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, title)
    await run(muse, "join", {"story": str(story.id)}, bob)
    await run(muse, "write", {"story": str(story.id), "text": "Alice opens: <b>fog</b>."}, alice)
    await run(muse, "write", {"story": str(story.id), "text": "Bob answers the lighthouse."}, bob)
    done = await run(muse, "end", {"story": str(story.id)}, alice)
    assert "is finished" in done.content
    await muse.bot.services.outbox.settle()
    found = await muse.bot.repos.stories.get(story.id)
    assert found is not None
    return found


def name_of(member: StoredMember) -> str:
    return member.user.global_name or member.user.username


async def test_a_finished_story_is_a_book_page_and_erasure_shows_a_former_member(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    alice, bob, _ = sandbox.members
    assert muse.bot.web is not None and muse.bot.web.url
    # Off until an admin turns it on; a member can't turn it on.
    assert "off" in await reply(muse, "gallery link", {}, alice)
    assert "Manage Server" in await reply(muse, "gallery enable", {}, alice)
    assert await muse.bot.services.gallery.config(sandbox.guild.id) is None
    base = await enable(muse)

    story = await finished_story(muse)
    closing = [m for m in sandbox.messages_in(story.thread_id) if m.attachments][-1]
    assert f"{base}/stories/{story.id}" in closing.content, closing.content

    status, page, headers = await get(http, f"{base}/stories/{story.id}")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Night" in page
    assert "<script" not in page and "<b>fog" not in page and "&lt;b&gt;fog" in page
    assert name_of(alice) in page and name_of(bob) in page
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in headers["X-Robots-Tag"] and 'name="robots" content="noindex' in page
    # Nothing on the page loads from anywhere but this server.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)

    for ext, kind in (("epub", "application/epub+zip"), ("md", "text/markdown")):
        async with http.get(f"{base}/stories/{story.id}/book.{ext}") as response:
            assert response.status == 200 and response.content_type == kind
            assert "attachment" in response.headers["Content-Disposition"]
            assert "noindex" in response.headers["X-Robots-Tag"]
            body = await response.read()
        assert body
    async with http.get(f"{base}/stories/{story.id}/cover.png") as response:
        assert response.status == 200 and (await response.read()).startswith(b"\x89PNG")

    # Erasing bob: his segment stays, credited to "a former member", on the next load.
    await confirm_erasure(muse, "erase-member", {"user_id": str(bob.id)}, sandbox.admin)
    status, page, _ = await get(http, f"{base}/stories/{story.id}")
    page = page.replace(base.split("/g/")[1], "")  # a random token could hold a short name
    assert status == 200 and "a former member" in page and name_of(bob) not in page
    async with http.get(f"{base}/stories/{story.id}/book.md") as response:
        assert name_of(bob) not in await response.text()

    # Search finds the story through the /discover index.
    status, page, _ = await get(http, f"{base}/search?q=lighthouse")
    assert status == 200 and f"/stories/{story.id}" in page
    assert_no_unwanted_pings(sandbox.calls, [alice.id, bob.id])  # story turns ping the writer


async def test_wrong_tokens_rotation_and_disabling_answer_404(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    base = await enable(muse)
    story = await finished_story(muse, "The Quiet Harbour")
    root, token = base.rsplit("/g/", 1)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in (
        f"{root}/g/{wrong}/",
        f"{root}/g/{wrong}/stories/{story.id}",
        f"{root}/g/x/",
        f"{base}/stories/999999",
        f"{base}/stories/{story.id}0",
        f"{base}/potd/2026-13",
        f"{base}/lyrics/1",
        f"{base}/members/{sandbox.members[0].id}",
    ):
        status, page, headers = await get(http, url)
        assert status == 404, url
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "The Quiet Harbour" not in page

    assert "new link" in await reply(muse, "gallery rotate", {}, sandbox.admin)
    status, _, _ = await get(http, f"{base}/stories/{story.id}")
    assert status == 404
    fresh = await reply(muse, "gallery link", {}, sandbox.members[1])
    match = LINK.search(fresh)
    assert match is not None and match.group(1) != token
    status, page, _ = await get(http, f"{match.group(0)}stories/{story.id}")
    assert status == 200 and "The Quiet Harbour" in page

    # /gallery public drops noindex; /gallery disable closes every page.
    assert "may now index" in await reply(
        muse, "gallery public", {"indexable": True}, sandbox.admin
    )
    status, page, headers = await get(http, f"{match.group(0)}stories/{story.id}")
    assert "X-Robots-Tag" not in headers and 'name="robots"' not in page
    assert "is off" in await reply(muse, "gallery disable", {}, sandbox.admin)
    status, _, _ = await get(http, f"{match.group(0)}stories/{story.id}")
    assert status == 404


async def test_a_submission_shows_only_while_its_author_shares_it(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    alice, bob, _ = sandbox.members
    base = await enable(muse)
    await setup_potd(muse)
    await fire_cron(muse, sandbox.guild.id)
    # A word no curated prompt contains, so its absence means the submission's absence.
    secret = "Moonlit <em>zephyrquill</em> sketch"
    ix = await sandbox.slash("potd submit", {"text": secret}, user=alice)
    assert "Submitted to" in (await ix.final_message()).content
    await muse.bot.services.outbox.settle()
    month = muse.clock.now().strftime("%Y-%m")

    status, page, _ = await get(http, f"{base}/potd/{month}")
    assert status == 200 and "zephyrquill" not in page  # private by default

    works = await muse.bot.services.gallery.works(_actor(sandbox, alice))
    [submission] = [w for w in works if w.kind == "potd"]
    # Someone else can't share alice's work.
    assert "can't find" in await reply(
        muse, "gallery share", {"work": submission.value, "shared": True}, bob
    )
    shared = await reply(muse, "gallery share", {"work": submission.value, "shared": True}, alice)
    assert "is shared" in shared
    status, page, _ = await get(http, f"{base}/potd/{month}")
    assert "Moonlit &lt;em&gt;zephyrquill&lt;/em&gt; sketch" in page and "a member" in page
    assert name_of(alice) not in page  # no member page: no name
    status, page, _ = await get(http, f"{base}/search?q=zephyrquill")
    assert "prompt submission" in page

    assert "member page is on" in await reply(muse, "gallery profile", {"show": True}, alice)
    status, page, _ = await get(http, f"{base}/potd/{month}")
    assert name_of(alice) in page
    status, page, _ = await get(http, f"{base}/members/{alice.id}")
    assert status == 200 and "zephyrquill" in page

    assert "private now" in await reply(
        muse, "gallery share", {"work": submission.value, "shared": False}, alice
    )
    status, page, _ = await get(http, f"{base}/potd/{month}")
    assert status == 200 and "zephyrquill" not in page
    status, page, _ = await get(http, f"{base}/search?q=zephyrquill")
    assert "Nothing shared here matches" in page and "prompt submission" not in page

    ix = await sandbox.slash("potd history", user=bob)
    assert f"{base}/potd" in (await ix.final_message()).content
    assert "Pick one of your works" in await reply(
        muse, "gallery share", {"work": "story:1", "shared": True}, alice
    )


async def test_palettes_are_swatches_and_hostile_titles_stay_text(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    base = await enable(muse)
    gallery = muse.bot.services.gallery
    palette_id = await gallery.save_palette(
        sandbox.guild.id, alice.id, '"><svg onload=alert(1)>', ["#112233", "#ABCDEF", "bad"]
    )
    status, page, _ = await get(http, f"{base}/palettes")
    assert status == 200
    assert 'fill="#112233"' in page and 'fill="#ABCDEF"' in page and "bad" not in page
    assert "<svg onload" not in page and "&lt;svg onload=alert(1)&gt;" in page
    assert "hides it" not in page
    await reply(muse, "gallery share", {"work": f"palette:{palette_id}", "shared": False}, alice)
    status, page, _ = await get(http, f"{base}/palettes")
    assert "#112233" not in page


def _actor(sandbox: Sandbox, member: StoredMember) -> Any:
    from bot.services.actor import Actor

    return Actor(guild_id=sandbox.guild.id, channel_id=sandbox.channel.id, user_id=member.id)
