"""The rotation: joining, leaving, and releasing a member whose data is about to be erased."""

from __future__ import annotations

from typing import Literal

from bot.errors import MuseError, NotAllowed, UserInputError
from bot.i18n import _, ngettext
from bot.services.actor import Actor
from bot.services.markdown import escape_line
from bot.services.text import clean_display_name

from .pipeline import StoryPipeline
from .ports import Notice, NoticeKind
from .rotation import join_position
from .turns import Advance, TurnEvent
from .types import FORMER_MEMBER, StoryRecord, StoryStatus, seat_of

__all__ = ["StoryMembers"]


class StoryMembers(StoryPipeline):
    """Who writes a story: seats taken, given up and taken away."""

    async def join(self, actor: Actor, story: str | None) -> StoryStatus:
        """The actor takes a seat in the story's rotation (again, unless a moderator removed
        them)."""
        user_id = actor.user_id
        display_name = clean_display_name(actor.display_name)
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        now = self._clock.now()
        notices = [Notice(NoticeKind.JOINED, display_name)]
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            seats = await self._repo.participants(fresh.id)
            mine = seat_of(seats, user_id)
            if mine is not None and mine.active:
                raise UserInputError(
                    _("You're already writing **{title}**.", title=escape_line(fresh.title))
                )
            if mine is not None and mine.left_reason == "kicked":
                raise NotAllowed(
                    _("A moderator removed you from **{title}**.", title=escape_line(fresh.title))
                )
            members = [s for s in seats if s.active and not s.is_ai]
            if fresh.max_participants is not None and len(members) >= fresh.max_participants:
                raise UserInputError(
                    ngettext(
                        "**{title}** is full ({n} writer).",
                        "**{title}** is full ({n} writers).",
                        fresh.max_participants,
                        title=escape_line(fresh.title),
                    )
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
            advance: Advance | None = None
            if fresh.status == "open" and fresh.current_user_id is None:
                advance = await self._advance(fresh, now)  # the story was waiting for writers
                event = TurnEvent([], notices + advance.notices, advance.ended)
                await self._record(advance.story, event)
            else:
                await self._record(fresh, TurnEvent([], notices), ping=False)
        if advance is not None:
            self._after_change(advance, event)
            return await self._status_of(advance.story)
        self._outbox.wake()
        return await self._status_of(record)

    async def leave(self, actor: Actor, story: str | None) -> StoryStatus:
        """The actor gives up their seat (their segments stay in the story)."""
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        return await self._remove(record, actor.user_id, reason="left")

    async def release_member(self, guild_id: int, user_id: int) -> int:
        """Before a member's data is erased: take them out of every running story's rotation,
        through the same path as leaving, so a turn they held moves on and each thread is told
        (naming a former member, not them). Returns how many rotations they left."""
        released = 0
        for record in await self._repo.running():
            if record.guild_id != guild_id:
                continue
            seat = seat_of(await self._repo.participants(record.id), user_id)
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
            mine = seat_of(seats, user_id)
            if mine is None or not mine.active:
                title = escape_line(fresh.title)
                if reason == "left":
                    raise UserInputError(
                        _("You're not in the rotation of **{title}**.", title=title)
                    )
                raise UserInputError(
                    _("That member is not in the rotation of **{title}**.", title=title)
                )
            # The row goes with the erasure that follows; until then it reads as leaving.
            stored_reason = "left" if reason == "erased" else reason
            await self._repo.deactivate(fresh.id, user_id, stored_reason, now)
            kind = NoticeKind.KICKED if reason == "kicked" else NoticeKind.LEFT
            shown = FORMER_MEMBER if reason == "erased" else mine.display_name
            notices = [Notice(kind, shown)]
            advance: Advance | None = None
            if fresh.current_user_id == user_id and fresh.status == "open":
                advance = await self._advance(fresh, now)
            elif fresh.current_user_id == user_id:  # paused: the turn moves on at resume
                advance = await self._advance(fresh, now, keep_paused=True)
            if advance is not None:
                event = TurnEvent([], notices + advance.notices, advance.ended)
                await self._record(advance.story, event)
            else:
                await self._record(fresh, TurnEvent([], notices), ping=False)
        if advance is not None:
            self._after_change(advance, event)
            return await self._status_of(advance.story)
        self._outbox.wake()
        return await self._status_of(record)
