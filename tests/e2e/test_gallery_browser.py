"""The gallery in a real browser: Debian's headless Chromium, driven by Playwright for Python.

Playwright's own browser download needs internet access that build machines lack, so the test
points Playwright at /usr/bin/chromium (``make test`` installs Debian's ``chromium`` package) and
never runs ``playwright install``. It reads the visible text of every kind of page (a story, the
prompt archive, a shared lyric, the palettes and a member's page), checks that the strict CSP
blocked nothing and nothing loaded from another host, and saves screenshots under
tests/artifacts/ (not committed).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from bot.sandbox import Sandbox
from models import FakeEngine
from tests.e2e.conftest import MuseHarness
from tests.e2e.test_gallery import (
    HOSTILE_TITLE,
    enable,
    finished_story,
    gallery_muse,
    name_of,
    reply,
)
from tests.e2e.test_gallery_works import saved_lyric
from tests.e2e.test_lyrics_studio import responder
from tests.e2e.test_potd_schedule import fire_cron, setup_potd

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "Chromium is not installed at /usr/bin/chromium: `make test` installs Debian's chromium "
        "package (apt-get install chromium); the gallery's browser test needs it.",
        allow_module_level=True,
    )


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    async with gallery_muse(sandbox, tmp_path) as harness:
        yield harness


async def test_the_story_page_and_the_archive_read_well_in_chromium(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice, bob, _ = sandbox.members
    base = await enable(muse)
    story = await finished_story(muse)
    await setup_potd(muse)
    await fire_cron(muse, sandbox.guild.id)
    ix = await sandbox.slash("potd submit", {"text": "A heron made of <i>paper</i>."}, user=bob)
    await ix.final_message()
    await muse.bot.services.outbox.settle()
    [work] = [w for w in await muse.bot.services.gallery.works(_actor(muse, bob.id))]
    await reply(muse, "gallery share", {"work": work.value, "shared": True}, bob)
    month = muse.clock.now().strftime("%Y-%m")
    ARTIFACTS.mkdir(exist_ok=True)

    async with browsing(base) as (page, problems, foreign):
        response = await page.goto(f"{base}/stories/{story.id}")
        assert response is not None and response.status == 200
        assert await page.inner_text("h1") == HOSTILE_TITLE  # markup shown as text
        text = await page.inner_text("main")
        assert "Alice opens: <b>fog</b>." in text and "Bob answers the lighthouse." in text
        assert name_of(alice) in text and name_of(bob) in text
        assert "Download the EPUB" in text and "Download the Markdown" in text
        cover = page.locator("img.cover")
        assert (await cover.get_attribute("alt") or "").startswith("Cover of")
        assert await cover.evaluate("img => img.naturalWidth") > 0  # the PNG loaded
        await page.screenshot(path=str(ARTIFACTS / "gallery-story.png"), full_page=True)

        light = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        await page.emulate_media(color_scheme="dark")
        dark = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert light != dark
        await page.screenshot(path=str(ARTIFACTS / "gallery-story-dark.png"), full_page=True)

        await page.set_viewport_size({"width": 375, "height": 740})
        response = await page.goto(f"{base}/potd/{month}")
        assert response is not None and response.status == 200
        archive = await page.inner_text("main")
        assert "A heron made of <i>paper</i>." in archive
        assert not await sideways(page), "the archive scrolls sideways on a phone"
        await page.screenshot(path=str(ARTIFACTS / "gallery-archive-phone.png"), full_page=True)

        assert not problems, problems  # a CSP violation or a failed load shows up here
        assert not foreign, f"the pages loaded from other hosts: {foreign}"


@pytest.fixture
async def lyricist(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    """Muse with a model that drafts lyrics (the lyric studio's scripted answers)."""
    async with gallery_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(responder=responder)
    ) as harness:
        yield harness


