"""Chords for the lyric studio: keys, modes, diatonic chords, progressions by mood, MIDI export.

Everything is computed from music theory, never generated: a progression is a list of scale
degrees from ``PROGRESSIONS``, realised in the requested key and mode, so every chord is
diatonic and correctly spelled (F# major has E#, not F). A caller (the model, say) may pick
among ``suggest_progressions`` results but cannot invent chords.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import mido  # type: ignore[import-untyped]

from bot.errors import UserInputError

__all__ = [
    "MODES",
    "MOODS",
    "PROGRESSIONS",
    "Chord",
    "ChordInputError",
    "Progression",
    "ProgressionTemplate",
    "Section",
    "build_progression",
    "diatonic_chords",
    "midi_chords",
    "normalize_mode",
    "parse_key",
    "progression_to_midi",
    "scale_notes",
    "suggest_progressions",
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
_MINORISH = frozenset({"minor", "dorian", "phrygian", "locrian", "harmonic minor"})


def parse_key(key: str) -> str:
    """Validate a key's tonic ("C", "c#", "Db", "F♯", "Bb") and return it spelled canonically."""
    text = (key or "").strip()
    match = re.fullmatch(r"([A-Ga-g])([#♯]|[b♭])?", text)
    if match is None:
        shown = text or "(nothing)"
        raise ChordInputError(
            f"{shown!s} isn't a key I know. Use a note name from A to G, optionally with # or b "
            "(for example C, F#, Bb)."
        )
    accidental = {"♯": "#", "♭": "b"}.get(match[2] or "", match[2] or "")
    return match[1].upper() + accidental


def normalize_mode(mode: str) -> str:
    """Canonical mode name ("Ionian" -> "major", "aeolian" -> "minor"); error if unknown."""
    text = re.sub(r"[\s_-]+", " ", (mode or "").strip().lower())
    text = _MODE_ALIASES.get(text, text)
    if text not in MODES:
        names = ", ".join(MODES)
        raise ChordInputError(f"{mode!r} isn't a mode I know. Choose one of: {names}.")
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
            raise ChordInputError(f"{tonic} {mode} can't be spelled.")
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


# --- progressions by mood -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressionTemplate:
    """A progression as scale degrees (1-7), valid in any key and mode."""

    degrees: tuple[int, ...]
    label: str
    written_for: Literal["major", "minor", "any"] = "any"


def _t(
    degrees: str, label: str, written_for: Literal["major", "minor", "any"] = "any"
) -> ProgressionTemplate:
    return ProgressionTemplate(tuple(int(d) for d in degrees.split("-")), label, written_for)


