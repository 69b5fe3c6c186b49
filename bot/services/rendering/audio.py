"""An audio preview of a MIDI file that Discord plays inline: a mono 16-bit WAV at 22.05 kHz.

Two synthesisers: FluidSynth with a SoundFont when both are installed (``fluidsynth`` on the
PATH, and the ``MUSE_SOUNDFONT`` file or Debian's ``fluid-soundfont-gm`` at its usual path), and
otherwise the built-in one (:mod:`.synth`), which needs nothing but numpy and so always works.
If FluidSynth fails, the built-in synthesiser plays the file instead.

The preview lasts as long as the music plus a short release (so the last chord rings out), at
most ``MAX_SECONDS`` (90 s, about 3.8 MiB, well under Discord's upload limit); a longer piece is
cut there with a short fade.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mido  # type: ignore[import-untyped]
import numpy as np

from .errors import RenderError
from .synth import midi_notes, synthesise

__all__ = [
    "DEBIAN_SOUNDFONT",
    "MAX_SECONDS",
    "SAMPLE_RATE",
    "RenderedAudio",
    "find_soundfont",
    "render_audio",
]

log = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
MAX_SECONDS = 90.0
MAX_MIDI_BYTES = 1024 * 1024
DEBIAN_SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
_TAIL_S = 0.3  # after the last note-off, for the release
_FADE_S = 1.5  # over the end of a preview cut at MAX_SECONDS
_FLUIDSYNTH_TIMEOUT_S = 60.0
_PEAK = 0.89

Synthesiser = Literal["fluidsynth", "built-in"]


@dataclass(frozen=True, slots=True)
class RenderedAudio:
    """A preview ready to upload: ``data`` is a complete WAV file named ``filename``."""

    data: bytes
    filename: str
    duration_s: float
    synthesiser: Synthesiser = "built-in"
    truncated: bool = False


def find_soundfont(configured: Path | None = None) -> Path | None:
    """The SoundFont to play with: ``configured`` (``MUSE_SOUNDFONT``) when given, else Debian's
    General MIDI SoundFont when installed. ``None`` when there is none to use; a configured file
    that is missing is logged, not fatal (the built-in synthesiser plays instead)."""
    if configured is not None:
        if configured.is_file():
            return configured
        log.warning("MUSE_SOUNDFONT %s is not a file; using the built-in synthesiser", configured)
        return None
    return DEBIAN_SOUNDFONT if DEBIAN_SOUNDFONT.is_file() else None


def _read_midi(midi: bytes) -> mido.MidiFile:
    if not midi:
        raise RenderError("the MIDI file is empty")
    if len(midi) > MAX_MIDI_BYTES:
        raise RenderError("the MIDI file is too large to preview")
    try:
        return mido.MidiFile(file=io.BytesIO(midi))
    except (OSError, ValueError, EOFError, KeyError, IndexError) as exc:
        raise RenderError(f"the MIDI file can't be read: {exc}") from exc


def _wav(samples: np.ndarray) -> bytes:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _fluidsynth(midi: bytes, soundfont: Path) -> np.ndarray:
    """FluidSynth's rendering of ``midi``, as mono floats at ``SAMPLE_RATE``."""
    binary = shutil.which("fluidsynth")
    if binary is None:
        raise RenderError("fluidsynth is not installed")
    try:
        with soundfont.open("rb") as header:
            head = header.read(12)
    except OSError as exc:
        raise RenderError(f"the SoundFont can't be read: {exc}") from exc
    # FluidSynth skips a file that isn't a SoundFont and plays on with its default one.
    if head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        raise RenderError(f"{soundfont} is not a SoundFont (.sf2)")
    with tempfile.TemporaryDirectory(prefix="muse-audio-") as folder:
        source, target = Path(folder, "in.mid"), Path(folder, "out.wav")
        source.write_bytes(midi)
        command = [binary, "-n", "-i", "-q", "-g", "0.6", "-r", str(SAMPLE_RATE)]
        command += ["-F", str(target), "-T", "wav", "-O", "s16", str(soundfont), str(source)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=_FLUIDSYNTH_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            raise RenderError(f"fluidsynth failed: {exc}") from exc
        try:
            with wave.open(str(target), "rb") as rendered:
                channels = rendered.getnchannels()
                if rendered.getsampwidth() != 2 or rendered.getframerate() != SAMPLE_RATE:
                    raise RenderError("fluidsynth wrote an unexpected WAV format")
                frames = rendered.readframes(rendered.getnframes())
        except (OSError, EOFError, wave.Error) as exc:
            raise RenderError(f"fluidsynth wrote no usable WAV: {exc}") from exc
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768
    mono = samples.reshape(-1, channels).mean(axis=1)
    peak = float(np.max(np.abs(mono))) if len(mono) else 0.0
    if peak < 1e-3:  # it plays on without a SoundFont it could not load, into silence
        raise RenderError("fluidsynth played nothing (is the SoundFont valid?)")
    return mono * (_PEAK / peak)  # as loud as the built-in preview


def _fit(samples: np.ndarray, seconds: float, *, fade: bool) -> np.ndarray:
    """Exactly ``seconds`` long (padded with silence or cut), faded out when ``fade``."""
    total = max(1, round(seconds * SAMPLE_RATE))
    fitted = np.zeros(total, dtype=np.float64)
    fitted[: min(total, len(samples))] = samples[:total]
    if fade:
        span = min(total, int(_FADE_S * SAMPLE_RATE))
        fitted[total - span :] *= np.linspace(1.0, 0.0, span)
    return fitted


def render_audio(
    midi: bytes,
    *,
    soundfont: Path | None = None,
    max_seconds: float = MAX_SECONDS,
    use_fluidsynth: bool = True,
) -> RenderedAudio:
    """A WAV preview of ``midi`` (every track, melody and chords together; percussion only
    through FluidSynth), at most ``max_seconds`` long.

    ``soundfont`` is the ``MUSE_SOUNDFONT`` setting (see :func:`find_soundfont`); with
    ``use_fluidsynth=False`` the built-in synthesiser always plays. CPU-bound and synchronous
    (a fraction of a second for a short song): from the event loop call
    :func:`render_audio_async` or ``asyncio.to_thread``. Raises :class:`RenderError` for a MIDI
    file that can't be read or has no notes."""
    if not 1.0 <= max_seconds <= 600.0:
        raise ValueError("max_seconds must be between 1 and 600")
    parsed = _read_midi(midi)
    try:
        length = float(parsed.length)
        notes = midi_notes(parsed, until=max_seconds)
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"the MIDI file can't be played: {exc}") from exc
    if not notes:
        raise RenderError("the MIDI file has no notes to play")
    truncated = length + _TAIL_S > max_seconds
    seconds = max_seconds if truncated else length + _TAIL_S
    synthesiser: Synthesiser = "built-in"
    samples: np.ndarray | None = None
    font = find_soundfont(soundfont) if use_fluidsynth else None
    if font is not None and shutil.which("fluidsynth") is not None:
        try:
            samples = _fluidsynth(midi, font)
            synthesiser = "fluidsynth"
        except RenderError:
            log.warning("FluidSynth failed; the built-in synthesiser plays instead", exc_info=True)
    if samples is None:
        samples = synthesise(notes, seconds, SAMPLE_RATE)
    data = _wav(_fit(samples, seconds, fade=truncated))
    return RenderedAudio(data, "preview.wav", seconds, synthesiser, truncated)