async def test_a_lyric_the_palettes_and_a_member_page_read_well_in_chromium(
    lyricist: MuseHarness,
) -> None:
    muse, sandbox = lyricist, lyricist.sandbox
    alice = sandbox.members[0]
    base = await enable(muse)
    lyric = await saved_lyric(muse, alice)
    await reply(muse, "gallery share", {"work": lyric.value, "shared": True}, alice)
    await muse.bot.services.gallery.save_palette(
        sandbox.guild.id, alice.id, "Harbour <i>dusk</i>", ["#1B2A41", "#E0A458", "#F4F1DE"]
    )
    assert "member page is on" in await reply(muse, "gallery profile", {"show": True}, alice)
    draft = await muse.bot.services.lyrics.owned(1, alice.id)
    ARTIFACTS.mkdir(exist_ok=True)

    async with browsing(base) as (page, problems, foreign):
        await page.set_viewport_size({"width": 375, "height": 740})
        response = await page.goto(f"{base}/lyrics/1")
        assert response is not None and response.status == 200
        text = await page.inner_text("main")
        assert "Verse" in text and "Chorus" in text
        assert "Download the chords as MIDI" in text
        # Every line of the draft with its syllable count, as the reader sees the table.
        cells = await page.locator("td.num").all_inner_texts()
        counts = [str(line.syllables) for lines in draft.analysis.values() for line in lines]
        assert sorted(cells) == sorted(counts) and cells
        assert await page.locator("p.chords").count() >= 2
        assert not await sideways(page), "the lyric page scrolls sideways on a phone"
        await page.screenshot(path=str(ARTIFACTS / "gallery-lyric-phone.png"), full_page=True)

        response = await page.goto(f"{base}/palettes")
        assert response is not None and response.status == 200
        swatches = page.locator("figure.palette svg rect")
        assert await swatches.count() == 3
        fills = [await swatches.nth(i).get_attribute("fill") for i in range(3)]
        assert fills == ["#1B2A41", "#E0A458", "#F4F1DE"]
        label = await page.locator("figure.palette svg").get_attribute("aria-label") or ""
        assert "Harbour <i>dusk</i>" in label and "#E0A458" in label  # read aloud, as text
        width = await swatches.first.evaluate("r => r.getBoundingClientRect().width")
        assert width > 20  # drawn, not collapsed
        assert "Harbour <i>dusk</i>" in await page.inner_text("main")
        await page.screenshot(path=str(ARTIFACTS / "gallery-palettes-phone.png"), full_page=True)

        response = await page.goto(f"{base}/members/{alice.id}")
        assert response is not None and response.status == 200
        member = await page.inner_text("main")
        assert name_of(alice) in member and "Harbour <i>dusk</i>" in member
        lyric_link = page.locator('main a[href$="/lyrics/1"]')
        assert await lyric_link.count() == 1
        await lyric_link.click()
        assert page.url == f"{base}/lyrics/1"  # the member page leads to the lyric
        await page.screenshot(path=str(ARTIFACTS / "gallery-member-phone.png"), full_page=True)

        assert not problems, problems
        assert not foreign, f"the pages loaded from other hosts: {foreign}"


@contextlib.asynccontextmanager
async def browsing(base: str) -> AsyncIterator[tuple[Page, list[str], list[str]]]:
    """A page in headless Chromium with JavaScript off, and the lists its console errors and
    failed loads (``problems``) and its requests to other hosts (``foreign``) collect in."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(java_script_enabled=False)
            page = await context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            origin = base.split("/g/")[0] + "/"
            foreign: list[str] = []
            page.on(
                "request",
                lambda r: foreign.append(r.url) if not r.url.startswith(origin) else None,
            )
            yield page, problems, foreign
        finally:
            await browser.close()


async def sideways(page: Page) -> bool:
    """Whether the page is wider than the viewport (it would scroll sideways)."""
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


def _actor(muse: MuseHarness, user_id: int) -> object:
    from bot.services.actor import Actor

    return Actor(guild_id=muse.sandbox.guild.id, channel_id=None, user_id=user_id)