PROGRESSIONS: dict[str, tuple[ProgressionTemplate, ...]] = {
    "happy": (
        _t("1-5-6-4", "the pop anthem", "major"),
        _t("1-4-5-4", "three-chord rock", "major"),
        _t("1-6-4-5", "the fifties doo-wop", "major"),
        _t("1-4-1-5", "campfire sing-along", "major"),
    ),
    "uplifting": (
        _t("4-5-3-6", "the royal road", "major"),
        _t("1-5-6-4", "the pop anthem", "major"),
        _t("4-1-5-6", "the rising chorus", "major"),
        _t("1-3-4-5", "the climb", "major"),
    ),
    "sad": (
        _t("6-4-1-5", "the sensitive pop", "major"),
        _t("1-6-3-7", "the minor ballad", "minor"),
        _t("1-4-6-5", "the slow lament", "minor"),
        _t("1-7-6-5", "the descending lament", "minor"),
    ),
    "tense": (
        _t("1-2-1-2", "the nervous step", "minor"),
        _t("1-6-2-5", "the unresolved turnaround", "any"),
        _t("1-4-2-5", "the tightening", "any"),
        _t("1-5-2-5", "the suspense loop", "minor"),
    ),
    "dreamy": (
        _t("1-3-6-4", "the drift", "major"),
        _t("4-1-3-6", "the floating loop", "major"),
        _t("1-2-4-1", "the haze", "any"),
        _t("1-6-2-4", "the slow swirl", "any"),
    ),
    "epic": (
        _t("6-4-1-5", "the arena build", "major"),
        _t("1-6-7-1", "the battle march", "minor"),
        _t("1-7-6-7", "the aeolian charge", "minor"),
        _t("1-6-3-7", "the trailer theme", "minor"),
    ),
    "nostalgic": (
        _t("1-5-6-3-4-1-4-5", "the canon", "major"),
        _t("1-6-4-5", "the fifties doo-wop", "major"),
        _t("4-5-3-6", "the royal road", "major"),
        _t("1-3-4-4", "the old photograph", "any"),
    ),
    "dark": (
        _t("1-4-5-1", "the minor cadence", "minor"),
        _t("1-6-4-5", "the shadow loop", "minor"),
        _t("1-2-6-5", "the descent", "minor"),
        _t("1-7-6-7", "the brooding riff", "minor"),
    ),
    "hopeful": (
        _t("6-4-1-5", "the sunrise", "major"),
        _t("4-1-5-6", "the lift", "major"),
        _t("2-4-1-5", "the open road", "major"),
        _t("1-5-4-5", "the steady climb", "any"),
    ),
    "romantic": (
        _t("1-6-2-5", "the doo-wop turnaround", "major"),
        _t("2-5-1-6", "the jazz ii–V–I", "major"),
        _t("1-3-4-5", "the serenade", "major"),
        _t("1-4-6-5", "the candlelight", "any"),
    ),
    "chill": (
        _t("2-5-1-1", "the lounge ii–V–I", "major"),
        _t("1-4-1-4", "the two-chord groove", "any"),
        _t("4-3-2-1", "the easy descent", "any"),
        _t("1-2-1-2", "the dorian vamp", "minor"),
    ),
}
MOODS: tuple[str, ...] = tuple(PROGRESSIONS)


@dataclass(frozen=True, slots=True)
class Section:
    """Where one named song section sits in a built ``Progression``."""

    name: str
    start: int
    length: int


@dataclass(frozen=True, slots=True)
class Progression:
    """A realised progression: chords in a key and mode, ready to print or export as MIDI."""

    key: str
    mode: str
    mood: str
    label: str
    chords: tuple[Chord, ...]
    sections: tuple[Section, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.chords]

    @property
    def numerals(self) -> list[str]:
        return [c.roman for c in self.chords]

    @property
    def pitch_sets(self) -> list[frozenset[int]]:
        """MIDI notes sounded per chord, bass included (what ``progression_to_midi`` writes)."""
        return [c.pitch_set for c in self.chords]


def normalize_mood(mood: str) -> str:
    text = (mood or "").strip().lower()
    if text not in PROGRESSIONS:
        raise ChordInputError(f"{mood!r} isn't a mood I know. Choose one of: {', '.join(MOODS)}.")
    return text


def _realise(
    template: ProgressionTemplate, key: str, mode: str, mood: str, *, sevenths: bool
) -> Progression:
    chords = diatonic_chords(key, mode, sevenths=sevenths)
    return Progression(
        key=parse_key(key),
        mode=normalize_mode(mode),
        mood=mood,
        label=template.label,
        chords=tuple(chords[d - 1] for d in template.degrees),
    )


def suggest_progressions(
    key: str, mode: str, mood: str, *, sevenths: bool = False
) -> list[Progression]:
    """Every progression for ``mood``, realised in ``key`` ``mode``; the ones written for the
    mode's own colour (major-like or minor-like) come first."""
    mode_name = normalize_mode(mode)
    mood_name = normalize_mood(mood)
    family = "minor" if mode_name in _MINORISH else "major"
    templates = sorted(
        PROGRESSIONS[mood_name],
        key=lambda t: 0 if t.written_for in (family, "any") else 1,
    )
    return [_realise(t, key, mode_name, mood_name, sevenths=sevenths) for t in templates]


MAX_SECTIONS = 16
_SECTION_NAME = re.compile(r"[\w][\w \-']{0,23}")


