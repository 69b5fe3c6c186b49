"""The chords under the melody: one per bar, from the member's progression or one built by
mood as ``/lyrics chords`` builds it, each section closing on a cadence (V then I; in a minor
key the V is major, from harmonic minor, so it leads home)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.chords import Chord, build_progression, diatonic_chords, scale_notes

from .types import MelodyChord, MelodyParams

__all__ = ["bar_chords", "chord_of", "pitch_class", "progressions_by_kind", "scale_pcs"]

_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_class(note: str) -> int:
    return (_NATURAL[note[0]] + note.count("#") - note.count("b")) % 12


def scale_pcs(params: MelodyParams, *, leading_tone: bool = False) -> frozenset[int]:
    mode = "harmonic minor" if params.mode == "minor" and leading_tone else params.mode
    return frozenset(pitch_class(n) for n in scale_notes(params.key, mode))


def chord_of(params: MelodyParams, degree: int, bar: int, *, cadence: bool = False) -> MelodyChord:
    mode = "harmonic minor" if cadence and degree == 5 and params.mode == "minor" else params.mode
    chord: Chord = diatonic_chords(params.key, mode)[degree - 1]
    return MelodyChord(
        bar=bar,
        name=chord.name,
        root=chord.root,
        quality=chord.quality,
        degree=degree,
        pitch_classes=chord.pitch_classes,
        notes=chord.notes,
        bass=chord.bass,
    )


def progressions_by_kind(
    params: MelodyParams, kinds: Sequence[str], seed: int
) -> dict[str, tuple[int, ...]]:
    """Scale degrees for each kind of section."""
    if params.progression:
        return dict.fromkeys(kinds, params.progression)
    mood = params.mood or ("happy" if params.mode == "major" else "sad")
    distinct = list(dict.fromkeys(kinds))[:16]  # build_progression takes 16 sections
    built = build_progression(params.key, params.mode, mood, distinct, seed)
    out: dict[str, tuple[int, ...]] = {}
    for section in built.sections:
        chords = built.chords[section.start : section.start + section.length]
        out[section.name] = tuple(c.degree for c in chords)
    return {kind: out.get(kind, tuple(c.degree for c in built.chords[:4])) for kind in kinds}


def bar_chords(
    params: MelodyParams, degrees: Sequence[int], bars: int, first_bar: int
) -> list[MelodyChord]:
    """The section's chords: the progression over its bars, then V-I in the last two."""
    out = [
        chord_of(params, degrees[i % len(degrees)], first_bar + i) for i in range(max(0, bars - 2))
    ]
    out.append(chord_of(params, 5, first_bar + bars - 2, cadence=True))
    out.append(chord_of(params, 1, first_bar + bars - 1, cadence=True))
    return out
