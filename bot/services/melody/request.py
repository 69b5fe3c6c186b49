"""Checking what a member asked for: the key and mode, the tempo, the voice's range, a chord
progression in Roman numerals or scale degrees, and the lyric itself.

Everything here raises :class:`MelodyInputError` (a ``UserInputError``) with a sentence the
member can act on; nothing is composed or stored until the whole request passes.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.i18n import _
from bot.services.bounds import check_length
from bot.services.chords import ChordInputError, normalize_mood, parse_key
from bot.services.prosody import line_syllables
from bot.services.text import clean_text

from .types import MelodyParams, SectionText

__all__ = [
    "LINES_LIMIT",
    "MAX_LINES",
    "MAX_SYLLABLES_PER_LINE",
    "MAX_TEMPO",
    "MIDI_HIGHEST",
    "MIDI_LOWEST",
    "MIN_SPAN",
    "MIN_TEMPO",
    "PROGRESSION_LIMIT",
    "VOICES",
    "MelodyInputError",
    "melody_params",
    "parse_lyric",
    "parse_progression",
    "voice_range",
]


class MelodyInputError(ChordInputError):
    """A melody request that can't be composed as asked."""


LINES_LIMIT = 2000  # characters of pasted lyric
MAX_LINES = 48  # sung lines, repeats included
MAX_SYLLABLES_PER_LINE = 32
PROGRESSION_LIMIT = 60
MIN_TEMPO = 40
MAX_TEMPO = 240
MIDI_LOWEST = 28  # E1
MIDI_HIGHEST = 96  # C7
MIN_SPAN = 7  # a fifth: narrower than that leaves no room for a tune
MAX_SPAN = 36

#: Comfortable ranges (MIDI notes): soprano C4-G5, alto G3-C5, tenor C3-G4, bass E2-C4.
VOICES: dict[str, tuple[int, int]] = {
    "soprano": (60, 79),
    "alto": (55, 72),
    "tenor": (48, 67),
    "bass": (40, 60),
}

_NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
_PROGRESSION_SPLIT = re.compile(r"[\s,\-–>|/]+")
_SECTION_BREAK = re.compile(r"\n\s*\n|//")
_LINE_BREAK = re.compile(r"[/\n]")
_LABEL = re.compile(r"^\s*\[([^\]\n]{1,24})\]\s*")


def note_name(midi: int) -> str:
    """``60`` -> ``C4``."""
    return f"{_NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def voice_range(voice: str, low: int | None = None, high: int | None = None) -> tuple[int, int]:
    """The MIDI range of a preset voice, or of a custom one checked for size and bounds."""
    name = (voice or "").strip().lower()
    if name in VOICES:
        if low is not None or high is not None:
            raise MelodyInputError(
                _(
                    "Low and high are for a custom voice; {voice} has its own range "
                    "({low}-{high}).",
                    voice=name,
                    low=note_name(VOICES[name][0]),
                    high=note_name(VOICES[name][1]),
                )
            )
        return VOICES[name]
    if name != "custom":
        raise MelodyInputError(_("Pick a voice: {voices} or custom.", voices=", ".join(VOICES)))
    if low is None or high is None:
        raise MelodyInputError(_("A custom voice needs both low and high (MIDI notes, 60 = C4)."))
    for value in (low, high):
        if not MIDI_LOWEST <= value <= MIDI_HIGHEST:
            raise MelodyInputError(
                _(
                    "Low and high must be MIDI notes from {lowest} ({lowest_name}) "
                    "to {highest} ({highest_name}); {value} is not.",
                    lowest=MIDI_LOWEST,
                    lowest_name=note_name(MIDI_LOWEST),
                    highest=MIDI_HIGHEST,
                    highest_name=note_name(MIDI_HIGHEST),
                    value=value,
                )
            )
    if high - low < MIN_SPAN:
        raise MelodyInputError(
            _(
                "{low}-{high} is too narrow for a tune: give the voice at "
                "least a fifth ({span} semitones) between low and high.",
                low=note_name(low),
                high=note_name(high),
                span=MIN_SPAN,
            )
        )
    if high - low > MAX_SPAN:
        raise MelodyInputError(
            _("Keep the range within three octaves ({span} semitones).", span=MAX_SPAN)
        )
    return low, high


