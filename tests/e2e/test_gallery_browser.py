"""The gallery in a real browser: Debian's headless Chromium, driven by Playwright for Python.

Playwright's own browser download needs internet access that build machines lack, so the test
points Playwright at /usr/bin/chromium (``make test`` installs Debian's ``chromium`` package) and
never runs ``playwright install``. It reads the visible text of the story page and the prompt
archive, checks that the strict CSP blocked nothing, and saves screenshots under
tests/artifacts/ (not committed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bot.clock import FakeClock
from bot.sandbox import Sandbox
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_gallery import HOSTILE_TITLE, enable, finished_story, name_of, reply
from tests.e2e.test_potd_schedule import caught_up, fire_cron, setup_potd

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
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    harness = await start_muse(sandbox, tmp_path, clock=clock, web_port=0)
    await caught_up(harness)
    yield harness
    await harness.stop()


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
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            assert not overflow, "the archive scrolls sideways on a phone"
            await page.screenshot(path=str(ARTIFACTS / "gallery-archive-phone.png"), full_page=True)

            assert not problems, problems  # a CSP violation or a failed load shows up here
            assert not foreign, f"the pages loaded from other hosts: {foreign}"
        finally:
            await browser.close()


def _actor(muse: MuseHarness, user_id: int) -> object:
    from bot.services.actor import Actor

    return Actor(guild_id=muse.sandbox.guild.id, channel_id=None, user_id=user_id)
