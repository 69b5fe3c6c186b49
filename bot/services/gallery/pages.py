"""What each gallery page shows, read fresh from the database on every request.

Plain data for the web layer's templates; the consent rules (``.consent``) are applied here and
in the repository's queries, never left to a template.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.services.chords import MOODS, ChordInputError, build_progression, progression_to_midi
from bot.services.lyrics.codec import load_draft
from bot.services.lyrics.types import Draft
from bot.services.story.book import book_title, contributors, render_book
from bot.services.story.ports import BookFile
from bot.services.story.types import StoryRecord
from bot.services.style.discover import fts_query

from .consent import author_credit, segment_credit, valid_month
from .types import (
    ArchivedPrompt,
    GalleryMember,
    PaletteRecord,
    PromptMonth,
    SearchRow,
    SharedSubmission,
    StorySummary,
)

if TYPE_CHECKING:
    from bot.db.repositories.gallery import GalleryRepository
    from bot.db.repositories.lyrics import LyricsRepository
    from bot.db.repositories.stories import StoryRepository

__all__ = [
    "GalleryPages",
    "LyricLine",
    "LyricPage",
    "LyricSection",
    "MemberPage",
    "SegmentView",
    "StoryView",
]

SEARCH_LIMIT = 30
SEARCH_QUERY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SegmentView:
    seq: int
    text: str
    credit: str
    ai_written: bool


@dataclass(frozen=True, slots=True)
class StoryView:
    story: StoryRecord
    title: str
    segments: list[SegmentView]
    contributors: list[str]


@dataclass(frozen=True, slots=True)
class LyricLine:
    text: str
    syllables: int


@dataclass(frozen=True, slots=True)
class LyricSection:
    label: str
    lines: list[LyricLine]
    chords: list[str]


@dataclass(frozen=True, slots=True)
class LyricPage:
    id: int
    title: str
    genre: str | None
    mood: str | None
    author: str
    key: str
    sections: list[LyricSection]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MemberPage:
    member: GalleryMember
    stories: list[StorySummary] = field(default_factory=list)
    submissions: list[SharedSubmission] = field(default_factory=list)
    lyrics: list[LyricPage] = field(default_factory=list)
    palettes: list[PaletteRecord] = field(default_factory=list)


def _chord_mood(mood: str | None) -> str:
    words = (mood or "").casefold()
    return next((m for m in MOODS if m in words), "hopeful")


def _chords_for(draft: Draft) -> tuple[dict[str, list[str]], bytes]:
    """A chord progression per section kind, built by music theory from the draft's mood
    (seeded by the draft's id, so the page shows the same chords every time), and its MIDI."""
    kinds = [draft.song.part(key).kind for key in draft.song.order]
    mood = _chord_mood(draft.song.mood)
    try:
        progression = build_progression("C", "major", mood, kinds, draft.id)
    except ChordInputError:
        progression = build_progression("C", "major", mood, None, draft.id)
    by_kind: dict[str, list[str]] = {}
    for section in progression.sections:
        chords = progression.chords[section.start : section.start + section.length]
        by_kind.setdefault(section.name, [c.name for c in chords])
    if not progression.sections:
        by_kind = {kind: progression.names for kind in kinds}
    return by_kind, progression_to_midi(progression, tempo_bpm=90)


class GalleryPages:
    """The read side of the gallery: one method per page."""

    def __init__(
        self, repo: GalleryRepository, stories: StoryRepository, lyrics: LyricsRepository
    ) -> None:
        self._repo = repo
        self._stories = stories
        self._lyrics = lyrics

    # -- stories ---------------------------------------------------------------------------------

    async def stories(self, guild_id: int) -> list[StorySummary]:
        return await self._repo.finished_stories(guild_id)

    async def _finished(self, guild_id: int, story_id: int) -> StoryRecord | None:
        story = await self._stories.get(story_id)
        if story is None or story.guild_id != guild_id or story.status != "ended":
            return None
        return story

    async def story(self, guild_id: int, story_id: int) -> StoryView | None:
        story = await self._finished(guild_id, story_id)
        if story is None:
            return None
        segments = await self._stories.segments(story.id)
        views = [SegmentView(s.seq, s.text, segment_credit(s), s.ai_written) for s in segments]
        return StoryView(story, book_title(story), views, contributors(segments))

    async def book(self, guild_id: int, story_id: int) -> list[BookFile]:
        """The finished story's EPUB and Markdown, built now from what is stored now."""
        story = await self._finished(guild_id, story_id)
        if story is None:
            return []
        segments = await self._stories.segments(story.id)
        return await render_book(story, segments, await self._stories.canon(story.id))

    # -- prompt of the day -----------------------------------------------------------------------

    async def months(self, guild_id: int) -> list[PromptMonth]:
        return await self._repo.prompt_months(guild_id)

    async def month(self, guild_id: int, month: str) -> list[ArchivedPrompt] | None:
        if not valid_month(month):
            return None
        prompts = await self._repo.prompts_in_month(guild_id, month)
        shared = await self._repo.shared_submissions(guild_id, [p.post_id for p in prompts])
        return [ArchivedPrompt(p, [s for s in shared if s.post_id == p.post_id]) for p in prompts]

    async def submission(self, guild_id: int, submission_id: int) -> SharedSubmission | None:
        return await self._repo.shared_submission(guild_id, submission_id)

    # -- lyrics ----------------------------------------------------------------------------------

    async def _lyric(
        self,
        draft_id: int,
        *,
        chords: bool = True,
        members: dict[int, GalleryMember | None] | None = None,
    ) -> tuple[LyricPage, bytes] | None:
        """A draft's page; ``members`` remembers member look-ups across the drafts of a list."""
        record = await self._lyrics.get(draft_id)
        if record is None:
            return None
        draft = await load_draft(record)
        known = {} if members is None else members
        if draft.user_id not in known:
            known[draft.user_id] = await self._repo.member(draft.guild_id, draft.user_id)
        member = known[draft.user_id]
        by_kind, midi = await asyncio.to_thread(_chords_for, draft) if chords else ({}, b"")
        sections = []
        for key in draft.song.order:
            part = draft.song.part(key)
            analysis = draft.analysis.get(key, ())
            lines = [
                LyricLine(text, analysis[i].syllables if i < len(analysis) else 0)
                for i, text in enumerate(draft.lines.get(key, ()))
            ]
            sections.append(LyricSection(part.label, lines, by_kind.get(part.kind, [])))
        page = LyricPage(
            id=draft.id,
            title=draft.title,
            genre=draft.song.genre,
            mood=draft.song.mood,
            author=author_credit(member.display_name if member else None),
            key="C major",
            sections=sections,
            updated_at=draft.updated_at,
        )
        return page, midi

    async def lyrics(self, guild_id: int, *, user_id: int | None = None) -> list[LyricPage]:
        found = []
        members: dict[int, GalleryMember | None] = {}  # one look-up per author, not per draft
        for draft_id in await self._repo.shared_lyric_ids(guild_id, user_id=user_id):
            # A list shows titles only: no chords.
            page = await self._lyric(draft_id, chords=False, members=members)
            if page is not None:
                found.append(page[0])
        return found

    async def lyric(self, guild_id: int, draft_id: int) -> tuple[LyricPage, bytes] | None:
        """A shared draft's page and its MIDI file; None unless it is shared now."""
        if not await self._repo.is_shared_lyric(guild_id, draft_id):
            return None
        return await self._lyric(draft_id)

    # -- palettes, search, members ---------------------------------------------------------------

    async def palettes(self, guild_id: int) -> list[PaletteRecord]:
        return await self._repo.shared_palettes(guild_id)

    async def search(self, guild_id: int, query: str) -> list[SearchRow]:
        match = fts_query(query[:SEARCH_QUERY_LIMIT].split())
        if match is None:
            return []
        return await self._repo.search(guild_id, match, limit=SEARCH_LIMIT)

    async def members(self, guild_id: int) -> list[GalleryMember]:
        return await self._repo.members(guild_id)

    async def member(self, guild_id: int, user_id: int) -> MemberPage | None:
        member = await self._repo.member(guild_id, user_id)
        if member is None:
            return None
        return MemberPage(
            member,
            stories=await self._repo.stories_with_member(guild_id, user_id),
            submissions=await self._repo.submissions_of(guild_id, user_id),
            lyrics=await self.lyrics(guild_id, user_id=user_id),
            palettes=await self._repo.shared_palettes(guild_id, user_id=user_id),
        )
