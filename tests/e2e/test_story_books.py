"""Story books over the wire: hostile text makes valid books, and a book that can't be built
still reaches the members as Markdown with a clear message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox
from bot.services.story import EPUB_MISSING
from bot.services.story import book as book_module
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_story_chains import run
from tests.integration.test_book_validators import run_epubcheck

pytestmark = pytest.mark.e2e


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, clock=FakeClock(datetime(2031, 1, 6, tzinfo=UTC)))
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def test_a_hostile_story_ends_with_a_valid_book_and_exports_markdown_if_epub_fails(
    muse: MuseHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, _ = muse.sandbox.members
    started = await run(
        muse, "start", {"title": "Moon\uffffLight \u202e<b>", "genre": "sea & <sky>"}, alice
    )
    assert "has begun" in started.content, started.content
    [story] = await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, "MoonLight <b>")
    await run(muse, "join", {"story": str(story.id)}, bob)
    hostile = "👩\u200d👩\u200d👧\u200d👦 日本語 שלום \u202eevil \x00\ufffe\n```\n# Fake\n<script>"
    await run(muse, "write", {"story": str(story.id), "text": hostile}, alice)
    await run(muse, "write", {"story": str(story.id), "text": "Round two, said Bob."}, bob)
    done = await run(muse, "end", {"story": str(story.id)}, alice)
    assert "is finished" in done.content

    closing = [m for m in muse.sandbox.messages_in(story.thread_id) if m.attachments]
    files = {a.filename: a.data for a in closing[0].attachments}
    assert sorted(files) == ["moonlight-b.epub", "moonlight-b.md"]
    assert str(EPUB_MISSING) not in closing[0].content
    path = tmp_path / "hostile.epub"
    path.write_bytes(files["moonlight-b.epub"])
    run_epubcheck(path)
    markdown = files["moonlight-b.md"].decode("utf-8")
    assert markdown.startswith("# MoonLight \\<b\\>\n") and "👩\u200d👩\u200d👧\u200d👦" in markdown

    def broken(book: book_module.BookData) -> bytes:
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(book_module, "epub_bytes", broken)
    exported = await run(muse, "export", {"story": str(story.id)}, bob)
    assert exported.attachment_names == ["moonlight-b.md"]
    assert str(EPUB_MISSING) in exported.content
    assert "went wrong" not in exported.content.lower()
