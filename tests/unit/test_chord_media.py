"""A chord sheet's score and preview: both rendered, each left out on its own when it fails, and
the embed and attachments follow what rendered; the soundfont setting reaches the service."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.clock import FakeClock
from bot.db import Repositories
from bot.services import rendering
from bot.services.container import build_services
from bot.services.lyrics import ChordSheet, media
from bot.services.lyrics.media import chord_media
from bot.settings import load_settings
from cogs.lyrics.render import chords_embed, chords_files
from models import FakeEngine


async def sheet() -> ChordSheet:
    from bot.services.lyrics.tools import chord_sheet

    return await chord_sheet(key="Eb", mode="major", mood="romantic", sections="verse, chorus")


async def test_both_parts_render_and_show_in_the_reply() -> None:
    chords = await sheet()
    rendered = await chord_media(chords)
    assert rendered.score_png is not None and rendered.audio is not None
    Image.open(io.BytesIO(rendered.score_png)).verify()
    embed = chords_embed(chords, rendered)
    assert embed.image.url == "attachment://score.png"
    assert "preview.wav: " in (embed.footer.text or "")
    names = [f.filename for f in chords_files(chords, rendered)]
    assert names == ["score.png", "preview.wav", "progression.mid"]


async def test_a_failed_part_is_left_out_and_the_midi_file_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> bytes:
        raise rendering.RenderError("no engraver today")

    monkeypatch.setattr(media.rendering, "render_score_png_async", broken)
    chords = await sheet()
    rendered = await chord_media(chords)
    assert rendered.score_png is None and rendered.audio is not None
    embed = chords_embed(chords, rendered)
    assert embed.image.url is None
    assert "could not be drawn" in (embed.footer.text or "")
    assert [f.filename for f in chords_files(chords, rendered)] == [
        "preview.wav",
        "progression.mid",
    ]

    monkeypatch.setattr(media.rendering, "render_audio_async", broken)
    rendered = await chord_media(chords)
    assert rendered.audio is None
    assert [f.filename for f in chords_files(chords, rendered)] == ["progression.mid"]
    assert "could not be played" in (chords_embed(chords, rendered).footer.text or "")


async def test_the_soundfont_setting_reaches_the_synthesiser(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, repos: Repositories
) -> None:
    assert load_settings().soundfont is None
    font = tmp_path / "studio.sf2"
    monkeypatch.setenv("MUSE_SOUNDFONT", str(font))
    settings = load_settings()
    assert settings.soundfont == font
    services = build_services(settings, repos, FakeEngine(), FakeClock())
    seen: list[Path | None] = []

    async def spy(midi: bytes, *, soundfont: Path | None = None) -> rendering.RenderedAudio:
        seen.append(soundfont)
        return rendering.RenderedAudio(b"RIFF", "preview.wav", 1.0)

    monkeypatch.setattr(media.rendering, "render_audio_async", spy)
    await services.lyrics.chord_media(await sheet())
    assert seen == [font]


async def test_rendering_runs_on_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    loop_thread = threading.get_ident()
    threads: dict[str, int] = {}
    draw, play = rendering.render_score_png, rendering.render_audio

    def spy_draw(*args: Any, **kwargs: Any) -> bytes:
        threads["score"] = threading.get_ident()
        return draw(*args, **kwargs)

    def spy_play(*args: Any, **kwargs: Any) -> rendering.RenderedAudio:
        threads["audio"] = threading.get_ident()
        return play(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_score_png", spy_draw)
    monkeypatch.setattr(rendering, "render_audio", spy_play)
    rendered = await chord_media(await sheet())
    assert rendered.score_png is not None and rendered.audio is not None
    assert set(threads) == {"score", "audio"} and loop_thread not in threads.values()