def build_progression(
    key: str,
    mode: str,
    mood: str,
    sections: Sequence[str] | None = None,
    seed: int | None = None,
    *,
    sevenths: bool = False,
) -> Progression:
    """One progression for a song, or for each named section in order ("verse", "chorus",
    "verse"...). A repeated section name reuses its progression; different sections get
    different progressions while the mood has enough. ``seed`` picks among the options
    reproducibly; without it the most typical options are used in order."""
    options = suggest_progressions(key, mode, mood, sevenths=sevenths)
    if seed is not None:
        random.Random(seed).shuffle(options)
    if not sections:
        return options[0]
    names = [s.strip().lower() for s in sections]
    if len(names) > MAX_SECTIONS:
        raise ChordInputError(f"A song can have at most {MAX_SECTIONS} sections.")
    for name in names:
        if not _SECTION_NAME.fullmatch(name):
            raise ChordInputError(
                f"{name!r} isn't a section name I can use: letters, numbers and spaces, "
                "at most 24 characters (like verse, chorus, bridge)."
            )
    chosen: dict[str, Progression] = {}
    chords: list[Chord] = []
    placed: list[Section] = []
    for name in names:
        if name not in chosen:
            chosen[name] = options[len(chosen) % len(options)]
        part = chosen[name]
        placed.append(Section(name, len(chords), len(part.chords)))
        chords.extend(part.chords)
    first = options[0]
    label = " / ".join(f"{name}: {chosen[name].label}" for name in dict.fromkeys(names))
    return Progression(first.key, first.mode, first.mood, label, tuple(chords), tuple(placed))


# --- MIDI -----------------------------------------------------------------------------------

TICKS_PER_BEAT = 480


def progression_to_midi(
    progression: Progression,
    tempo_bpm: float = 90,
    beats_per_chord: int = 4,
    program: int = 0,
    *,
    bass: bool = True,
    velocity: int = 80,
) -> bytes:
    """A type-1 standard MIDI file: a conductor track (name, tempo, 4/4), a chord track on
    channel 1 with ``program`` (General MIDI, 0 = piano), and a bass track on channel 2.
    Each chord's notes start together and stop together, ready to drop into a DAW."""
    if not 20 <= tempo_bpm <= 300:
        raise ChordInputError("Tempo must be between 20 and 300 BPM.")
    if not 1 <= beats_per_chord <= 16:
        raise ChordInputError("Beats per chord must be between 1 and 16.")
    if not 0 <= program <= 127:
        raise ChordInputError("The instrument (General MIDI program) must be 0-127.")
    length = beats_per_chord * TICKS_PER_BEAT
    title = f"Muse - {progression.key} {progression.mode} ({progression.mood})"

    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name=title, time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0))
    conductor.append(
        mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
    )
    conductor.append(mido.MetaMessage("end_of_track", time=0))

    def part(
        name: str, channel: int, instrument: int, voices: list[tuple[int, ...]]
    ) -> mido.MidiTrack:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        track.append(mido.Message("program_change", program=instrument, channel=channel, time=0))
        for notes in voices:
            for note in notes:
                track.append(
                    mido.Message("note_on", note=note, velocity=velocity, channel=channel, time=0)
                )
            for i, note in enumerate(notes):
                off = length if i == 0 else 0  # all of a chord's notes stop together
                track.append(
                    mido.Message("note_off", note=note, velocity=0, channel=channel, time=off)
                )
        track.append(mido.MetaMessage("end_of_track", time=0))
        return track

    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(conductor)
    midi.tracks.append(part("Chords", 0, program, [c.notes for c in progression.chords]))
    if bass:
        midi.tracks.append(part("Bass", 1, 33, [(c.bass,) for c in progression.chords]))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def midi_chords(data: bytes) -> list[frozenset[int]]:
    """The sets of MIDI notes that start together, in time order, across all tracks."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    starts: dict[int, set[int]] = {}
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                starts.setdefault(now, set()).add(message.note)
    return [frozenset(starts[t]) for t in sorted(starts)]
