"""Lyrics and settings for the melody tests: hypothesis strategies and an independent check of
every rule a melody promises (written apart from bot.services.melody.analysis on purpose)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import strategies as st

from bot.services.chords import scale_notes
from bot.services.melody import (
    VOICES,
    MelodyInputError,
    MelodyParams,
    Proposal,
    SectionText,
    melody_params,
)
from bot.services.melody.contour import CONTOURS, FEELS
from bot.services.prosody import stress_pattern

__all__ = ["WORDS", "Shares", "lyrics", "params", "proposals", "shares_of"]

WORDS = (
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "my",
    "your",
    "we",
    "love",
    "night",
    "light",
    "morning",
    "river",
    "beautiful",
    "remember",
    "together",
    "understand",
    "away",
    "forever",
    "heart",
    "fire",
    "golden",
    "shadow",
    "city",
    "tomorrow",
    "yesterday",
    "believe",
    "alone",
    "again",
    "running",
    "dancing",
    "silver",
    "ocean",
    "electric",
    "harmony",
    "I",
    "it",
    "is",
    "calling",
    "imagination",
    "unbelievable",
    "home",
    "rain",
    "sky",
)
KEYS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B"]

line_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)
section_lines = st.lists(line_text, min_size=1, max_size=4).map(tuple)


@st.composite
def lyrics(draw: st.DrawFn) -> tuple[SectionText, ...]:
    """Verses and a chorus that comes back (sometimes with a bridge)."""
    verses = draw(st.lists(section_lines, min_size=2, max_size=3))
    chorus = SectionText("Chorus", draw(section_lines))
    out: list[SectionText] = []
    for number, lines in enumerate(verses, start=1):
        out += [SectionText(f"Verse {number}", lines), chorus]
    if draw(st.booleans()):
        out += [SectionText("Bridge", draw(section_lines)), chorus]
    return tuple(out)


@st.composite
def params(draw: st.DrawFn) -> MelodyParams:
    key = draw(st.sampled_from(KEYS))
    mode = draw(st.sampled_from(["major", "minor"]))
    tempo = draw(st.integers(40, 240))
    progression = draw(st.sampled_from([None, None, "I-V-vi-IV", "1 4 5", "ii V I vi"]))
    if draw(st.booleans()):
        return melody_params(
            key=key, mode=mode, tempo=tempo, voice=draw(st.sampled_from(list(VOICES))),
            progression=progression,
        )  # fmt: skip
    low = draw(st.integers(36, 80))
    high = low + draw(st.integers(7, 16))
    try:
        return melody_params(
            key=key, mode=mode, tempo=tempo, voice="custom", low=low, high=high,
            progression=progression,
        )  # fmt: skip
    except MelodyInputError:  # the range has no tonic: refused, as the member would be
        return melody_params(key=key, mode=mode, tempo=tempo, voice="alto")


proposals = st.builds(
    Proposal,
    contour=st.sampled_from(CONTOURS),
    feel=st.sampled_from(FEELS),
    climax=st.floats(0.0, 1.0),
    chorus_lift=st.booleans(),
)


@dataclass(frozen=True)
class Shares:
    stressed_on_strong: float
    chord_tones_on_strong: float
    stepwise: float
    in_range: float
    largest_leap: int
    unrecovered_leaps: int


def _pc(name: str) -> int:
    base = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[name[0]]
    return (base + name.count("#") - name.count("b")) % 12


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def shares_of(melody: object) -> Shares:
    """The rules, measured from the notes and chords alone."""
    notes = melody.notes  # type: ignore[attr-defined]
    chords = melody.chords  # type: ignore[attr-defined]
    p = melody.params  # type: ignore[attr-defined]
    strong = [n for n in notes if n.onset % 8 in (0, 4)]
    stressed = [n for n in notes if n.stressed]
    moves = [b.pitch - a.pitch for a, b in itertools.pairwise(notes)]
    unrecovered = sum(
        1
        for first, second in itertools.pairwise(moves)
        if abs(first) >= 5 and not (1 <= abs(second) <= 2 and first * second < 0)
    )
    tones = sum(n.pitch % 12 in chords[n.onset // 8].pitch_classes for n in strong)
    return Shares(
        stressed_on_strong=_share(sum(n.onset % 8 in (0, 4) for n in stressed), len(stressed)),
        chord_tones_on_strong=_share(tones, len(strong)),
        stepwise=sum(abs(m) <= 2 for m in moves) / max(1, len(moves)),
        in_range=sum(p.low <= n.pitch <= p.high for n in notes) / len(notes),
        largest_leap=max((abs(m) for m in moves), default=0),
        unrecovered_leaps=unrecovered,
    )


def expected_syllables(sections: tuple[SectionText, ...]) -> int:
    return sum(len(stress_pattern(line)) for s in sections for line in s.lines)


def tonic_pc(p: MelodyParams) -> int:
    return _pc(scale_notes(p.key, p.mode)[0])
