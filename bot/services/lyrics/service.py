"""The lyric studio: drafts under rhyme and syllable rules, saved drafts, and the tools around
them (rhymes, syllable counts, analysis of pasted lyrics, chord progressions with MIDI).

Drafts are stored as soon as they're made, so the buttons under them (which carry the draft id)
work after a restart; only the member who asked may use them. Unsaved drafts are pruned after
``unsaved_days``; saved ones stay until their author deletes them (or erases their data).

This module is the facade the cogs and the container use; the work lives in ``editing``
(the model's drafts and rewrites), ``library`` (stored drafts), ``tools`` and ``codec``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.clock import Clock
from bot.db.repositories.lyrics import LyricsRepository
from bot.services.hooks import (
    Contributions,
    NoContributions,
    NoStyleBriefs,
    NoWorksIndex,
    StyleBriefs,
    WorksIndex,
)
from bot.services.prosody import Rhyme, RhymeKind, warm_up
from models import LLMEngine

from . import tools
from .drafting import LyricsDrafter
from .editing import DraftEditor
from .library import DraftLibrary
from .media import ChordMedia, chord_media
from .request import SongSpec, song_spec
from .types import Analysis, ChordSheet, Draft, DraftSummary, LineReport, Progress

__all__ = ["LyricsService"]


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
        soundfont: Path | None = None,
    ) -> None:
        self._soundfont = soundfont
        self._library = DraftLibrary(
            drafts,
            clock,
            contributions=contributions or NoContributions(),
            works=works or NoWorksIndex(),
            max_saved=max_saved,
            unsaved_days=unsaved_days,
        )
        self._editor = DraftEditor(
            LyricsDrafter(engine, repair_rounds=repair_rounds, temperature=temperature),
            self._library,
            style or NoStyleBriefs(),
        )

    @property
    def drafter(self) -> LyricsDrafter:
        return self._editor.drafter

    @property
    def max_saved(self) -> int:
        return self._library.max_saved

    @property
    def unsaved_days(self) -> int:
        return self._library.unsaved_days

    # -- start-up ---------------------------------------------------------------------------

    async def warm_up(self) -> None:
        """Load the pronouncing dictionary and rhyme index off the event loop."""
        await asyncio.to_thread(warm_up)

    async def prune_unsaved(self) -> int:
        return await self._library.prune_unsaved()

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
        return await self._editor.draft(
            song, guild_id=guild_id, channel_id=channel_id, user_id=user_id, progress=progress
        )

    async def owned(self, draft_id: int, user_id: int) -> Draft:
        """The draft, if it exists and belongs to ``user_id`` (for buttons on its message)."""
        return await self._library.owned(draft_id, user_id)

    async def regenerate_part(self, draft_id: int, user_id: int, part_key: str) -> Draft:
        return await self._editor.regenerate_part(draft_id, user_id, part_key)

    def check_line(
        self, draft: Draft, line_number: int | str, hint: str | None
    ) -> tuple[int, str | None]:
        """Validate a rewrite request from the modal: a line number this draft has."""
        return self._editor.check_line(draft, line_number, hint)

    async def rewrite_line(
        self, draft_id: int, user_id: int, line_number: int | str, hint: str | None = None
    ) -> Draft:
        return await self._editor.rewrite_line(draft_id, user_id, line_number, hint)

    # -- saved drafts -----------------------------------------------------------------------

    async def save(self, draft_id: int, user_id: int) -> tuple[Draft, bool]:
        """Save the draft; returns (draft, whether it was newly saved)."""
        return await self._library.save(draft_id, user_id)

    async def set_public(self, draft_id: int, user_id: int, public: bool) -> Draft:
        return await self._library.set_public(draft_id, user_id, public)

    async def list_saved(self, guild_id: int, user_id: int) -> list[DraftSummary]:
        return await self._library.list_saved(guild_id, user_id)

    async def open(self, draft_id: int, user_id: int) -> Draft:
        """One of the member's saved drafts (someone else's is "not found")."""
        return await self._library.open(draft_id, user_id)

    async def delete(self, draft_id: int, user_id: int) -> str:
        """Delete one of the member's drafts; returns its title."""
        return await self._library.delete(draft_id, user_id)

    async def public_drafts(self, guild_id: int, *, limit: int = 25) -> list[Draft]:
        """Saved drafts their authors shared (what /discover may list)."""
        return await self._library.public_drafts(guild_id, limit=limit)

    # -- tools ------------------------------------------------------------------------------

    @staticmethod
    def rhyme_query(word: str, kind: str = "perfect") -> str:
        """Check a rhyme query before acknowledging; raises UserInputError when it is bad."""
        return tools.rhyme_query(word, kind)

    async def rhymes(self, word: str, kind: RhymeKind = "perfect") -> list[Rhyme]:
        return await tools.rhymes_for(word, kind)

    async def syllables(self, text: str) -> list[LineReport]:
        return await tools.syllable_report(text)

    async def analyze(self, text: str) -> Analysis:
        return await tools.analyze_lyrics(text)

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
        return await tools.chord_sheet(
            key=key,
            mode=mode,
            mood=mood,
            sections=sections,
            variation=variation,
            tempo=tempo,
            sevenths=sevenths,
        )

    async def chord_media(self, sheet: ChordSheet) -> ChordMedia:
        """The sheet's progression engraved (PNG) and played (WAV preview), rendered off the
        event loop; a part that fails to render is ``None``."""
        return await chord_media(sheet, soundfont=self._soundfont)
