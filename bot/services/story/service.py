"""Story chains: round-robin stories with deadlines, an AI partner, recaps and books.

The rules live here and in the layers :class:`StoryService` builds on (see :mod:`.core`);
Discord lives behind :class:`~.ports.StoryPublisher` (the thread a story opens), the outbox
(everything posted in it) and the scheduler behind :class:`~.ports.TurnTimer` (the publisher
and the outbox's story renderer are in ``cogs/story``, the timer in ``bot/scheduling/story.py``).

* Every change of turn happens in one database transaction with the check that allows it, and
  bumps the story's ``turn_seq``: two writes at once give one segment (:mod:`.turns`).
* Everything a change publishes is recorded in the outbox in the same transaction; new
  segments are then folded into the running summary that keeps recap prompts bounded
  (:mod:`.pipeline`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.errors import NotAllowed, UserInputError
from bot.i18n import _, ngettext
from bot.services.actor import Actor
from bot.services.markdown import escape_line
from bot.services.text import clean_display_name, clean_text

from .book import AI_NAME
from .core import outbox_item
from .limits import GENRE_LIMIT, OPENING_LIMIT, SEGMENT_LIMIT, TITLE_LIMIT
from .lookup import shown_name
from .moderation import StoryModeration
from .ports import BookFile
from .turns import Advance, TurnEvent
from .types import (
    NewStory,
    ParticipantRecord,
    StoryRecord,
    StoryStatus,
    StoryTitleTaken,
    WriteResult,
    seat_of,
)
from .typesetting import story_language

__all__ = ["StoryService"]


class StoryService(StoryModeration):
    """The /story commands. Construct it with the repository, the engine and the clock; the cog
    attaches the Discord side (:meth:`attach`)."""

    async def start(
        self,
        actor: Actor,
        *,
        title: str,
        genre: str,
        opening: str | None = None,
        turn_hours: float | None = None,
        word_limit: int | None = None,
        max_rounds: int | None = None,
        max_participants: int | None = None,
        ai_partner: bool = False,
        shuffle: bool = False,
        human_only: bool = False,
        language: str | None = None,
    ) -> StoryStatus:
        """Open a story in a thread of the actor's channel; they hold its first turn (the
        opening, when given, is that turn written). A human-only story has no AI partner and no
        AI stand-in: asking for both is refused. ``language`` is the locale the story is
        written in (the caller's resolved locale; English when missing or malformed)."""
        guild_id = actor.guild_id
        if guild_id is None:
            raise UserInputError(_("Story chains live in servers: use this command in a server."))
        if human_only and ai_partner:
            raise UserInputError(
                _(
                    "A human-only story has no AI partner: start it with `human_only` or with "
                    "`ai_partner`, not both."
                )
            )
        channel_id, user_id = actor.channel_id or 0, actor.user_id
        display_name = clean_display_name(actor.display_name)
        clean_title = clean_text(title, field="title", max_length=TITLE_LIMIT)
        if clean_title.isdigit():
            raise UserInputError(_("A story's title needs at least one letter."))
        clean_genre = clean_text(genre, field="genre", max_length=GENRE_LIMIT)
        clean_opening = (
            clean_text(opening, field="opening", max_length=OPENING_LIMIT, multiline=True)
            if opening is not None and opening.strip()
            else None
        )
        hours = self.default_turn_hours if turn_hours is None else turn_hours
        if not 0.1 <= hours <= 336:
            raise UserInputError(_("A turn can last from 0.1 hours (6 minutes) to 336 hours."))
        limit = self.default_word_limit if word_limit is None else word_limit
        if not 10 <= limit <= 1000:
            raise UserInputError(_("The word limit per turn must be between 10 and 1,000."))
        if clean_opening and len(clean_opening.split()) > limit:
            raise UserInputError(
                ngettext(
                    "The opening has {n} word; the limit per turn is {limit}.",
                    "The opening has {n} words; the limit per turn is {limit}.",
                    len(clean_opening.split()),
                    limit=limit,
                )
            )
        if max_rounds is not None and not 1 <= max_rounds <= 1000:
            raise UserInputError(_("Maximum rounds must be between 1 and 1,000."))
        if max_participants is not None and not 2 <= max_participants <= 100:
            raise UserInputError(_("Maximum participants must be between 2 and 100."))
        if await self._repo.title_taken(guild_id, clean_title):
            raise UserInputError(
                _(
                    "A story called **{title}** is already running here: pick another title.",
                    title=escape_line(clean_title),
                )
            )
        if await self._repo.count_running(guild_id) >= self._max_running:
            raise UserInputError(
                ngettext(
                    "This server already has {n} story running: end it first.",
                    "This server already has {n} stories running: end one first.",
                    self._max_running,
                )
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
                        human_only=human_only,
                        language=story_language(language),
                    ),
                    now,
                    now + timedelta(seconds=seconds),
                )
                await self._outbox.add(**outbox_item(record, "intro", {}, "intro"))
        except StoryTitleTaken:  # a race on the title's unique index
            raise UserInputError(
                _(
                    "A story called **{title}** is already running here.",
                    title=escape_line(clean_title),
                )
            ) from None
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
                event = TurnEvent([segment], advance.notices, advance.ended)
                await self._record(advance.story, event)
            await self._contributions.record(guild_id, user_id, "story_segment", clean_opening)
            self._after_change(advance, event)
            status = await self._status_of(advance.story)
        else:
            first = TurnEvent()
            async with self._repo.transaction():
                await self._record(record, first)
            self._after_change(Advance(record, status.current, False, []), first)
        return status

    async def check_can_write(self, actor: Actor, story: str | None) -> StoryRecord:
        """Before opening the writing form: refuse early when it isn't the member's turn
        (the write itself checks again, atomically)."""
        record = await self.resolve(actor.guild_id, story, actor.channel_id)
        self._require_turn(record, await self._repo.participants(record.id), actor.user_id)
        return record

    def _require_turn(
        self, story: StoryRecord, seats: Sequence[ParticipantRecord], user_id: int
    ) -> None:
        title = escape_line(story.title)
        if story.status == "ended":
            raise UserInputError(_("**{title}** has ended.", title=title))
        if story.status == "paused":
            raise UserInputError(_("**{title}** is paused: wait until it resumes.", title=title))
        if story.current_user_id is None:
            raise NotAllowed(
                _(
                    "It's not your turn: **{title}** is waiting for more writers (`/story join`).",
                    title=title,
                )
            )
        if story.current_user_id != user_id:
            current = shown_name(seat_of(seats, story.current_user_id))
            mine = seat_of(seats, user_id)
            if mine is not None and mine.active:
                raise NotAllowed(
                    _(
                        "It's not your turn in **{title}**: it's {current}'s turn.",
                        title=title,
                        current=current,
                    )
                )
            raise NotAllowed(
                _(
                    "It's not your turn in **{title}**: it's {current}'s turn. Join with "
                    "`/story join` first.",
                    title=title,
                    current=current,
                )
            )

    async def write(self, actor: Actor, story: str | None, text: str) -> WriteResult:
        """The actor's turn, written: the segment is added and the turn moves on."""
        guild_id, user_id = actor.guild_id, actor.user_id
        display_name = clean_display_name(actor.display_name)
        record = await self.resolve(guild_id, story, actor.channel_id)
        clean = clean_text(text, field="segment", max_length=SEGMENT_LIMIT, multiline=True)
        words = len(clean.split())
        if words > record.word_limit:
            raise UserInputError(
                ngettext(
                    "Your segment has {n} word; **{title}** allows {limit} a turn. Please "
                    "shorten it.",
                    "Your segment has {n} words; **{title}** allows {limit} a turn. Please "
                    "shorten it.",
                    words,
                    title=escape_line(record.title),
                    limit=record.word_limit,
                )
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
            event = TurnEvent([segment], advance.notices, advance.ended)
            await self._record(advance.story, event)
        await self._contributions.record(guild_id, user_id, "story_segment", clean)
        self._after_change(advance, event)
        return WriteResult(advance.story, segment, advance.writer, advance.ended)

    async def export(
        self, guild_id: int | None, story: str | None, channel_id: int | None
    ) -> list[BookFile]:
        record = await self.resolve(guild_id, story, channel_id)
        if record.status != "ended":
            raise UserInputError(
                _(
                    "**{title}** is still being written: export works once it has ended "
                    "(`/story show` reads it so far).",
                    title=escape_line(record.title),
                )
            )
        return await self._book(record, await self._repo.segments(record.id))
