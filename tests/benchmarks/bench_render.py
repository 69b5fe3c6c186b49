"""Song studio rendering: engraving a 16-bar score and playing a 30-second preview.

Run with ``python tests/benchmarks/bench_render.py``. Prints wall time per render (median of
several, after one cold call that also decodes the fonts), and the ratios that matter: the
engraving's share of the whole image render (verovio alone vs verovio + resvg), and each
synthesiser's real-time factor (seconds of CPU per second of audio; under 1 is faster than
playback). FluidSynth is measured when it and a SoundFont are installed.
"""

from __future__ import annotations

import io
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import mido  # type: ignore[import-untyped]  # noqa: E402

from bot.services.chords import build_progression, progression_to_musicxml  # noqa: E402
from bot.services.rendering import render_audio, render_score_png  # noqa: E402
from bot.services.rendering.score import _engrave  # noqa: E402

RUNS = 5
WORDS = (
    "the harbour sleeps beneath the rain",
    "I call your name and call again",
)
SYLLABLES = " ".join(WORDS).split()


def lead_sheet(bars: int = 16) -> str:
    """A 16-bar melody with a lyric syllable under every note and a chord symbol per bar."""
    chords = ["C", "A", "F", "G"]
    steps = "CDEFGAB"
    measures = []
    for bar in range(bars):
        notes = []
        root = chords[bar % 4]
        notes.append(
            f"<harmony><root><root-step>{root}</root-step></root><kind>major</kind></harmony>"
        )
        for beat in range(4):
            step = steps[(bar * 2 + beat) % 7]
            word = SYLLABLES[(bar * 4 + beat) % len(SYLLABLES)]
            notes.append(
                f"<note><pitch><step>{step}</step><octave>4</octave></pitch>"
                "<duration>1</duration><type>quarter</type>"
                f"<lyric><syllabic>single</syllabic><text>{word}</text></lyric></note>"
            )
        head = (
            "<attributes><divisions>1</divisions><key><fifths>0</fifths></key><time><beats>4</beats>"
            "<beat-type>4</beat-type></time><clef><sign>G</sign><line>2</line></clef></attributes>"
            if bar == 0
            else ""
        )
        measures.append(f'<measure number="{bar + 1}">{head}{"".join(notes)}</measure>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><score-partwise version="4.0"><work><work-title>'
        'Harbour Rain</work-title></work><part-list><score-part id="P1"><part-name>Voice'
        f'</part-name></score-part></part-list><part id="P1">{"".join(measures)}</part>'
        "</score-partwise>"
    )


def preview_midi(seconds: float = 30.0, tempo: int = 120) -> bytes:
    """Melody (flute) in eighth notes over whole-bar piano chords and a bass, ``seconds`` long."""
    bars = round(seconds / (4 * 60 / tempo))
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo))]))
    parts = {0: (73, []), 1: (0, []), 2: (33, [])}
    for channel, (program, _) in parts.items():
        track = mido.MidiTrack([mido.Message("program_change", channel=channel, program=program)])
        for bar in range(bars):
            root = (48, 57, 53, 55)[bar % 4]
            if channel == 0:
                for step in range(8):
                    note = root + 24 + (0, 4, 7, 12, 7, 4, 2, 0)[step]
                    track.append(mido.Message("note_on", channel=0, note=note, velocity=90, time=0))
                    track.append(mido.Message("note_off", channel=0, note=note, time=240))
            else:
                voiced = (root, root + 4, root + 7) if channel == 1 else (root - 12,)
                for note in voiced:
                    track.append(mido.Message("note_on", channel=channel, note=note, velocity=70))
                for i, note in enumerate(voiced):
                    track.append(
                        mido.Message("note_off", channel=channel, note=note, time=0 if i else 1920)
                    )
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(cold seconds, median warm seconds) of ``work``."""
    start = time.perf_counter()
    work()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm)


def row(label: str, cold: float | None, warm: float, extra: str = "") -> None:
    head = f"  {label:28}"
    head += f" cold {cold * 1000:6.0f} ms" if cold is not None else " " * 15
    print(f"{head}   warm {warm * 1000:6.0f} ms   {extra}")


def main() -> None:
    song = lead_sheet(16)
    progression = build_progression("Bb", "minor", "sad", ["verse", "chorus"] * 2, sevenths=True)
    chords = progression_to_musicxml(progression)
    bars = len(progression.chords)
    print(f"score: a 16-bar melody with lyrics and chord symbols; a {bars}-bar progression")
    cold, warm = timed(lambda: render_score_png(song))
    png = render_score_png(song)
    row("16-bar lead sheet PNG", cold, warm, f"{len(png) / 1024:.0f} KiB")
    engrave = timed(lambda: _engrave(song, 1000))[1]
    row("  verovio alone (SVG)", None, engrave, f"{engrave / warm:.0%} of the render")
    cold, warm = timed(lambda: render_score_png(chords))
    row(f"{bars}-bar progression PNG", cold, warm)

    midi = preview_midi(30.0)
    length = mido.MidiFile(file=io.BytesIO(midi)).length
    print(f"\npreview: {length:.1f} s of melody, chords and bass (mono 16-bit WAV, 22.05 kHz)")
    cold, warm = timed(lambda: render_audio(midi, use_fluidsynth=False))
    size = len(render_audio(midi, use_fluidsynth=False).data)
    row("built-in synthesiser", cold, warm, f"real-time factor {warm / length:.3f}")
    print(f"  WAV size {size / 1024:.0f} KiB")
    font = next(iter(sorted(Path("/usr/share/sounds/sf2").glob("*.sf2"))), None)
    if shutil.which("fluidsynth") and font is not None:
        fluid = timed(lambda: render_audio(midi, soundfont=font))[1]
        row(f"fluidsynth ({font.name})", None, fluid, f"real-time factor {fluid / length:.3f}")
        print(f"  built-in / fluidsynth time: {warm / fluid:.2f}")
    else:
        print("  fluidsynth: not measured (no fluidsynth or no SoundFont installed)")


if __name__ == "__main__":
    main()