def parse_progression(text: str | None) -> tuple[int, ...] | None:
    """``"I-V-vi-IV"``, ``"1 5 6 4"`` -> scale degrees; None when not given."""
    raw = check_length(text, field="progression", max_length=PROGRESSION_LIMIT)
    if raw is None or not raw.strip():
        return None
    degrees = []
    for token in (t for t in _PROGRESSION_SPLIT.split(raw.strip()) if t):
        word = token.lower().rstrip("°o+")
        if word.isdigit() and len(word) == 1 and 1 <= int(word) <= 7:
            degrees.append(int(word))
        elif word in _ROMAN:
            degrees.append(_ROMAN[word])
        else:
            raise MelodyInputError(
                _(
                    "{token} isn't a chord I can place: write the progression as Roman numerals "
                    "or scale degrees, like I-V-vi-IV or 1 5 6 4.",
                    token=repr(token),
                )
            )
    if not 2 <= len(degrees) <= 8:
        raise MelodyInputError(_("A progression needs 2 to 8 chords, like I-V-vi-IV."))
    return tuple(degrees)


def melody_params(
    *,
    key: str,
    mode: str,
    tempo: int,
    voice: str,
    low: int | None = None,
    high: int | None = None,
    progression: str | None = None,
    mood: str | None = None,
) -> MelodyParams:
    """A complete, checked set of parameters (the tonic must lie inside the range)."""
    tonic = parse_key(key)
    mode_name = (mode or "").strip().lower()
    if mode_name not in ("major", "minor"):
        raise MelodyInputError(
            _("{mode} isn't a mode for a melody: choose major or minor.", mode=repr(mode))
        )
    chosen_mode: Literal["major", "minor"] = "major" if mode_name == "major" else "minor"
    if not MIN_TEMPO <= tempo <= MAX_TEMPO:
        raise MelodyInputError(
            _(
                "Tempo must be {low}-{high} BPM; {tempo} is not.",
                low=MIN_TEMPO,
                high=MAX_TEMPO,
                tempo=tempo,
            )
        )
    lo, hi = voice_range(voice, low, high)
    tonic_pc = _pitch_class(tonic)
    if not any(p % 12 == tonic_pc for p in range(lo, hi + 1)):
        raise MelodyInputError(
            _(
                "{low}-{high} has no {tonic} for the tune to end on: widen the "
                "range or pick another key.",
                low=note_name(lo),
                high=note_name(hi),
                tonic=tonic,
            )
        )
    mood_name = None
    if mood:
        try:
            mood_name = normalize_mood(mood)
        except ChordInputError:
            mood_name = None  # a draft's free-text mood: the progression falls back to the mode
    return MelodyParams(
        key=tonic,
        mode=chosen_mode,
        tempo=tempo,
        voice=(voice or "").strip().lower(),
        low=lo,
        high=hi,
        progression=parse_progression(progression),
        mood=mood_name,
    )


def _pitch_class(tonic: str) -> int:
    base = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[tonic[0]]
    return (base + tonic.count("#") - tonic.count("b")) % 12


def parse_lyric(text: str) -> tuple[SectionText, ...]:
    """Pasted lyric: lines split by ``/`` or new lines, sections by a blank line or ``//``,
    an optional ``[Chorus]`` label at a section's start."""
    clean = clean_text(text, field="lyric", max_length=LINES_LIMIT, multiline=True)
    sections = []
    for number, block in enumerate(_SECTION_BREAK.split(clean), start=1):
        label = f"Section {number}"
        found = _LABEL.match(block)
        if found:
            label = found[1].strip()
            block = block[found.end() :]
        lines = tuple(s.strip() for s in _LINE_BREAK.split(block) if s.strip())
        if lines:
            sections.append(SectionText(label, lines))
    return check_sections(tuple(sections))


def check_sections(sections: tuple[SectionText, ...]) -> tuple[SectionText, ...]:
    """Lines that can be sung: some words, at most ``MAX_LINES`` lines, none too long."""
    lines = [line for s in sections for line in s.lines]
    kept = [line for line in lines if line_syllables(line) > 0]
    if not kept:
        raise MelodyInputError(_("Give the lyric some words to sing (lines split by /)."))
    if len(lines) > MAX_LINES:
        raise MelodyInputError(
            _(
                "That lyric has {count} lines; a melody takes at most {limit}. "
                "Try a verse and a chorus.",
                count=len(lines),
                limit=MAX_LINES,
            )
        )
    for number, line in enumerate(lines, start=1):
        count = line_syllables(line)
        if count > MAX_SYLLABLES_PER_LINE:
            raise MelodyInputError(
                _(
                    "Line {number} has {count} syllables; a sung line takes at most "
                    "{limit}. Split it with /.",
                    number=number,
                    count=count,
                    limit=MAX_SYLLABLES_PER_LINE,
                )
            )
    return sections
