"""The lyric studio's tools: rhymes, syllable counts, analysis of pasted lyrics and chord
progressions with MIDI. Stateless; the CPU work runs off the event loop."""

from __future__ import annotations

import asyncio
import re

from bot.errors import UserInputError
from bot.i18n import _
from bot.services import chords as theory
from bot.services.prosody import (
    Rhyme,
    RhymeKind,
    analyze_stanza,
    cliche_warnings,
    detect_scheme,
    find_rhymes,
    line_syllables,
    repeated_words,
    stress_pattern,
)
from bot.services.prosody.zh import end_syllables, has_han, readings, rhyme_group
from bot.services.text import clean_text

from .types import Analysis, ChordSheet, LineReport

__all__ = [
    "ANALYZE_LIMIT",
    "ANALYZE_MAX_LINES",
    "CHORD_KEY_LIMIT",
    "CHORD_SECTIONS_LIMIT",
    "RHYME_RESULTS",
    "RHYME_WORD_LIMIT",
    "SYLLABLES_LIMIT",
    "analyze_lyrics",
    "chord_sheet",
    "rhyme_query",
    "rhymes_for",
    "syllable_report",
]

ANALYZE_LIMIT = 4000
ANALYZE_MAX_LINES = 60
SYLLABLES_LIMIT = 1000
RHYME_WORD_LIMIT = 40
RHYME_RESULTS = 40
CHORD_KEY_LIMIT = 8
CHORD_SECTIONS_LIMIT = 200
# Split on the separator alone and strip after: "\s*[/|\n]\s*" retries every space of a long
# run of spaces with no separator, which is quadratic.
_LINE_BREAKS = re.compile(r"[/|\n]")
_RHYME_QUERY = re.compile(r"^[A-Za-z][A-Za-z'\-]*( [A-Za-z][A-Za-z'\-]*){0,2}$")
#: A Chinese query: one word of up to four Han characters (the rhyme falls on the last ones).
ZH_RHYME_CHARS = 4


def rhyme_query(word: str, kind: str = "perfect") -> str:
    """The query ``word`` cleaned and checked (a UserInputError says what is wrong), at once:
    a cog calls this before it acknowledges, so bad input gets a private reply."""
    query = clean_text(word, field="word", max_length=RHYME_WORD_LIMIT).lower()
    if has_han(query):
        if len(query) > ZH_RHYME_CHARS or len(readings(query)) != len(query):
            raise UserInputError(
                _(
                    "Give one Chinese word of up to {n} characters, with no punctuation or "
                    "Latin letters.",
                    n=ZH_RHYME_CHARS,
                )
            )
    elif not _RHYME_QUERY.match(query):
        raise UserInputError(
            _(
                "Give one word (letters, apostrophes and hyphens), or up to three words "
                "for a multisyllabic rhyme."
            )
        )
    if kind not in ("perfect", "slant", "multisyllabic"):
        raise UserInputError(_("Pick a rhyme type: perfect, slant or multisyllabic."))
    return query


async def rhymes_for(word: str, kind: RhymeKind = "perfect") -> list[Rhyme]:
    """Rhymes for a word; the first Chinese query loads the word list (a second or two), so
    callers acknowledge the interaction first."""
    query = rhyme_query(word, kind)
    return await asyncio.to_thread(find_rhymes, query, kind, RHYME_RESULTS)


async def syllable_report(text: str) -> list[LineReport]:
    clean = clean_text(text, field="text", max_length=SYLLABLES_LIMIT, multiline=True)
    lines = [line.strip() for line in _LINE_BREAKS.split(clean) if line.strip()]
    if not lines:
        raise UserInputError(_("Give some words to count, with / between lines."))

    def measure() -> list[LineReport]:
        return [_report(line) for line in lines]

    return await asyncio.to_thread(measure)


def _tone_mark(level: bool, tone: int) -> str:
    return "中" if tone == 5 else "平" if level else "仄"


def _report(line: str) -> LineReport:
    """A line's count and stress; a line ending in Chinese also gets its tones and end rhyme."""
    report = LineReport(line, line_syllables(line), stress_pattern(line))
    options, _ = end_syllables(line) if has_han(line) else ((), None)
    if not options:
        return report
    last = options[0]
    return LineReport(
        report.text,
        report.syllables,
        report.stress,
        tones="".join(_tone_mark(s.level, s.tone) for s in readings(line)),
        end=f"{last.char} {last.marked}",
        final=last.final,
        group=rhyme_group(last.final),
    )


async def analyze_lyrics(text: str) -> Analysis:
    clean = clean_text(text, field="lyrics", max_length=ANALYZE_LIMIT, multiline=True)
    all_lines = [line for line in clean.split("\n")]
    kept = [line for line in all_lines if line.strip()]
    if len(kept) < 1:
        raise UserInputError(_("Paste at least one line of lyrics."))
    truncated = max(0, len(kept) - ANALYZE_MAX_LINES)
    if truncated:
        # Keep whole stanzas up to the limit.
        count = 0
        cut: list[str] = []
        for line in all_lines:
            if line.strip():
                count += 1
                if count > ANALYZE_MAX_LINES:
                    break
            cut.append(line)
        all_lines = cut

    def run() -> Analysis:
        scheme = detect_scheme(all_lines)
        return Analysis(
            scheme=scheme,
            lines=tuple(analyze_stanza(all_lines)),
            repeated=tuple(repeated_words(all_lines)[:10]),
            cliches=tuple(cliche_warnings([ln for ln in all_lines if ln.strip()])[:8]),
            truncated=truncated,
        )

    return await asyncio.to_thread(run)


async def chord_sheet(
    *,
    key: str,
    mode: str,
    mood: str,
    sections: str | None = None,
    variation: int | None = None,
    tempo: int = 90,
    sevenths: bool = False,
) -> ChordSheet:
    """A progression built by music theory (the model takes no part: ``variation`` is a
    seed that picks among the mood's progressions), with a MIDI file of it."""
    key = clean_text(key, field="key", max_length=CHORD_KEY_LIMIT)
    raw = clean_text(sections, field="sections", max_length=CHORD_SECTIONS_LIMIT, required=False)
    separated = re.search(r"[,;/|>→\n]", raw)
    names = [s.strip() for s in re.split(r"[,;/|>→\n]+" if separated else r"\s+", raw)]
    names = [s for s in names if s]

    def build() -> ChordSheet:
        progression = theory.build_progression(
            key, mode, mood, names or None, variation, sevenths=sevenths
        )
        midi = theory.progression_to_midi(progression, tempo_bpm=tempo)
        return ChordSheet(progression, midi, tempo, variation)

    return await asyncio.to_thread(build)
