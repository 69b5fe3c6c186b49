"""What a chord sheet looks and sounds like: the engraved progression and an audio preview.

Both are rendered on worker threads, side by side. Either can fail on its own (a missing
engraver font, a broken synthesiser): the failure is logged and that part is left out, so a
member always gets the progression and its MIDI file.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.services import chords as theory
from bot.services import rendering

from .types import ChordSheet

__all__ = ["ChordMedia", "chord_media"]

log = logging.getLogger(__name__)

SCORE_FILENAME = "score.png"


@dataclass(frozen=True, slots=True)
class ChordMedia:
    """The score image (PNG, named ``SCORE_FILENAME``) and the audio preview; ``None`` for a
    part that could not be rendered."""

    score_png: bytes | None
    audio: rendering.RenderedAudio | None


async def _score(sheet: ChordSheet) -> bytes | None:
    try:
        musicxml = theory.progression_to_musicxml(sheet.progression, sheet.tempo)
        return await rendering.render_score_png_async(musicxml)
    except (rendering.RenderError, ValueError):
        log.exception("could not engrave the chord progression")
        return None


async def _audio(sheet: ChordSheet, soundfont: Path | None) -> rendering.RenderedAudio | None:
    try:
        return await rendering.render_audio_async(sheet.midi, soundfont=soundfont)
    except (rendering.RenderError, ValueError):
        log.exception("could not play the chord progression")
        return None


async def chord_media(sheet: ChordSheet, *, soundfont: Path | None = None) -> ChordMedia:
    """The progression engraved as a lead sheet and played as a WAV preview."""
    score, audio = await asyncio.gather(_score(sheet), _audio(sheet, soundfont))
    return ChordMedia(score, audio)
