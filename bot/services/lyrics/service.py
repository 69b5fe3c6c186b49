"""The lyric studio: drafts under rhyme and syllable rules, saved drafts, and the tools around
them (rhymes, syllable counts, analysis of pasted lyrics, chord progressions with MIDI).

Drafts are stored as soon as they're made, so the buttons under them (which carry the draft id)
work after a restart; only the member who asked may use them. Unsaved drafts are pruned after
``unsaved_days``; saved ones stay until their author deletes them (or erases their data).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.db.repositories.lyrics import LyricsDraftRecord, LyricsRepository
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services import chords as theory
from bot.services.bounds import record_id
from bot.services.hooks import (
    Contributions,
    NoContributions,
    NoStyleBriefs,
    NoWorksIndex,
    StyleBriefs,
    WorksIndex,
)
from bot.services.locks import KeyedLocks
from bot.services.prosody import (
    ClicheWarning,
    LineAnalysis,
    Rhyme,
    RhymeKind,
    analyze_stanza,
    cliche_warnings,
    detect_scheme,
    find_rhymes,
    line_syllables,
    repeated_words,
    stress_pattern,
    warm_up,
)
from bot.services.text import clean_text
from models import LLMEngine

from .drafting import LyricsDrafter
from .request import PartSpec, SongSpec, song_spec

__all__ = [
    "ANALYZE_LIMIT",
    "Analysis",
    "ChordSheet",
    "Draft",
    "DraftSummary",
    "LineReport",
    "LyricsService",
    "Progress",
]

Progress = Callable[[str], Awaitable[None]]

ANALYZE_LIMIT = 4000
ANALYZE_MAX_LINES = 60
SYLLABLES_LIMIT = 1000
HINT_LIMIT = 200
RHYME_WORD_LIMIT = 40
RHYME_RESULTS = 40
CHORD_KEY_LIMIT = 8
CHORD_SECTIONS_LIMIT = 200
# Split on the separator alone and strip after: "\s*[/|\n]\s*" retries every space of a long
# run of spaces with no separator, which is quadratic.
_LINE_BREAKS = re.compile(r"[/|\n]")
_RHYME_QUERY = re.compile(r"^[A-Za-z][A-Za-z'\-]*( [A-Za-z][A-Za-z'\-]*){0,2}$")


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
    created_at: str
    updated_at: str

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
    updated_at: str
    lines: int


@dataclass(frozen=True, slots=True)
class LineReport:
    text: str
    syllables: int
    stress: str


@dataclass(frozen=True, slots=True)
class Analysis:
    scheme: str
    lines: tuple[LineAnalysis, ...]
    repeated: tuple[tuple[str, int], ...]
    cliches: tuple[ClicheWarning, ...]
    truncated: int  # lines beyond ANALYZE_MAX_LINES that were not analysed


@dataclass(frozen=True, slots=True)
class ChordSheet:
    progression: theory.Progression
    midi: bytes
    tempo: int
    seed: int | None


# -- (de)serialising drafts -----------------------------------------------------------------


def _spec_to_json(song: SongSpec) -> str:
    return json.dumps(
        {
            "topic": song.topic,
            "genre": song.genre,
            "mood": song.mood,
            "order": list(song.order),
            "parts": [
                {
                    "key": p.key,
                    "kind": p.kind,
                    "label": p.label,
                    "scheme": p.scheme,
                    "lines": p.lines,
                    "syllables": list(p.syllables) if p.syllables else None,
                }
                for p in song.parts
            ],
        }
    )


def _spec_from_json(text: str) -> SongSpec:
    data = json.loads(text)
    parts = tuple(
        PartSpec(
            key=p["key"],
            kind=p["kind"],
            label=p["label"],
            scheme=p["scheme"],
            lines=int(p["lines"]),
            syllables=(int(p["syllables"][0]), int(p["syllables"][1]))
            if p.get("syllables")
            else None,
        )
        for p in data["parts"]
    )
    return SongSpec(data["topic"], data.get("genre"), data.get("mood"), tuple(data["order"]), parts)


def _analyse(
    song: SongSpec, lines: dict[str, tuple[str, ...]]
) -> dict[str, tuple[LineAnalysis, ...]]:
    return {p.key: tuple(analyze_stanza(lines[p.key], p.scheme, p.syllables)) for p in song.parts}


class LyricsService:
    def __init__(
        self,
        engine: LLMEngine,
        drafts: LyricsRepository,
        clock: Clock,
        *,
        style: StyleBriefs | None = None,
        contributions: Contributions | None = None,
        works: WorksIndex | None = None,
        repair_rounds: int = 2,
        temperature: float = 0.7,
        max_saved: int = 50,
        unsaved_days: int = 7,
    ) -> None:
        self._drafts = drafts
        self._clock = clock
        self._style = style or NoStyleBriefs()
        self._contributions = contributions or NoContributions()
        self._works = works or NoWorksIndex()
        self.drafter = LyricsDrafter(engine, repair_rounds=repair_rounds, temperature=temperature)
        self.max_saved = max_saved
        self.unsaved_days = unsaved_days
        self._locks = KeyedLocks()
        self._random = random.Random()

    # -- start-up ---------------------------------------------------------------------------

    async def warm_up(self) -> None:
        """Load the pronouncing dictionary and rhyme index off the event loop."""
        await asyncio.to_thread(warm_up)

    async def prune_unsaved(self) -> int:
        cutoff = self._clock.now() - timedelta(days=self.unsaved_days)
        return await self._drafts.delete_unsaved_before(cutoff.isoformat())

    # -- drafting ---------------------------------------------------------------------------

    @staticmethod
    def plan(
        *,
        topic: str,
        genre: str | None = None,
        mood: str | None = None,
        structure: str | None = None,
        rhyme_scheme: str | None = None,
        syllables: str | None = None,
        lines: int | None = None,
    ) -> SongSpec:
        """Validate a draft request completely; nothing is generated or stored."""
        return song_spec(
            topic=topic,
            genre=genre,
            mood=mood,
            structure=structure,
            rhyme_scheme=rhyme_scheme,
            syllables=syllables,
            lines=lines,
        )

    async def draft(
        self,
        song: SongSpec,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        progress: Progress | None = None,
    ) -> Draft:
        """Draft every part (repeated choruses once), repair, then store the draft."""
        brief = await self._style.brief_for(guild_id, user_id)
        lines: dict[str, tuple[str, ...]] = {}
        for number, part in enumerate(song.parts, start=1):
            if progress is not None:
                await progress(f"Drafting the {part.label.lower()} ({number}/{len(song.parts)})…")
            lines[part.key] = await self.drafter.draft_part(
                song, part, user_id=user_id, brief=brief
            )
        record = await self._drafts.create(
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            title=song.topic[:80],
            spec=_spec_to_json(song),
            lines=json.dumps(lines),
            now=self._now(),
        )
        return await self._load(record)

    async def owned(self, draft_id: int, user_id: int) -> Draft:
        """The draft, if it exists and belongs to ``user_id`` (for buttons on its message)."""
        record = await self._drafts.get(draft_id)
        if record is None:
            raise NotFound(
                "I can't find that draft any more: it was deleted, or it was never saved "
                f"and unsaved drafts are kept for {self.unsaved_days} days."
            )
        if record.user_id != user_id:
            raise NotAllowed("Only the member who drafted these lyrics can use its buttons.")
        return await self._load(record)

    async def regenerate_part(self, draft_id: int, user_id: int, part_key: str) -> Draft:
        async with self._locks[draft_id]:
            draft = await self.owned(draft_id, user_id)
            part = self._part(draft, part_key)
            brief = await self._style.brief_for(draft.guild_id, user_id)
            new = await self.drafter.draft_part(
                draft.song, part, user_id=user_id, brief=brief, seed=self._random.randrange(2**31)
            )
            return await self._store_lines(draft, part.key, new)

    def check_line(
        self, draft: Draft, line_number: int | str, hint: str | None
    ) -> tuple[int, str | None]:
        """Validate a rewrite request from the modal: a line number this draft has."""
        number = record_id(str(line_number))
        if number is None:
            raise UserInputError(
                f"Give the number of the line to rewrite, from 1 to {draft.total_lines}."
            )
        if not 1 <= number <= draft.total_lines:
            raise UserInputError(
                f"This draft has lines 1 to {draft.total_lines}; there is no line {number}."
            )
        clean_hint = clean_text(hint, field="hint", max_length=HINT_LIMIT, required=False)
        return number, clean_hint or None

    async def rewrite_line(
        self, draft_id: int, user_id: int, line_number: int | str, hint: str | None = None
    ) -> Draft:
        async with self._locks[draft_id]:
            draft = await self.owned(draft_id, user_id)
            number, clean_hint = self.check_line(draft, line_number, hint)
            _, part, index = draft.numbered()[number - 1]
            brief = await self._style.brief_for(draft.guild_id, user_id)
            new = await self.drafter.rewrite_line(
                draft.song,
                part,
                draft.lines[part.key],
                index,
                hint=clean_hint,
                user_id=user_id,
                brief=brief,
            )
            return await self._store_lines(draft, part.key, new)

    async def save(self, draft_id: int, user_id: int) -> tuple[Draft, bool]:
        """Save the draft; returns (draft, whether it was newly saved)."""
        draft = await self.owned(draft_id, user_id)
        if draft.saved:
            return draft, False
        result = await self._drafts.save(draft_id, user_id, self._now(), max_saved=self.max_saved)
        if result is None:
            raise UserInputError(
                f"You have {self.max_saved} saved drafts, the most I keep per member. "
                "Delete one with /lyrics drafts first."
            )
        saved = await self.owned(draft_id, user_id)
        if result:
            await self._contributions.record(draft.guild_id, user_id, "lyrics_draft", saved.text())
        return saved, result

    async def set_public(self, draft_id: int, user_id: int, public: bool) -> Draft:
        draft = await self.owned(draft_id, user_id)
        if not draft.saved:
            raise UserInputError("Save the draft first; only saved drafts can be shared.")
        await self._drafts.set_public(draft_id, user_id, public)
        shared = await self.owned(draft_id, user_id)
        if public:
            await self._works.index_work(
                guild_id=shared.guild_id,
                kind="lyrics",
                ref=str(draft_id),
                title=shared.title,
                text=shared.text(),
                author_id=user_id,
            )
        else:
            await self._works.remove_work(shared.guild_id, "lyrics", str(draft_id))
        return shared

    async def list_saved(self, guild_id: int, user_id: int) -> list[DraftSummary]:
        records = await self._drafts.list_saved(guild_id, user_id, limit=25)
        return [
            DraftSummary(
                r.id,
                r.title,
                r.public,
                r.updated_at,
                sum(len(v) for v in json.loads(r.lines).values()),
            )
            for r in records
        ]

    async def open(self, draft_id: int, user_id: int) -> Draft:
        """One of the member's saved drafts (someone else's is "not found")."""
        record = await self._drafts.get(draft_id)
        if record is None or record.user_id != user_id or not record.saved:
            raise NotFound("I can't find that draft among your saved drafts.")
        return await self._load(record)

    async def delete(self, draft_id: int, user_id: int) -> str:
        """Delete one of the member's drafts; returns its title."""
        record = await self._drafts.get(draft_id)
        if record is None or record.user_id != user_id:
            raise NotFound("I can't find that draft among your drafts.")
        await self._drafts.delete(draft_id, user_id)
        await self._works.remove_work(record.guild_id, "lyrics", str(draft_id))
        return record.title

    async def public_drafts(self, guild_id: int, *, limit: int = 25) -> list[Draft]:
        """Saved drafts their authors shared (what /discover may list)."""
        return [
            await self._load(r) for r in await self._drafts.public_drafts(guild_id, limit=limit)
        ]

    # -- tools ------------------------------------------------------------------------------

    async def rhymes(self, word: str, kind: RhymeKind = "perfect") -> list[Rhyme]:
        query = clean_text(word, field="word", max_length=RHYME_WORD_LIMIT).lower()
        if not _RHYME_QUERY.match(query):
            raise UserInputError(
                "Give one word (letters, apostrophes and hyphens), or up to three words "
                "for a multisyllabic rhyme."
            )
        if kind not in ("perfect", "slant", "multisyllabic"):
            raise UserInputError("Pick a rhyme type: perfect, slant or multisyllabic.")
        return await asyncio.to_thread(find_rhymes, query, kind, RHYME_RESULTS)

    async def syllables(self, text: str) -> list[LineReport]:
        clean = clean_text(text, field="text", max_length=SYLLABLES_LIMIT, multiline=True)
        lines = [line.strip() for line in _LINE_BREAKS.split(clean) if line.strip()]
        if not lines:
            raise UserInputError("Give some words to count, with / between lines.")

        def measure() -> list[LineReport]:
            return [LineReport(line, line_syllables(line), stress_pattern(line)) for line in lines]

        return await asyncio.to_thread(measure)

    async def analyze(self, text: str) -> Analysis:
        clean = clean_text(text, field="lyrics", max_length=ANALYZE_LIMIT, multiline=True)
        all_lines = [line for line in clean.split("\n")]
        kept = [line for line in all_lines if line.strip()]
        if len(kept) < 1:
            raise UserInputError("Paste at least one line of lyrics.")
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

    async def chords(
        self,
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
        raw = clean_text(
            sections, field="sections", max_length=CHORD_SECTIONS_LIMIT, required=False
        )
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

    # -- internals --------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock.now().isoformat()

    @staticmethod
    def _part(draft: Draft, part_key: str) -> PartSpec:
        try:
            return draft.song.part(part_key)
        except KeyError:
            raise UserInputError("That section isn't part of this draft.") from None

    async def _store_lines(self, draft: Draft, key: str, new: Sequence[str]) -> Draft:
        lines = dict(draft.lines)
        lines[key] = tuple(new)
        await self._drafts.update_lines(draft.id, json.dumps(lines), self._now())
        record = await self._drafts.get(draft.id)
        if record is None:
            raise NotFound("That draft was deleted while I was working on it.")
        return await self._load(record)

    async def _load(self, record: LyricsDraftRecord) -> Draft:
        song = _spec_from_json(record.spec)
        raw: dict[str, Any] = json.loads(record.lines)
        lines = {p.key: tuple(str(x) for x in raw.get(p.key, ())) for p in song.parts}
        analysis = await asyncio.to_thread(_analyse, song, lines)
        return Draft(
            id=record.id,
            guild_id=record.guild_id,
            channel_id=record.channel_id,
            user_id=record.user_id,
            song=song,
            lines=lines,
            analysis=analysis,
            saved=record.saved,
            public=record.public,
            created_at=record.created_at,
            updated_at=record.updated_at,
        )
