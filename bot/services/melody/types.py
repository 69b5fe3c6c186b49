"""The melody's records: what a member asked for, the model's (or code's) proposal, and the
composed melody with its chords, as the writers and the cog read them.

Time is counted in eighth notes from the start of the song; a bar of 4/4 is eight of them and
its strong beats are beats 1 and 3 (eighths 0 and 4 of the bar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "BAR",
    "STRONG_POSITIONS",
    "Contour",
    "Feel",
    "Melody",
    "MelodyChord",
    "MelodyParams",
    "MelodyRecord",
    "Note",
    "Proposal",
    "SectionText",
    "Syllabic",
    "is_strong",
]

BAR = 8  # eighth notes in a bar of 4/4
STRONG_POSITIONS = (0, 4)  # beats 1 and 3

Contour = Literal["arch", "rising", "falling", "wave", "valley"]
Feel = Literal["even", "dotted", "spacious"]
Syllabic = Literal["single", "begin", "middle", "end"]


def is_strong(onset: int) -> bool:
    return onset % BAR in STRONG_POSITIONS


@dataclass(frozen=True, slots=True)
class SectionText:
    """One section of the lyric in singing order. The same kind of section ("Chorus",
    "Chorus 2") with the same words is a repeat, sung to the same melody."""

    label: str
    lines: tuple[str, ...]

    @property
    def kind(self) -> str:
        """ "Verse 2" -> "verse": sections of one kind share a progression."""
        words = "".join(ch if ch.isalpha() else " " for ch in self.label.lower()).split()
        return " ".join(words)[:24] or "section"

    @property
    def identity(self) -> str:
        text = "\n".join(" ".join(line.lower().split()) for line in self.lines)
        return f"{self.kind}\n{text}"


@dataclass(frozen=True, slots=True)
class MelodyParams:
    """Everything that, with the lyric, the seed and the proposal, fixes the melody."""

    key: str  # canonical tonic, e.g. "F#"
    mode: Literal["major", "minor"]
    tempo: int  # BPM
    voice: str  # "soprano", "alto", "tenor", "bass" or "custom"
    low: int  # MIDI note numbers, inclusive
    high: int
    progression: tuple[int, ...] | None = None  # scale degrees 1-7, or None: built by mood
    mood: str | None = None  # for a built progression

    @property
    def span(self) -> int:
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class Proposal:
    """The melody's shape: where the tune climbs to and how the words move."""

    contour: Contour
    feel: Feel
    climax: float  # 0.35-0.85: where in a section the highest note falls
    chorus_lift: bool  # the chorus sits a little higher than the verses
    source: Literal["model", "code"] = "code"


@dataclass(frozen=True, slots=True)
class Note:
    """One sung syllable: its pitch, when it starts and how long it lasts (in eighths)."""

    pitch: int
    onset: int
    duration: int
    text: str
    syllabic: Syllabic
    stressed: bool
    section: int  # index into Melody.sections
    line: int  # line number within the song, from 0

    @property
    def end(self) -> int:
        return self.onset + self.duration


@dataclass(frozen=True, slots=True)
class MelodyChord:
    """The chord of one bar."""

    bar: int
    name: str
    root: str  # spelled, e.g. "F#"
    quality: str  # "major", "minor", "diminished", "augmented"
    degree: int
    pitch_classes: frozenset[int]
    notes: tuple[int, ...]  # MIDI voicing
    bass: int


@dataclass(frozen=True, slots=True)
class Melody:
    title: str
    params: MelodyParams
    seed: int
    proposal: Proposal
    notes: tuple[Note, ...]
    chords: tuple[MelodyChord, ...]  # one per bar
    sections: tuple[SectionText, ...]
    section_bars: tuple[tuple[int, int], ...]  # (first bar, bar count) per section
    tonic_pitch: int  # the tonic every section ends on
    scale: tuple[str, ...] = field(default=())  # spelled scale of the key

    @property
    def bars(self) -> int:
        return len(self.chords)

    def chord_at(self, onset: int) -> MelodyChord:
        return self.chords[min(onset // BAR, len(self.chords) - 1)]


@dataclass(frozen=True, slots=True)
class MelodyRecord:
    """A stored melody: enough to compose the same melody again."""

    id: int
    guild_id: int
    user_id: int
    draft_id: int | None
    title: str
    sections: tuple[SectionText, ...]
    params: MelodyParams
    seed: int
    proposal: Proposal
    created_at: datetime
    updated_at: datetime
