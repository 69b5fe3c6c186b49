"""Music theory for the chord tools: keys, modes, scales and the diatonic chords of a key.

Every chord is built by stacking scale thirds, so it is diatonic and correctly spelled
(F# major has E#, not F).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.errors import UserInputError
from bot.i18n import _

__all__ = [
    "MINORISH",
    "MODES",
    "Chord",
    "ChordInputError",
    "diatonic_chords",
    "normalize_mode",
    "parse_key",
    "scale_notes",
]


class ChordInputError(UserInputError, ValueError):
    """A key, mode, mood or MIDI setting a member asked for that can't be used."""


_LETTERS = "CDEFGAB"
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

#: Semitone steps above the tonic for each mode.
MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
}
_MODE_ALIASES = {
    "ionian": "major",
    "maj": "major",
    "aeolian": "minor",
    "natural minor": "minor",
    "min": "minor",
    "harmonic": "harmonic minor",
}
# Modes whose tonic chord is minor (or diminished) prefer progressions written for minor keys.
MINORISH = frozenset({"minor", "dorian", "phrygian", "locrian", "harmonic minor"})


def parse_key(key: str) -> str:
    """Validate a key's tonic ("C", "c#", "Db", "F♯", "Bb") and return it spelled canonically."""
    text = (key or "").strip()
    match = re.fullmatch(r"([A-Ga-g])([#♯]|[b♭])?", text)
    if match is None:
        shown = text or _("(nothing)")
        raise ChordInputError(
            _(
                "{key} isn't a key I know. Use a note name from A to G, optionally with # or b "
                "(for example C, F#, Bb).",
                key=shown,
            )
        )
    accidental = {"♯": "#", "♭": "b"}.get(match[2] or "", match[2] or "")
    return match[1].upper() + accidental


def normalize_mode(mode: str) -> str:
    """Canonical mode name ("Ionian" -> "major", "aeolian" -> "minor"); error if unknown."""
    text = re.sub(r"[\s_-]+", " ", (mode or "").strip().lower())
    text = _MODE_ALIASES.get(text, text)
    if text not in MODES:
        names = ", ".join(MODES)
        raise ChordInputError(
            _("{mode} isn't a mode I know. Choose one of: {names}.", mode=repr(mode), names=names)
        )
    return text


def _pitch_class(note: str) -> int:
    value = _NATURAL[note[0]] + note.count("#") - note.count("b")
    return value % 12


def scale_notes(key: str, mode: str = "major") -> list[str]:
    """The seven notes of ``key`` ``mode``, one per letter: F# major -> F# G# A# B C# D# E#."""
    tonic = parse_key(key)
    steps = MODES[normalize_mode(mode)]
    start = _LETTERS.index(tonic[0])
    tonic_pc = _pitch_class(tonic)
    notes = []
    for degree, step in enumerate(steps):
        letter = _LETTERS[(start + degree) % 7]
        offset = (tonic_pc + step - _NATURAL[letter]) % 12
        if offset > 6:
            offset -= 12
        if abs(offset) > 2:  # pragma: no cover - cannot happen for seven-letter scales
            raise ChordInputError(_("{tonic} {mode} can't be spelled.", tonic=tonic, mode=mode))
        notes.append(letter + ("#" * offset if offset > 0 else "b" * -offset))
    return notes


Quality = Literal["major", "minor", "diminished", "augmented"]

_TRIAD_QUALITY: dict[tuple[int, int], Quality] = {
    (4, 7): "major",
    (3, 7): "minor",
    (3, 6): "diminished",
    (4, 8): "augmented",
}
_TRIAD_SUFFIX: dict[Quality, str] = {
    "major": "",
    "minor": "m",
    "diminished": "dim",
    "augmented": "aug",
}
_SEVENTH_SUFFIX: dict[tuple[Quality, int], tuple[str, str]] = {
    # (triad, seventh interval) -> (chord-name suffix, roman-numeral suffix)
    ("major", 11): ("maj7", "maj7"),
    ("major", 10): ("7", "7"),
    ("minor", 10): ("m7", "7"),
    ("minor", 11): ("mMaj7", "maj7"),
    ("diminished", 10): ("m7b5", "ø7"),
    ("diminished", 9): ("dim7", "°7"),
    ("augmented", 11): ("augMaj7", "maj7"),
    ("augmented", 10): ("aug7", "7"),
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass(frozen=True, slots=True)
class Chord:
    """One chord: its spelled name, Roman numeral in the key, and a MIDI voicing."""

    name: str
    roman: str
    degree: int
    root: str
    quality: Quality
    spelled: tuple[str, ...]
    notes: tuple[int, ...]
    bass: int

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset(n % 12 for n in self.notes)

    @property
    def pitch_set(self) -> frozenset[int]:
        """Every MIDI note sounded for this chord, bass included."""
        return frozenset((*self.notes, self.bass))


def _voice(pitch_classes: Sequence[int]) -> tuple[int, ...]:
    """Close root-position voicing with the root between G3 (55) and F#4 (66)."""
    root = pitch_classes[0] + (60 if pitch_classes[0] <= 6 else 48)
    notes = [root]
    for pc in pitch_classes[1:]:
        note = notes[-1] + ((pc - notes[-1]) % 12 or 12)
        notes.append(note)
    return tuple(notes)


def diatonic_chords(key: str, mode: str = "major", *, sevenths: bool = False) -> list[Chord]:
    """The seven chords built on each degree of the scale by stacking scale thirds."""
    notes = scale_notes(key, mode)
    pcs = [_pitch_class(n) for n in notes]
    chords = []
    for degree in range(7):
        members = [(degree + k) % 7 for k in ((0, 2, 4, 6) if sevenths else (0, 2, 4))]
        intervals = [(pcs[m] - pcs[degree]) % 12 for m in members]
        quality = _TRIAD_QUALITY[intervals[1], intervals[2]]
        numeral = _ROMAN[degree]
        if quality in ("minor", "diminished"):
            numeral = numeral.lower()
        root = notes[degree]
        if sevenths:
            name_suffix, roman_suffix = _SEVENTH_SUFFIX[quality, intervals[3]]
            name = root + name_suffix
            roman = numeral + ("+" if quality == "augmented" else "") + roman_suffix
        else:
            name = root + _TRIAD_SUFFIX[quality]
            roman = numeral + {"diminished": "°", "augmented": "+"}.get(quality, "")
        voiced = _voice([pcs[m] for m in members])
        chords.append(
            Chord(
                name=name,
                roman=roman,
                degree=degree + 1,
                root=root,
                quality=quality,
                spelled=tuple(notes[m] for m in members),
                notes=voiced,
                bass=36 + pcs[degree],
            )
        )
    return chords
