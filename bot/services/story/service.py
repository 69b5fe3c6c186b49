"""Story chains: round-robin stories with deadlines, an AI partner, recaps and books.

The rules live here; Discord lives behind :class:`StoryPublisher` (the thread a story opens),
the outbox (everything posted in it) and the scheduler behind :class:`TurnTimer` (the publisher,
the outbox's story renderer and the timer are implemented in ``cogs/story``).

* Every change of turn happens in one database transaction with the check that allows it, and
  bumps the story's ``turn_seq``: two writes at once give one segment, and a deadline job of an
  older turn finds a different ``turn_seq`` and does nothing.
* Everything a change publishes (the new segment, notices, the next writer's ping, the book)
  is recorded in the outbox in the same transaction as the change itself; the outbox worker
  posts it, in order per thread, retrying until Discord confirms it. The ping's model-written
  recap is made when the worker first renders it (:meth:`StoryService.publication`). New
  segments are then folded into the running summary that keeps recap prompts bounded.
* When the AI partner's turn comes it writes at once, in a background task.
* At start-up :meth:`StoryService.recover` re-arms every running story's deadline and restarts
  the AI's turn; the outbox worker resumes whatever was not yet posted.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.clock import Clock
from bot.db.repositories.stories import (
    AI_PARTNER_ID,
    FORMER_MEMBER,
    NewStory,
    ParticipantRecord,
    SegmentRecord,
    StoryRecord,
    StoryRepository,
    TurnState,
)
from bot.errors import GenerationCancelled, MuseError, NotAllowed, NotFound, UserInputError
from bot.services.bounds import check_length, record_id
from bot.services.hooks import (
    Contributions,
    NoContributions,
    NoStyleBriefs,
    NoWorksIndex,
    StyleBriefs,
    WorksIndex,
)
from bot.services.locks import KeyedLocks
from bot.services.outbox import Outbox
from bot.services.text import clean_display_name, clean_text
from models import GenerationOptions, LLMEngine, Priority

from . import prompts
from .book import AI_NAME, BookData, build_book
from .ports import (
    BookFile,
    DeadlineKind,
    DeadlinePlan,
    ModeratorCheck,
    Notice,
    NoticeKind,
    StoryPublisher,
    TurnTimer,
)
from .rotation import join_position, next_turn

__all__ = [
    "GENRE_LIMIT",
    "OPENING_LIMIT",
    "PAGE_CHARS",
    "SEGMENT_LIMIT",
    "TITLE_LIMIT",
    "Publication",
    "Scope",
    "StoryPage",
    "StoryService",
    "StoryStatus",
    "WriteResult",
]

log = logging.getLogger(__name__)

TITLE_LIMIT = 80
GENRE_LIMIT = 40
OPENING_LIMIT = 1000
SEGMENT_LIMIT = 4000
#: The `story` option: an id from autocomplete or a title, so no longer than a title.
STORY_REF_LIMIT = TITLE_LIMIT
PAGE_CHARS = 3500
RECENT_SEGMENTS = 6
SUMMARY_BATCH = 8
REMINDER_FRACTIONS = {DeadlineKind.HALF: 0.5, DeadlineKind.LATE: 0.9}
REMINDER_LEVELS = {DeadlineKind.HALF: 1, DeadlineKind.LATE: 2}
# A job that fires a moment before its time (clock granularity) still counts as due.
DUE_TOLERANCE = timedelta(seconds=1)

Scope = Literal["running", "open", "ended", "any"]
_SCOPES: dict[str, tuple[str, ...]] = {
    "running": ("open", "paused"),
    "open": ("open",),
    "ended": ("ended",),
    "any": ("open", "paused", "ended"),
}


@dataclass(frozen=True, slots=True)
class StoryStatus:
    story: StoryRecord
    seats: list[ParticipantRecord]
    segment_count: int

    @property
    def current(self) -> ParticipantRecord | None:
        return _seat(self.seats, self.story.current_user_id)

    @property
    def rotation(self) -> list[ParticipantRecord]:
        return [s for s in self.seats if s.active]


@dataclass(frozen=True, slots=True)
class WriteResult:
    story: StoryRecord
    segment: SegmentRecord
    next_writer: ParticipantRecord | None
    ended: bool


@dataclass(frozen=True, slots=True)
class StoryPage:
    story: StoryRecord
    segments: list[SegmentRecord]
    page: int  # 0-based
    pages: int


@dataclass(frozen=True, slots=True)
class Publication:
    """What one outbox item of a story says, resolved from the database when it is rendered."""

    kind: str  # "intro", "segment", "notice", "turn", "reminder" or "book"
    story: StoryRecord
    seats: list[ParticipantRecord] = field(default_factory=list)
    segment: SegmentRecord | None = None
    notice: Notice | None = None
    writer: ParticipantRecord | None = None
    recap: str | None = None
    level: int = 0
    segment_count: int = 0
    files: list[BookFile] = field(default_factory=list)


@dataclass
class _TurnEvent:
    """What the pipeline must publish after a change."""

    segments: list[SegmentRecord] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    ended: bool = False


@dataclass(frozen=True, slots=True)
class _Advance:
    story: StoryRecord
    writer: ParticipantRecord | None
    ended: bool
    notices: list[Notice]


def _seat(seats: Sequence[ParticipantRecord], user_id: int | None) -> ParticipantRecord | None:
    if user_id is None:
        return None
    return next((s for s in seats if s.user_id == user_id), None)


def _display(seat: ParticipantRecord | None) -> str:
    if seat is None:
        return "nobody"
    return f"{AI_NAME} (AI partner)" if seat.is_ai else seat.display_name


class StoryService:
    def __init__(
        self,
        repo: StoryRepository,
        engine: LLMEngine,
        clock: Clock,
        *,
        outbox: Outbox,
        briefs: StyleBriefs | None = None,
        contributions: Contributions | None = None,
        works: WorksIndex | None = None,
        default_turn_hours: float = 24.0,
        default_word_limit: int = 300,
        max_skips: int = 3,
        max_running: int = 10,
        temperature: float = 0.7,
        rng: random.Random | None = None,
    ) -> None:
        self._repo = repo
        self._outbox = outbox
        self._engine = engine
        self._clock = clock
        self._briefs = briefs or NoStyleBriefs()
        self._contributions = contributions or NoContributions()
        self._works = works or NoWorksIndex()
        self.default_turn_hours = default_turn_hours
        self.default_word_limit = default_word_limit
        self._max_skips = max_skips
        self._max_running = max_running
        self._temperature = temperature
        self._rng = rng or random.Random()
        self._publisher: StoryPublisher | None = None
        self._timer: TurnTimer | None = None
        self._summary_locks = KeyedLocks()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- wiring ------------------------------------------------------------------------------

    def attach(self, publisher: StoryPublisher, timer: TurnTimer) -> None:
        """Connect the Discord side (called by the cog when it loads)."""
        self._publisher = publisher
        self._timer = timer

    @property
    def publisher(self) -> StoryPublisher:
        if self._publisher is None:
            raise RuntimeError("the story service has no publisher attached")
        return self._publisher

    async def close(self) -> None:
        """Cancel background work (the cog unloads, the bot stops)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._publisher = None
        self._timer = None

    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until no background work is left and the outbox has posted what it holds
        (tests; shutdown)."""
        async with asyncio.timeout(timeout):
            while True:
                while self._tasks:
                    await asyncio.gather(*list(self._tasks), return_exceptions=True)
                await self._outbox.settle(timeout)
                if not self._tasks:
                    return

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(self._guarded(coro, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(coro: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except GenerationCancelled:
            log.info("story background task %s was cut off by a shutdown", name)
        except Exception:
            log.exception("story background task %s failed", name)

    # -- finding stories ---------------------------------------------------------------------

    async def resolve(
        self, guild_id: int | None, story: str | None, channel_id: int | None, scope: Scope = "any"
    ) -> StoryRecord:
        """The story a member means: the option's value (an id from autocomplete, or a title),
        or else the story whose thread the command was used in."""
        if guild_id is None:
            raise UserInputError("Story chains live in servers: use this command in a server.")
        found: StoryRecord | None = None
        check_length(story, field="story", max_length=STORY_REF_LIMIT)
        if story and story.strip():
            value = story.strip()
            wanted = record_id(value)
            if wanted is not None:
                found = await self._repo.get(wanted)
                if found is not None and found.guild_id != guild_id:
                    found = None
            if found is None:
                matches = await self._repo.find_by_title(guild_id, value)
                found = matches[0] if matches else None
            if found is None:
                raise NotFound(
                    f"I can't find a story called {value[:80]!r} here. `/story list` shows them."
                )
        elif channel_id is not None:
            found = await self._repo.by_thread(channel_id)
            if found is None or found.guild_id != guild_id:
                raise UserInputError(
                    "Which story? Pick one in the `story` option, or use the command in the "
                    "story's thread."
                )
        else:
            raise UserInputError("Which story? Pick one in the `story` option.")
        if found.status not in _SCOPES[scope]:
            if found.status == "ended":
                raise UserInputError(f"**{found.title}** has ended. `/story export` gets the book.")
            if found.status == "paused":
                raise UserInputError(f"**{found.title}** is paused right now.")
            raise UserInputError(f"**{found.title}** hasn't ended yet.")
        return found

    async def suggest(self, guild_id: int | None, typed: str, scope: Scope) -> list[StoryRecord]:
        """Stories for autocomplete (at most 25)."""
        if guild_id is None:
            return []
        return await self._repo.list_for_guild(
            guild_id, _SCOPES[scope], limit=25, search=typed.strip()[:100]
        )

    async def list_stories(self, guild_id: int | None) -> list[StoryStatus]:
        if guild_id is None:
            raise UserInputError("Story chains live in servers: use this command in a server.")
        stories = await self._repo.list_for_guild(guild_id, _SCOPES["any"], limit=15)
        return [await self._status_of(s) for s in stories]

    async def status(
        self, guild_id: int | None, story: str | None, channel_id: int | None
    ) -> StoryStatus:
        return await self._status_of(await self.resolve(guild_id, story, channel_id))

    async def _status_of(self, story: StoryRecord) -> StoryStatus:
        return StoryStatus(
            story,
            await self._repo.participants(story.id),
            await self._repo.segment_count(story.id),
        )

    async def page(
        self, guild_id: int | None, story: str | None, channel_id: int | None, page: int = 0
    ) -> StoryPage:
        record = await self.resolve(guild_id, story, channel_id)
        return await self.page_by_id(record.id, page, guild_id=guild_id)

    async def page_by_id(self, story_id: int, page: int, *, guild_id: int | None) -> StoryPage:
        """One page of the story's text: segments packed into pages of ``PAGE_CHARS``."""
        story = await self._repo.get(story_id)
        if story is None or story.guild_id != guild_id:
            raise NotFound("That story no longer exists.")
        bounds: list[tuple[int, int]] = []  # (first seq, last seq) of each page
        used = 0
        for seq, length in await self._repo.segment_lengths(story_id):
            size = min(length + 40, PAGE_CHARS)
            if bounds and used + size <= PAGE_CHARS:
                bounds[-1] = (bounds[-1][0], seq)
                used += size
            else:
                bounds.append((seq, seq))
                used = size
        if not bounds:
            return StoryPage(story, [], 0, 1)
        index = max(0, min(page, len(bounds) - 1))
        first, last = bounds[index]
        segments = await self._repo.segments(story_id, after_seq=first - 1, limit=last - first + 1)
        return StoryPage(story, segments, index, len(bounds))

    # -- starting, joining, leaving ----------------------------------------------------------

    async def start(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        display_name: str,
        title: str,
        genre: str,
        opening: str | None = None,
        turn_hours: float | None = None,
        word_limit: int | None = None,
        max_rounds: int | None = None,
        max_participants: int | None = None,
        ai_partner: bool = False,
        shuffle: bool = False,
    ) -> StoryStatus:
        if guild_id is None:
            raise UserInputError("Story chains live in servers: use this command in a server.")
        display_name = clean_display_name(display_name)
        clean_title = clean_text(title, field="title", max_length=TITLE_LIMIT)
        if clean_title.isdigit():
            raise UserInputError("A story's title needs at least one letter.")
        clean_genre = clean_text(genre, field="genre", max_length=GENRE_LIMIT)
        clean_opening = (
            clean_text(opening, field="opening", max_length=OPENING_LIMIT, multiline=True)
            if opening is not None and opening.strip()
            else None
        )
        hours = self.default_turn_hours if turn_hours is None else turn_hours
        if not 0.1 <= hours <= 336:
            raise UserInputError("A turn can last from 0.1 hours (6 minutes) to 336 hours.")
        limit = self.default_word_limit if word_limit is None else word_limit
        if not 10 <= limit <= 1000:
            raise UserInputError("The word limit per turn must be between 10 and 1,000.")
        if clean_opening and len(clean_opening.split()) > limit:
            raise UserInputError(
                f"The opening has {len(clean_opening.split())} words; the limit per turn is "
                f"{limit}."
            )
        if max_rounds is not None and not 1 <= max_rounds <= 1000:
            raise UserInputError("Maximum rounds must be between 1 and 1,000.")
        if max_participants is not None and not 2 <= max_participants <= 100:
            raise UserInputError("Maximum participants must be between 2 and 100.")
        if await self._repo.title_taken(guild_id, clean_title):
            raise UserInputError(
                f"A story called **{clean_title}** is already running here: pick another title."
            )
        if await self._repo.count_running(guild_id) >= self._max_running:
            raise UserInputError(
                f"This server already has {self._max_running} stories running: end one first."
            )
        thread_id = await self.publisher.open_thread(
            guild_id=guild_id,
            channel_id=channel_id,
            title=clean_title,
            genre=clean_genre,
            starter_name=display_name,
        )
        now = self._clock.now()
        seconds = max(60, round(hours * 3600))
        try:
            async with self._repo.transaction():
                record = await self._repo.create(
                    NewStory(
                        guild_id=guild_id,
                        channel_id=channel_id,
                        thread_id=thread_id,
                        title=clean_title,
                        genre=clean_genre,
                        starter_id=user_id,
                        starter_name=display_name[:100],
                        turn_seconds=seconds,
                        word_limit=limit,
                        max_rounds=max_rounds,
                        max_participants=max_participants,
                        ai_partner=ai_partner,
                        ai_name=AI_NAME,
                        shuffle=shuffle,
                    ),
                    now,
                    now + timedelta(seconds=seconds),
                )
                await self._outbox.add(**self._item(record, "intro", {}, "intro"))
        except Exception as exc:  # a race on the title's unique index
            if "UNIQUE" in str(exc):
                raise UserInputError(
                    f"A story called **{clean_title}** is already running here."
                ) from None
            raise
        self._outbox.wake()
        status = await self._status_of(record)
        if clean_opening:
            # The opening is the starter's first turn: it is written, and the turn moves on.
            async with self._repo.transaction():
                segment = await self._repo.add_segment(
                    record.id,
                    round_=record.round,
                    kind="member",
                    author_id=user_id,
                    author_name=display_name[:100],
                    stand_in_for=None,
                    text=clean_opening,
                    now=now,
                )
                advance = await self._advance(record, now)
                event = _TurnEvent([segment], advance.notices, advance.ended)
                await self._record(advance.story, event)
            await self._contributions.record(guild_id, user_id, "story_segment", clean_opening)
            self._after_change(advance, event)
            status = await self._status_of(advance.story)
        else:
            first = _TurnEvent()
            async with self._repo.transaction():
                await self._record(record, first)
            self._after_change(_Advance(record, status.current, False, []), first)
        return status

    async def join(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        display_name: str,
    ) -> StoryStatus:
        display_name = clean_display_name(display_name)
        record = await self.resolve(guild_id, story, channel_id, "running")
        now = self._clock.now()
        notices = [Notice(NoticeKind.JOINED, display_name)]
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            seats = await self._repo.participants(fresh.id)
            mine = _seat(seats, user_id)
            if mine is not None and mine.active:
                raise UserInputError(f"You're already writing **{fresh.title}**.")
            if mine is not None and mine.left_reason == "kicked":
                raise NotAllowed(f"A moderator removed you from **{fresh.title}**.")
            members = [s for s in seats if s.active and not s.is_ai]
            if fresh.max_participants is not None and len(members) >= fresh.max_participants:
                raise UserInputError(
                    f"**{fresh.title}** is full ({fresh.max_participants} writers)."
                )
            position = join_position(
                [s.position for s in seats if s.active], shuffle=fresh.shuffle, rng=self._rng
            )
            if mine is None:
                await self._repo.add_participant(
                    fresh.id, user_id, display_name[:100], position, now
                )
            else:
                await self._repo.rejoin(fresh.id, user_id, display_name[:100], position)
            advance: _Advance | None = None
            if fresh.status == "open" and fresh.current_user_id is None:
                advance = await self._advance(fresh, now)  # the story was waiting for writers
                event = _TurnEvent([], notices + advance.notices, advance.ended)
                await self._record(advance.story, event)
            else:
                await self._record(fresh, _TurnEvent([], notices), ping=False)
        if advance is not None:
            self._after_change(advance, event)
            return await self._status_of(advance.story)
        self._outbox.wake()
        return await self._status_of(record)

    async def leave(
        self, *, guild_id: int | None, story: str | None, channel_id: int | None, user_id: int
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "running")
        return await self._remove(record, user_id, reason="left")

    async def release_member(self, guild_id: int, user_id: int) -> int:
        """Before a member's data is erased: take them out of every running story's rotation,
        through the same path as leaving, so a turn they held moves on and each thread is told
        (naming a former member, not them). Returns how many rotations they left."""
        released = 0
        for record in await self._repo.running():
            if record.guild_id != guild_id:
                continue
            seat = _seat(await self._repo.participants(record.id), user_id)
            if seat is None or not seat.active:
                continue
            try:
                await self._remove(record, user_id, reason="erased")
            except MuseError:  # the story ended or they left in the meantime
                continue
            released += 1
        return released

    async def _remove(
        self, record: StoryRecord, user_id: int, *, reason: Literal["left", "kicked", "erased"]
    ) -> StoryStatus:
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            seats = await self._repo.participants(fresh.id)
            mine = _seat(seats, user_id)
            if mine is None or not mine.active:
                who = "You're" if reason == "left" else "That member is"
                raise UserInputError(f"{who} not in the rotation of **{fresh.title}**.")
            # The row goes with the erasure that follows; until then it reads as leaving.
            stored_reason = "left" if reason == "erased" else reason
            await self._repo.deactivate(fresh.id, user_id, stored_reason, now)
            kind = NoticeKind.KICKED if reason == "kicked" else NoticeKind.LEFT
            shown = FORMER_MEMBER if reason == "erased" else mine.display_name
            notices = [Notice(kind, shown)]
            advance: _Advance | None = None
            if fresh.current_user_id == user_id and fresh.status == "open":
                advance = await self._advance(fresh, now)
            elif fresh.current_user_id == user_id:  # paused: the turn moves on at resume
                advance = await self._advance(fresh, now, keep_paused=True)
            if advance is not None:
                event = _TurnEvent([], notices + advance.notices, advance.ended)
                await self._record(advance.story, event)
            else:
                await self._record(fresh, _TurnEvent([], notices), ping=False)
        if advance is not None:
            self._after_change(advance, event)
            return await self._status_of(advance.story)
        self._outbox.wake()
        return await self._status_of(record)

    # -- writing -----------------------------------------------------------------------------

    async def check_can_write(
        self, guild_id: int | None, story: str | None, channel_id: int | None, user_id: int
    ) -> StoryRecord:
        """Before opening the writing form: refuse early when it isn't the member's turn
        (the write itself checks again, atomically)."""
        record = await self.resolve(guild_id, story, channel_id)
        self._require_turn(record, await self._repo.participants(record.id), user_id)
        return record

    def _require_turn(
        self, story: StoryRecord, seats: Sequence[ParticipantRecord], user_id: int
    ) -> None:
        if story.status == "ended":
            raise UserInputError(f"**{story.title}** has ended.")
        if story.status == "paused":
            raise UserInputError(f"**{story.title}** is paused: wait until it resumes.")
        if story.current_user_id is None:
            raise NotAllowed(
                f"It's not your turn: **{story.title}** is waiting for more writers "
                "(`/story join`)."
            )
        if story.current_user_id != user_id:
            current = _display(_seat(seats, story.current_user_id))
            mine = _seat(seats, user_id)
            hint = "" if mine is not None and mine.active else " Join with `/story join` first."
            raise NotAllowed(
                f"It's not your turn in **{story.title}**: it's {current}'s turn.{hint}"
            )

    async def write(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        display_name: str,
        text: str,
    ) -> WriteResult:
        display_name = clean_display_name(display_name)
        record = await self.resolve(guild_id, story, channel_id)
        clean = clean_text(text, field="segment", max_length=SEGMENT_LIMIT, multiline=True)
        words = len(clean.split())
        if words > record.word_limit:
            raise UserInputError(
                f"Your segment has {words} words; **{record.title}** allows {record.word_limit} "
                "a turn. Please shorten it."
            )
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "any")
            seats = await self._repo.participants(fresh.id)
            self._require_turn(fresh, seats, user_id)
            segment = await self._repo.add_segment(
                fresh.id,
                round_=fresh.round,
                kind="member",
                author_id=user_id,
                author_name=display_name[:100],
                stand_in_for=None,
                text=clean,
                now=now,
            )
            await self._repo.set_skips(fresh.id, user_id, 0)
            advance = await self._advance(fresh, now)
            event = _TurnEvent([segment], advance.notices, advance.ended)
            await self._record(advance.story, event)
        await self._contributions.record(guild_id, user_id, "story_segment", clean)
        self._after_change(advance, event)
        return WriteResult(advance.story, segment, advance.writer, advance.ended)

    # -- moderation --------------------------------------------------------------------------

    def _require_moderator(
        self, story: StoryRecord, user_id: int, can_moderate: ModeratorCheck
    ) -> None:
        """The starter, or a member with Manage Messages in the story's own channel (the
        thread's parent), wherever the command or button was used."""
        if story.starter_id != user_id and not can_moderate(story.channel_id):
            raise NotAllowed(
                f"Only the story's starter or a member with Manage Messages can do that to "
                f"**{story.title}**."
            )

    async def skip(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        can_moderate: ModeratorCheck,
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "open")
        self._require_moderator(record, user_id, can_moderate)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "open")
            if fresh.current_user_id is None:
                raise UserInputError(f"Nobody has the turn in **{fresh.title}** to skip.")
            seats = await self._repo.participants(fresh.id)
            skipped = _display(_seat(seats, fresh.current_user_id))
            advance = await self._advance(fresh, now)
            notices = [Notice(NoticeKind.SKIPPED_BY_MODERATOR, skipped), *advance.notices]
            event = _TurnEvent([], notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return await self._status_of(advance.story)

    async def kick(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        can_moderate: ModeratorCheck,
        member_id: int,
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "running")
        self._require_moderator(record, user_id, can_moderate)
        return await self._remove(record, member_id, reason="kicked")

    async def pause(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        can_moderate: ModeratorCheck,
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "running")
        self._require_moderator(record, user_id, can_moderate)
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            if fresh.status == "paused":
                raise UserInputError(f"**{fresh.title}** is already paused.")
            await self._repo.pause(fresh.id, self._clock.now())
            paused = await self._fresh(fresh.id, "any")
            await self._record(paused, _TurnEvent([], [Notice(NoticeKind.PAUSED)]))
        self._disarm(fresh.id)
        self._outbox.wake()
        return await self._status_of(paused)

    async def suspend(self, story_id: int) -> StoryRecord | None:
        """Pause a running story because its place is gone (its thread or channel was deleted,
        or Muse left the server). Posts nothing: the thread may not exist. Returns the story as
        it was, or None when it was not running."""
        async with self._repo.transaction():
            fresh = await self._repo.get(story_id)
            if fresh is None or fresh.status != "open":
                return None
            await self._repo.pause(fresh.id, self._clock.now())
        self._disarm(fresh.id)
        return fresh

    async def running_in(
        self, guild_id: int, *, channel_id: int | None = None, thread_id: int | None = None
    ) -> list[StoryRecord]:
        """A server's stories not yet ended, optionally only those in one channel or thread."""
        stories = await self._repo.list_for_guild(guild_id, ("open", "paused"), limit=10_000)
        return [
            s
            for s in stories
            if (channel_id is None or s.channel_id == channel_id)
            and (thread_id is None or s.thread_id == thread_id)
        ]

    async def resume(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        can_moderate: ModeratorCheck,
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "running")
        self._require_moderator(record, user_id, can_moderate)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            if fresh.status != "paused":
                raise UserInputError(f"**{fresh.title}** isn't paused.")
            pause = now - (fresh.paused_at or now)
            started = fresh.turn_started_at + pause if fresh.turn_started_at else None
            deadline = fresh.turn_deadline + pause if fresh.turn_deadline else None
            await self._repo.resume(fresh.id, started, deadline)
            resumed = await self._fresh(fresh.id, "any")
            advance = _Advance(resumed, None, False, [])
            if resumed.current_user_id is None:
                advance = await self._advance(resumed, now)  # whoever left while paused
            notices = [Notice(NoticeKind.RESUMED), *advance.notices]
            event = _TurnEvent([], notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return await self._status_of(advance.story)

    async def end(
        self,
        *,
        guild_id: int | None,
        story: str | None,
        channel_id: int | None,
        user_id: int,
        can_moderate: ModeratorCheck,
    ) -> StoryStatus:
        record = await self.resolve(guild_id, story, channel_id, "running")
        self._require_moderator(record, user_id, can_moderate)
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            await self._repo.end(fresh.id, self._clock.now())
            ended = await self._fresh(fresh.id, "any")
            event = _TurnEvent(ended=True)
            await self._record(ended, event)
        self._after_change(_Advance(ended, None, True, []), event)
        return await self._status_of(ended)

    async def export(
        self, guild_id: int | None, story: str | None, channel_id: int | None
    ) -> list[BookFile]:
        record = await self.resolve(guild_id, story, channel_id)
        if record.status != "ended":
            raise UserInputError(
                f"**{record.title}** is still being written: export works once it has ended "
                "(`/story show` reads it so far)."
            )
        return await self._book(record, await self._repo.segments(record.id))

    async def _book(self, story: StoryRecord, segments: list[SegmentRecord]) -> list[BookFile]:
        contributors: list[str] = []
        for segment in segments:
            if segment.kind == "member" and segment.author_name not in contributors:
                contributors.append(segment.author_name)
        if any(s.ai_written for s in segments):
            contributors.append(f"{AI_NAME} (AI)")
        data = BookData(story, segments, contributors, story.ended_at)
        return await asyncio.to_thread(build_book, data)

    # -- turns -------------------------------------------------------------------------------

    async def _fresh(self, story_id: int, scope: Scope) -> StoryRecord:
        story = await self._repo.get(story_id)
        if story is None:
            raise NotFound("That story no longer exists.")
        if story.status not in _SCOPES[scope]:
            raise UserInputError(f"**{story.title}** is {story.status} now.")
        return story

    async def _advance(
        self, story: StoryRecord, now: datetime, *, keep_paused: bool = False
    ) -> _Advance:
        """End the current turn and give the next one (inside the caller's transaction)."""
        seats = await self._repo.participants(story.id)
        following = next_turn(seats, story.turn_position)
        notices: list[Notice] = []
        if following is None:
            await self._repo.set_turn(
                story.id, TurnState(None, story.turn_position, story.round, None, None)
            )
            if story.status == "open" and not keep_paused:
                notices.append(Notice(NoticeKind.WAITING))
            updated = await self._fresh(story.id, "any")
            return _Advance(updated, None, False, notices)
        round_ = story.round + (1 if following.wrapped else 0)
        if story.max_rounds is not None and round_ > story.max_rounds:
            await self._repo.end(story.id, now)
            return _Advance(await self._fresh(story.id, "any"), None, True, notices)
        deadline = now + timedelta(seconds=story.turn_seconds)
        await self._repo.set_turn(
            story.id,
            TurnState(following.seat.user_id, following.seat.position, round_, now, deadline),
        )
        return _Advance(await self._fresh(story.id, "any"), following.seat, False, notices)

    def _after_change(self, advance: _Advance, event: _TurnEvent) -> None:
        """After a committed change of turn: arm its deadline, let the outbox post what the
        change recorded, let the AI write, and fold new segments into the summary."""
        story = advance.story
        if story.status == "ended":
            self._disarm(story.id)
        else:
            self._arm(story)
        self._outbox.wake()
        if story.status == "open" and story.current_user_id == AI_PARTNER_ID:
            self._spawn(self._ai_turn(story.id, story.turn_seq), f"story-{story.id}-ai")
        if event.ended:
            self._spawn(self._index_finished(story.id), f"story-{story.id}-index")
        elif event.segments:
            self._spawn(self._refresh_summary(story.id), f"story-{story.id}-summary")

    def _disarm(self, story_id: int) -> None:
        if self._timer is not None:
            self._timer.disarm(story_id)

    def _arm(self, story: StoryRecord) -> None:
        if self._timer is None:
            return
        if (
            story.status != "open"
            or story.current_user_id is None
            or story.turn_deadline is None
            or story.turn_started_at is None
        ):
            self._timer.disarm(story.id)
            return
        now = self._clock.now()
        times: dict[DeadlineKind, datetime] = {DeadlineKind.EXPIRE: story.turn_deadline}
        if story.current_user_id != AI_PARTNER_ID:
            for kind, fraction in REMINDER_FRACTIONS.items():
                at = story.turn_started_at + timedelta(seconds=story.turn_seconds * fraction)
                if story.reminders_sent < REMINDER_LEVELS[kind]:
                    times[kind] = at
            late = times.get(DeadlineKind.LATE)
            if late is not None and late <= now:
                times.pop(DeadlineKind.HALF, None)  # after downtime: only the latest reminder
        plan = DeadlinePlan(
            story.id,
            story.guild_id,
            story.turn_seq,
            {kind: max(at, now) for kind, at in times.items()},
        )
        self._timer.arm(plan)

    def reminder_time(self, story: StoryRecord, kind: DeadlineKind) -> datetime | None:
        if story.turn_started_at is None:
            return None
        if kind is DeadlineKind.EXPIRE:
            return story.turn_deadline
        return story.turn_started_at + timedelta(
            seconds=story.turn_seconds * REMINDER_FRACTIONS[kind]
        )

    async def on_deadline(self, story_id: int, turn_seq: int, kind: DeadlineKind) -> bool:
        """A deadline job fired. Returns whether it did something (a stale or early job
        doesn't)."""
        story = await self._repo.get(story_id)
        if story is None or story.status != "open" or story.turn_seq != turn_seq:
            return False
        due = self.reminder_time(story, kind)
        if due is None or self._clock.now() + DUE_TOLERANCE < due:
            log.debug("story %s: %s job fired before its time; ignored", story_id, kind.value)
            return False
        if kind is DeadlineKind.EXPIRE:
            return await self._expire(story)
        if story.current_user_id in (None, AI_PARTNER_ID):
            return False
        seats = await self._repo.participants(story.id)
        writer = _seat(seats, story.current_user_id)
        if writer is None or not writer.active:
            return False
        level = REMINDER_LEVELS[kind]
        async with self._repo.transaction():
            if not await self._repo.claim_reminder(story.id, turn_seq, level):
                return False
            payload = {"turn_seq": turn_seq, "user_id": writer.user_id, "level": level}
            await self._outbox.add(
                **self._item(story, "reminder", payload, f"reminder:{turn_seq}:{level}")
            )
        self._outbox.wake()
        return True

    async def _expire(self, story: StoryRecord) -> bool:
        seats = await self._repo.participants(story.id)
        writer = _seat(seats, story.current_user_id)
        stand_in: str | None = None
        if writer is not None and not writer.is_ai and story.ai_partner:
            stand_in = await self._generate(story, for_member=writer)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._repo.get(story.id)
            if fresh is None or fresh.status != "open" or fresh.turn_seq != story.turn_seq:
                return False  # someone wrote (or the story changed) meanwhile
            notices: list[Notice] = []
            segments: list[SegmentRecord] = []
            if writer is not None and writer.is_ai:
                notices.append(Notice(NoticeKind.AI_FAILED))
            elif writer is not None:
                skips = writer.skips_in_row + 1
                await self._repo.set_skips(story.id, writer.user_id, skips)
                if stand_in:
                    segments.append(
                        await self._repo.add_segment(
                            story.id,
                            round_=fresh.round,
                            kind="stand_in",
                            author_id=None,
                            author_name=writer.display_name,
                            stand_in_for=writer.user_id,
                            text=stand_in,
                            now=now,
                        )
                    )
                else:
                    notices.append(Notice(NoticeKind.SKIPPED, writer.display_name))
                if writer.active and skips >= self._max_skips:
                    await self._repo.deactivate(story.id, writer.user_id, "missed", now)
                    notices.append(Notice(NoticeKind.REMOVED, writer.display_name, skips))
            advance = await self._advance(fresh, now)
            event = _TurnEvent(segments, notices + advance.notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return True

    async def _ai_turn(self, story_id: int, turn_seq: int) -> None:
        story = await self._repo.get(story_id)
        if story is None or story.turn_seq != turn_seq or story.current_user_id != AI_PARTNER_ID:
            return
        text = await self._generate(story, for_member=None)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._repo.get(story_id)
            if (
                fresh is None
                or fresh.status != "open"
                or fresh.turn_seq != turn_seq
                or fresh.current_user_id != AI_PARTNER_ID
            ):
                return  # skipped, paused or ended while the model wrote
            segments: list[SegmentRecord] = []
            notices: list[Notice] = []
            if text:
                segments.append(
                    await self._repo.add_segment(
                        story_id,
                        round_=fresh.round,
                        kind="ai",
                        author_id=None,
                        author_name=AI_NAME,
                        stand_in_for=None,
                        text=text,
                        now=now,
                    )
                )
            else:
                notices.append(Notice(NoticeKind.AI_FAILED))
            advance = await self._advance(fresh, now)
            event = _TurnEvent(segments, notices + advance.notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)

    async def _generate(
        self, story: StoryRecord, *, for_member: ParticipantRecord | None
    ) -> str | None:
        """A passage by the model: the AI partner's own turn, or a stand-in for ``for_member``
        (in that member's style when style memory has a brief for them). None on failure."""
        recent = await self._repo.last_segments(story.id, RECENT_SEGMENTS)
        words = min(story.word_limit, 150)
        brief = None
        if for_member is not None:
            brief = await self._briefs.brief_for(story.guild_id, for_member.user_id)
        messages = prompts.segment_messages(story, recent, words=words, style_brief=brief)
        options = GenerationOptions(
            max_tokens=min(prompts.PASSAGE_MAX_TOKENS, words * 2 + 20),
            temperature=self._temperature,
            repeat_penalty=1.3,
        )
        try:
            raw = await self._engine.complete(messages, options, priority=Priority.INTERACTIVE)
        except GenerationCancelled:
            # Shutting down: the turn is not lost. The deadline job and the AI's turn are
            # rebuilt at the next start-up.
            raise
        except Exception:
            log.warning("story %s: the model could not write a passage", story.id, exc_info=True)
            return None
        text = prompts.clip_words(prompts.tidy(raw, SEGMENT_LIMIT), words)
        return text or None

    # -- publishing --------------------------------------------------------------------------

    @staticmethod
    def _item(
        story: StoryRecord, kind: str, payload: dict[str, Any], key: str | None
    ) -> dict[str, Any]:
        return {
            "guild_id": story.guild_id,
            "channel_id": story.thread_id,
            "kind": f"story.{kind}",
            "payload": {"story_id": story.id, **payload},
            "dedupe_key": f"story:{story.id}:{key}" if key is not None else None,
        }

    async def _record(self, story: StoryRecord, event: _TurnEvent, *, ping: bool = True) -> None:
        """Record in the outbox what a change publishes, inside the change's transaction:
        the new segments, the notices, then the book (the story ended) or the next writer's
        ping. ``story`` is the story as the change left it."""
        for segment in event.segments:
            await self._outbox.add(
                **self._item(story, "segment", {"segment_id": segment.id}, f"segment:{segment.id}")
            )
            await self._repo.mark_posted(segment.id)  # handed to the outbox
        for notice in event.notices:
            payload = {"notice": notice.kind.value, "name": notice.name, "count": notice.count}
            await self._outbox.add(**self._item(story, "notice", payload, None))
        if event.ended or story.status == "ended":
            if event.ended:
                await self._outbox.add(**self._item(story, "book", {}, "book"))
            return
        if not ping or story.status != "open":
            return
        if story.current_user_id in (None, AI_PARTNER_ID):
            return
        if await self._repo.claim_ping(story.id, story.turn_seq):
            payload = {"turn_seq": story.turn_seq, "user_id": story.current_user_id}
            await self._outbox.add(**self._item(story, "turn", payload, f"turn:{story.turn_seq}"))

    async def publication(self, kind: str, payload: dict[str, Any]) -> Publication | None:
        """What an outbox item of a story says now, for the Discord side to render. None when
        there is nothing left to say: the story is gone, a reminder's turn is over."""
        story = await self._repo.get(int(payload["story_id"]))
        if story is None:
            return None
        name = kind.removeprefix("story.")
        if name == "intro":
            return Publication(name, story, seats=await self._repo.participants(story.id))
        if name == "segment":
            segment = await self._repo.segment_by_id(int(payload["segment_id"]))
            if segment is None or segment.story_id != story.id:
                return None
            return Publication(name, story, segment=segment)
        if name == "notice":
            notice = Notice(
                NoticeKind(payload["notice"]), str(payload["name"]), int(payload["count"])
            )
            return Publication(name, story, notice=notice)
        if name in ("turn", "reminder"):
            if story.status == "ended":
                return None
            if name == "reminder" and story.turn_seq != int(payload["turn_seq"]):
                return None  # the turn it was about is over
            writer = _seat(await self._repo.participants(story.id), int(payload["user_id"]))
            if writer is None:
                return None
            if name == "reminder":
                return Publication(name, story, writer=writer, level=int(payload["level"]))
            return Publication(name, story, writer=writer, recap=await self.recap(story))
        if name == "book":
            # One read of the finished story serves the book and its count.
            segments = await self._repo.segments(story.id)
            files = await self._book(story, segments)
            return Publication(name, story, segment_count=len(segments), files=files)
        raise ValueError(f"unknown story publication {kind!r}")

    async def _index_finished(self, story_id: int) -> None:
        """A finished story becomes a community work members can /discover."""
        story = await self._repo.get(story_id)
        if story is None:
            return
        segments = await self._repo.segments(story_id)
        text = "\n\n".join(s.text for s in segments)
        await self._works.index_work(
            guild_id=story.guild_id,
            kind="story",
            ref=str(story.id),
            title=story.title,
            text=f"{story.genre}\n\n{text}"[:20_000],
            author_id=None,
            url=f"https://discord.com/channels/{story.guild_id}/{story.thread_id}",
        )

    async def recap(self, story: StoryRecord) -> str | None:
        """A short "previously…" for the next writer, from the running summary and the latest
        passages (a prompt of bounded size however long the story). None before the first
        segment; an excerpt of the last passage when the model can't help."""
        recent = await self._repo.last_segments(story.id, RECENT_SEGMENTS)
        if not recent:
            return None
        messages = prompts.recap_messages(story, recent)
        options = GenerationOptions(max_tokens=120, temperature=0.5, repeat_penalty=1.3)
        try:
            raw = await self._engine.complete(messages, options, priority=Priority.INTERACTIVE)
        except MuseError:
            raw = ""
        except Exception:
            log.warning("story %s: recap failed", story.id, exc_info=True)
            raw = ""
        text = prompts.tidy(raw, prompts.RECAP_CHARS)
        if text:
            return text
        return "…" + prompts.tidy(recent[-1].text[-300:], prompts.RECAP_CHARS)

    async def _refresh_summary(self, story_id: int) -> None:
        """Fold the segments not yet in the running summary into it (background priority)."""
        async with self._summary_locks[story_id]:
            story = await self._repo.get(story_id)
            if story is None:
                return
            new = await self._repo.segments(
                story_id, after_seq=story.summary_through, limit=SUMMARY_BATCH
            )
            if not new:
                return
            messages = prompts.summary_messages(story, new)
            options = GenerationOptions(max_tokens=220, temperature=0.3, repeat_penalty=1.3)
            try:
                raw = await self._engine.complete(messages, options, priority=Priority.BACKGROUND)
            except Exception:
                log.info("story %s: summary update failed; will retry next turn", story_id)
                return
            summary = prompts.tidy(raw, prompts.SUMMARY_CHARS)
            if summary:
                await self._repo.update_summary(story_id, summary, new[-1].seq)

    # -- start-up ----------------------------------------------------------------------------

    async def recover(self, owns_guild: Callable[[int], bool]) -> int:
        """Rebuild deadlines from the database and restart the AI's interrupted turns, for the
        stories of the servers this process runs (the outbox worker posts whatever was left
        unposted). Returns how many stories were re-armed."""
        armed = 0
        for story in await self._repo.running():
            if not owns_guild(story.guild_id):
                continue
            if story.status == "open":
                self._arm(story)
                armed += story.current_user_id is not None
            if story.status == "open" and story.current_user_id == AI_PARTNER_ID:
                self._spawn(self._ai_turn(story.id, story.turn_seq), f"story-{story.id}-ai")
        return armed
