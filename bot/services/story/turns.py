"""Turns: giving the next one (:meth:`StoryTurns._advance`), arming its deadline jobs, and what
happens when one fires: a reminder, or the turn expires (a stand-in by the AI partner, a skip,
a writer removed after too many missed turns).

Every change of turn happens in one database transaction with the check that allows it, and
bumps the story's ``turn_seq``: a deadline job of an older turn finds a different ``turn_seq``
and does nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .core import outbox_item
from .lookup import StoryLookup
from .ports import DeadlineKind, DeadlinePlan, Notice, NoticeKind
from .rotation import next_turn
from .types import AI_PARTNER_ID, ParticipantRecord, SegmentRecord, StoryRecord, TurnState, seat_of

__all__ = [
    "DUE_TOLERANCE",
    "REMINDER_FRACTIONS",
    "REMINDER_LEVELS",
    "Advance",
    "StoryTurns",
    "TurnEvent",
]

log = logging.getLogger(__name__)

REMINDER_FRACTIONS = {DeadlineKind.HALF: 0.5, DeadlineKind.LATE: 0.9}
REMINDER_LEVELS = {DeadlineKind.HALF: 1, DeadlineKind.LATE: 2}
# A job that fires a moment before its time (clock granularity) still counts as due.
DUE_TOLERANCE = timedelta(seconds=1)


@dataclass
class TurnEvent:
    """What the pipeline must publish after a change."""

    segments: list[SegmentRecord] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    ended: bool = False


@dataclass(frozen=True, slots=True)
class Advance:
    """A change of turn as committed: the story after it, the next writer, whether it ended."""

    story: StoryRecord
    writer: ParticipantRecord | None
    ended: bool
    notices: list[Notice]


class StoryTurns(StoryLookup):
    """Turns and their deadlines. Writing a passage, recording what a change publishes and what
    follows a change come from the publishing pipeline (:class:`~.pipeline.StoryPipeline`),
    which builds on this class."""

    async def _generate(
        self, story: StoryRecord, *, for_member: ParticipantRecord | None
    ) -> str | None:
        raise NotImplementedError

    async def _record(self, story: StoryRecord, event: TurnEvent, *, ping: bool = True) -> None:
        raise NotImplementedError

    def _after_change(self, advance: Advance, event: TurnEvent) -> None:
        raise NotImplementedError

    async def _advance(
        self, story: StoryRecord, now: datetime, *, keep_paused: bool = False
    ) -> Advance:
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
            return Advance(updated, None, False, notices)
        round_ = story.round + (1 if following.wrapped else 0)
        if story.max_rounds is not None and round_ > story.max_rounds:
            await self._repo.end(story.id, now)
            return Advance(await self._fresh(story.id, "any"), None, True, notices)
        deadline = now + timedelta(seconds=story.turn_seconds)
        await self._repo.set_turn(
            story.id,
            TurnState(following.seat.user_id, following.seat.position, round_, now, deadline),
        )
        return Advance(await self._fresh(story.id, "any"), following.seat, False, notices)

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

    def _disarm(self, story_id: int) -> None:
        if self._timer is not None:
            self._timer.disarm(story_id)

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
        writer = seat_of(seats, story.current_user_id)
        if writer is None or not writer.active:
            return False
        level = REMINDER_LEVELS[kind]
        async with self._repo.transaction():
            if not await self._repo.claim_reminder(story.id, turn_seq, level):
                return False
            payload = {"turn_seq": turn_seq, "user_id": writer.user_id, "level": level}
            await self._outbox.add(
                **outbox_item(story, "reminder", payload, f"reminder:{turn_seq}:{level}")
            )
        self._outbox.wake()
        return True

    async def _expire(self, story: StoryRecord) -> bool:
        seats = await self._repo.participants(story.id)
        writer = seat_of(seats, story.current_user_id)
        stand_in: str | None = None
        if writer is not None and not writer.is_ai and story.ai_partner and not story.human_only:
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
            event = TurnEvent(segments, notices + advance.notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return True
