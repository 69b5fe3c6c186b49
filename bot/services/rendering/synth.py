"""The built-in synthesiser: a MIDI file played by additive synthesis, with no data files.

Each note is a few harmonics under an envelope chosen by its General MIDI family: plucked and
struck instruments (pianos, guitars, basses...) decay, the rest sustain. Percussion (channel 10)
is left out. Good enough to hear a melody over its chords on any machine; a SoundFont through
FluidSynth sounds better where one is installed (see :mod:`.audio`).
"""

from __future__ import annotations

from dataclasses import dataclass

import mido  # type: ignore[import-untyped]
import numpy as np

__all__ = ["NoteEvent", "midi_notes", "synthesise"]

_DRUMS = 9  # channel 10, counted from zero
_ATTACK_S = 0.008
_RELEASE_S = 0.12
_PEAK = 0.89  # headroom under full scale


@dataclass(frozen=True, slots=True)
class NoteEvent:
    """One sounded note, in seconds from the start of the file."""

    start: float
    end: float
    pitch: int
    velocity: int
    program: int


def midi_notes(midi: mido.MidiFile, *, until: float) -> list[NoteEvent]:
    """Every note that starts before ``until`` seconds (tempo changes applied), ending no later
    than ``until``; a note never switched off ends there too."""
    programs = [0] * 16
    sounding: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    notes: list[NoteEvent] = []
    now = 0.0
    for message in midi:  # merged tracks, delta times in seconds
        now += message.time
        if now >= until:
            break
        kind = message.type
        if kind == "program_change":
            programs[message.channel] = message.program
        elif kind in ("note_on", "note_off") and message.channel != _DRUMS:
            held = (message.channel, message.note)
            if kind == "note_on" and message.velocity > 0:
                sounding.setdefault(held, []).append(
                    (now, message.velocity, programs[message.channel])
                )
            elif sounding.get(held):
                start, velocity, program = sounding[held].pop(0)
                notes.append(NoteEvent(start, now, message.note, velocity, program))
    end = min(now, until)
    for (_, pitch), starts in sounding.items():
        notes += [NoteEvent(s, end, pitch, v, p) for s, v, p in starts]
    return sorted(notes, key=lambda n: (n.start, n.pitch))


def _timbre(program: int) -> tuple[tuple[float, ...], float]:
    """(harmonic amplitudes, decay per second; 0 = sustained) for a General MIDI program."""
    family = program // 8
    if family in (4, 5):  # basses (32-39), strings (40-47)
        return ((1.0, 0.45, 0.2, 0.08), 1.6 if family == 4 else 0.0)
    if family in (0, 1, 3):  # pianos, chromatic percussion, guitars: struck or plucked
        return ((1.0, 0.5, 0.28, 0.14, 0.07, 0.035), 2.2)
    return ((1.0, 0.35, 0.15, 0.05), 0.0)  # organs, voices, winds, synths: held


def _envelope(count: int, held: int, rate: int, decay: float) -> np.ndarray:
    t = np.arange(count, dtype=np.float64) / rate
    level = np.exp(-decay * t) if decay else np.full(count, 0.8)
    attack = max(1, int(_ATTACK_S * rate))
    level[:attack] *= np.linspace(0.0, 1.0, attack, endpoint=False)[: min(attack, count)]
    release = count - held
    if release > 0:
        level[held:] *= np.linspace(1.0, 0.0, release)
    return level


def synthesise(notes: list[NoteEvent], seconds: float, rate: int) -> np.ndarray:
    """Mono float samples in [-1, 1], ``seconds`` long, of ``notes`` mixed together."""
    total = max(1, round(seconds * rate))
    out = np.zeros(total, dtype=np.float64)
    nyquist = rate / 2
    for note in notes:
        first = int(note.start * rate)
        if first >= total:
            continue
        held = max(1, int((note.end - note.start) * rate))
        count = min(held + int(_RELEASE_S * rate), total - first)
        harmonics, decay = _timbre(note.program)
        frequency = 440.0 * 2 ** ((note.pitch - 69) / 12)
        phase = 2 * np.pi * frequency * np.arange(count, dtype=np.float64) / rate
        wave = np.zeros(count, dtype=np.float64)
        for number, amplitude in enumerate(harmonics, start=1):
            if frequency * number >= nyquist:
                break
            wave += amplitude * np.sin(number * phase)
        loudness = 0.25 * (note.velocity / 127) ** 1.5
        out[first : first + count] += loudness * wave * _envelope(count, held, rate, decay)
    peak = float(np.max(np.abs(out)))
    if peak > 0:
        out *= _PEAK / peak
    return out
