"""Rendering for the song studio: music Muse writes, made into something to see and to hear.

- :func:`render_score_png` engraves MusicXML (notes, lyrics, chord symbols) into a PNG with
  verovio and resvg, using the fonts verovio ships.
- :func:`render_audio` plays a MIDI file into a WAV preview, with FluidSynth and a SoundFont when
  installed and a built-in synthesiser otherwise.

Both are CPU-bound plain functions: the ``*_async`` helpers run them on a worker thread, so the
event loop is never blocked. Both raise :class:`RenderError` when the input can't be rendered.
Pure service code: no Discord, no storage.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from .audio import (
    DEBIAN_SOUNDFONT,
    MAX_SECONDS,
    SAMPLE_RATE,
    RenderedAudio,
    find_soundfont,
    render_audio,
)
from .errors import RenderError
from .score import DEFAULT_WIDTH_PX, MAX_PNG_BYTES, render_score_png

__all__ = [
    "DEBIAN_SOUNDFONT",
    "DEFAULT_WIDTH_PX",
    "MAX_PNG_BYTES",
    "MAX_SECONDS",
    "SAMPLE_RATE",
    "RenderError",
    "RenderedAudio",
    "find_soundfont",
    "render_audio",
    "render_audio_async",
    "render_score_png",
    "render_score_png_async",
]


async def render_score_png_async(musicxml: str, *, width_px: int = DEFAULT_WIDTH_PX) -> bytes:
    """:func:`render_score_png` on a worker thread."""
    return await asyncio.to_thread(render_score_png, musicxml, width_px=width_px)


async def render_audio_async(
    midi: bytes,
    *,
    soundfont: Path | None = None,
    max_seconds: float = MAX_SECONDS,
    use_fluidsynth: bool = True,
) -> RenderedAudio:
    """:func:`render_audio` on a worker thread."""
    return await asyncio.to_thread(
        render_audio,
        midi,
        soundfont=soundfont,
        max_seconds=max_seconds,
        use_fluidsynth=use_fluidsynth,
    )
