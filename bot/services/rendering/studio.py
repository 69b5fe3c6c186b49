"""The song studio's renderer: what :class:`bot.services.melody.SongRenderer` asks for, made by
the engraver and the synthesiser of this package."""

from __future__ import annotations

from pathlib import Path

from .audio import render_audio
from .score import render_score_png

__all__ = ["StudioRenderer"]


class StudioRenderer:
    """Scores with verovio and resvg; previews with FluidSynth (``MUSE_SOUNDFONT``) or the
    built-in synthesiser. Synchronous: the melody service calls it on a worker thread."""

    def __init__(self, soundfont: Path | None = None) -> None:
        self._soundfont = soundfont

    def score_png(self, musicxml: str) -> bytes:
        return render_score_png(musicxml)

    def audio(self, midi: bytes) -> tuple[bytes, str]:
        rendered = render_audio(midi, soundfont=self._soundfont)
        return rendered.data, rendered.filename
