"""The lyric studio's records: a stored draft with its analysis, a saved draft's summary, and
the results of the tools (syllable counts, pasted-lyrics analysis, chord sheets)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.services import chords as theory
from bot.services.prosody import ClicheWarning, LineAnalysis

from .request import PartSpec, SongSpec

__all__ = ["Analysis", "ChordSheet", "Draft", "DraftSummary", "LineReport", "Progress"]

Progress = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Draft:
    """A stored draft with each part's lines and their analysis."""

    id: int
    guild_id: int
    channel_id: int
    user_id: int
    song: SongSpec
    lines: dict[str, tuple[str, ...]]
    analysis: dict[str, tuple[LineAnalysis, ...]]
    saved: bool
    public: bool
    created_at: datetime
    updated_at: datetime

    @property
    def title(self) -> str:
        return self.song.topic[:80]

    def numbered(self) -> list[tuple[int, PartSpec, int]]:
        """(line number from 1, part, index in part) over the parts in order."""
        out: list[tuple[int, PartSpec, int]] = []
        for part in self.song.parts:
            for index in range(len(self.lines[part.key])):
                out.append((len(out) + 1, part, index))
        return out

    @property
    def total_lines(self) -> int:
        return sum(len(v) for v in self.lines.values())

    @property
    def passing(self) -> int:
        return sum(a.ok_rhyme and a.ok_syllables for v in self.analysis.values() for a in v)

    def text(self) -> str:
        """The whole song in singing order, each section under its label."""
        blocks = []
        for key in self.song.order:
            part = self.song.part(key)
            blocks.append(f"[{part.label}]\n" + "\n".join(self.lines[key]))
        return "\n\n".join(blocks)


@dataclass(frozen=True, slots=True)
class DraftSummary:
    id: int
    title: str
    public: bool
    updated_at: datetime
    lines: int


@dataclass(frozen=True, slots=True)
class LineReport:
    """One counted line. A line ending in Chinese also carries the tone (平 or 仄) of each of
    its Han characters and the reading of its last one, for rhyme: 光 guāng, final "uang"."""

    text: str
    syllables: int
    stress: str
    tones: str = ""  # 平/仄/中 per Han character ("" for a line with none)
    end: str = ""  # the last Han character with its pinyin, "光 guāng"
    final: str = ""  # its final (韵母), "uang"
    group: str = ""  # its 十三辙 group, "江阳"


@dataclass(frozen=True, slots=True)
class Analysis:
    scheme: str
    lines: tuple[LineAnalysis, ...]
    repeated: tuple[tuple[str, int], ...]
    cliches: tuple[ClicheWarning, ...]
    truncated: int  # lines beyond tools.ANALYZE_MAX_LINES, not analysed


@dataclass(frozen=True, slots=True)
class ChordSheet:
    progression: theory.Progression
    midi: bytes
    tempo: int
    seed: int | None
