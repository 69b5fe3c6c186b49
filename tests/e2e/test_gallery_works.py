"""The gallery's other works over real HTTP: shared lyrics with syllables, chords and MIDI; an
image submission proxied only from an allowed host; /healthz and /metrics on the gallery's
port; and the per-IP rate limit."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import mido
import pytest

from bot.sandbox import Sandbox
from bot.web import AttachmentPolicy, RateLimiter
from models import FakeEngine
from tests.e2e.conftest import MuseHarness
from tests.e2e.test_gallery import enable, gallery_muse, get, reply
from tests.e2e.test_lyrics_studio import responder, saved_draft
from tests.e2e.test_potd_schedule import fire_cron, setup_potd

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    port = free_port()
    async with gallery_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(responder=responder),
        web_port=port,
        ops_port=port,
    ) as harness:
        yield harness
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def saved_lyric(muse: MuseHarness, member: Any) -> Any:
    """``member`` drafts lyrics about a lighthouse keeper (verse, chorus) and saves them as
    draft 1; returns that draft as a work of theirs, for /gallery share."""
    options = {"topic": "lighthouse <b>keeper</b>", "structure": "verse, chorus", "mood": "sad"}
    await saved_draft(muse.sandbox, options, member)
    works = await muse.bot.services.gallery.works(_actor(muse, member.id))
    [lyric] = [w for w in works if w.kind == "lyrics"]
    return lyric


async def test_shared_lyrics_show_syllables_chords_and_a_midi_file(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    base = await enable(muse)
    lyric = await saved_lyric(muse, alice)
    status, page, _ = await get(http, f"{base}/lyrics/1")
    assert status == 404  # saved, not shared

    assert "is shared" in await reply(
        muse, "gallery share", {"work": lyric.value, "shared": True}, alice
    )
    status, page, _ = await get(http, f"{base}/lyrics/1")
    assert status == 200
    assert "lighthouse &lt;b&gt;keeper&lt;/b&gt;" in page and "<b>keeper" not in page
    assert "Verse" in page and "Chorus" in page and 'class="chords"' in page
    draft = await muse.bot.services.lyrics.owned(1, alice.id)
    for key, analysis in draft.analysis.items():
        for line in analysis:
            assert f'<td class="num">{line.syllables}</td>' in page, key
    async with http.get(f"{base}/lyrics/1/song.mid") as response:
        assert response.status == 200 and response.content_type == "audio/midi"
        midi = mido.MidiFile(file=io.BytesIO(await response.read()))
    assert sum(1 for m in midi if m.type == "note_on" and m.velocity > 0) >= 3
    status, listing, _ = await get(http, f"{base}/lyrics")
    assert "/lyrics/1" in listing

    # The Share button in Discord and /gallery share are the same flag: private again is gone.
    await reply(muse, "gallery share", {"work": lyric.value, "shared": False}, alice)
    assert (await get(http, f"{base}/lyrics/1"))[0] == 404
    assert (await get(http, f"{base}/lyrics/1/song.mid"))[0] == 404


async def test_images_are_proxied_only_from_allowed_hosts(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    sandbox = muse.sandbox
    bob = sandbox.members[1]
    base = await enable(muse)
    await setup_potd(muse)
    await fire_cron(muse, sandbox.guild.id)
    options = {"text": "A sketch", "file": ("sketch.png", PNG, "image/png")}
    await (await sandbox.slash("potd submit", options, user=bob)).final_message()
    await muse.bot.services.outbox.settle()
    [work] = await muse.bot.services.gallery.works(_actor(muse, bob.id))
    await reply(muse, "gallery share", {"work": work.value, "shared": True}, bob)
    month = muse.clock.now().strftime("%Y-%m")

    # The sandbox's host is not Discord's CDN: the page links the file and proxies nothing.
    status, page, _ = await get(http, f"{base}/potd/{month}")
    path = "/g/" + base.split("/g/")[1]
    assert status == 200 and "sketch.png</a>" in page and f"{path}/attachments/" not in page
    assert (await get(http, f"{base}/attachments/{work.id}"))[0] == 404

    # Allowing the sandbox's host (as Discord's CDN is allowed) proxies the image itself.
    assert muse.bot.web is not None
    muse.bot.web._routes._policy = AttachmentPolicy(
        hosts=frozenset({"127.0.0.1"}), schemes=frozenset({"http"})
    )
    status, page, _ = await get(http, f"{base}/potd/{month}")
    assert f'src="{path}/attachments/{work.id}"' in page and 'alt="sketch.png' in page
    async with http.get(f"{base}/attachments/{work.id}") as response:
        assert response.status == 200 and response.content_type == "image/png"
        assert await response.read() == PNG
    # Only a shared submission's own URL: there is no parameter to name another.
    assert (await get(http, f"{base}/attachments/{work.id}?url=http://example.org/"))[0] == 200
    await reply(muse, "gallery share", {"work": work.value, "shared": False}, bob)
    assert (await get(http, f"{base}/attachments/{work.id}"))[0] == 404


async def test_ops_endpoints_share_the_port_and_pages_are_rate_limited(
    muse: MuseHarness, http: aiohttp.ClientSession
) -> None:
    base = await enable(muse)
    assert muse.bot.web is not None
    root = base.split("/g/")[0]
    async with http.get(f"{root}/healthz") as response:
        assert response.status in (200, 503)
        assert "database" in (await response.json())["checks"]
    async with http.get(f"{root}/metrics") as response:
        assert response.status == 200 and "muse_" in await response.text()

    muse.bot.web.limiter.rate, muse.bot.web.limiter.burst = 0.001, 5
    muse.bot.web.limiter._buckets.clear()
    statuses = [(await get(http, f"{base}/"))[0] for _ in range(8)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    async with http.get(f"{base}/") as response:
        assert int(response.headers["Retry-After"]) >= 1
    # Monitoring is never limited.
    async with http.get(f"{root}/metrics") as response:
        assert response.status == 200
    assert isinstance(muse.bot.web.limiter, RateLimiter)


def _actor(muse: MuseHarness, user_id: int) -> object:
    from bot.services.actor import Actor

    return Actor(guild_id=muse.sandbox.guild.id, channel_id=None, user_id=user_id)
