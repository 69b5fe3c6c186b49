"""Progressions by mood: scale-degree templates realised in a key and mode, one per song
section when a member names sections."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.i18n import _

from .theory import MINORISH, Chord, ChordInputError, diatonic_chords, normalize_mode, parse_key

__all__ = [
    "MAX_SECTIONS",
    "MOODS",
    "PROGRESSIONS",
    "Progression",
    "ProgressionTemplate",
    "Section",
    "build_progression",
    "normalize_mood",
    "suggest_progressions",
]


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
        raise ChordInputError(
            _(
                "{mood} isn't a mood I know. Choose one of: {moods}.",
                mood=repr(mood),
                moods=", ".join(MOODS),
            )
        )
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
    family = "minor" if mode_name in MINORISH else "major"
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
        raise ChordInputError(_("A song can have at most {limit} sections.", limit=MAX_SECTIONS))
    for name in names:
        if not _SECTION_NAME.fullmatch(name):
            raise ChordInputError(
                _(
                    "{name} isn't a section name I can use: letters, numbers and spaces, "
                    "at most 24 characters (like verse, chorus, bridge).",
                    name=repr(name),
                )
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
