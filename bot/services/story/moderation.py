"""Moderation: what a story's starter, or a member with Manage Messages in its channel, may do
(skip a turn, remove a writer, pause, resume, end), and pausing a story whose place is gone."""

from __future__ import annotations

from bot.errors import NotAllowed, UserInputError
from bot.i18n import _
from bot.services.actor import Actor
from bot.services.markdown import escape_line

from .lookup import shown_name
from .members import StoryMembers
from .ports import Notice, NoticeKind
from .turns import Advance, TurnEvent
from .types import StoryRecord, StoryStatus, seat_of

__all__ = ["StoryModeration"]


class StoryModeration(StoryMembers):
    """Changes only the starter or a moderator may make, and suspending a story."""

    def _require_moderator(self, story: StoryRecord, actor: Actor) -> None:
        """The starter, or a member with Manage Messages in the story's own channel (the
        thread's parent), wherever the command or button was used."""
        if story.starter_id != actor.user_id and not actor.can_moderate(story.channel_id):
            raise NotAllowed(
                _(
                    "Only the story's starter or a member with Manage Messages can do that to "
                    "**{title}**.",
                    title=escape_line(story.title),
                )
            )

    async def skip(self, actor: Actor, story: str | None) -> StoryStatus:
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "open")
        self._require_moderator(record, actor)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "open")
            if fresh.current_user_id is None:
                raise UserInputError(
                    _("Nobody has the turn in **{title}** to skip.", title=escape_line(fresh.title))
                )
            seats = await self._repo.participants(fresh.id)
            skipped = shown_name(seat_of(seats, fresh.current_user_id))
            advance = await self._advance(fresh, now)
            notices = [Notice(NoticeKind.SKIPPED_BY_MODERATOR, skipped), *advance.notices]
            event = TurnEvent([], notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return await self._status_of(advance.story)

    async def kick(self, actor: Actor, story: str | None, member_id: int) -> StoryStatus:
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        self._require_moderator(record, actor)
        return await self._remove(record, member_id, reason="kicked")

    async def pause(self, actor: Actor, story: str | None) -> StoryStatus:
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        self._require_moderator(record, actor)
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            if fresh.status == "paused":
                raise UserInputError(
                    _("**{title}** is already paused.", title=escape_line(fresh.title))
                )
            await self._repo.pause(fresh.id, self._clock.now())
            paused = await self._fresh(fresh.id, "any")
            await self._record(paused, TurnEvent([], [Notice(NoticeKind.PAUSED)]))
        self._disarm(fresh.id)
        self._outbox.wake()
        return await self._status_of(paused)

    async def resume(self, actor: Actor, story: str | None) -> StoryStatus:
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        self._require_moderator(record, actor)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            if fresh.status != "paused":
                raise UserInputError(_("**{title}** isn't paused.", title=escape_line(fresh.title)))
            pause = now - (fresh.paused_at or now)
            started = fresh.turn_started_at + pause if fresh.turn_started_at else None
            deadline = fresh.turn_deadline + pause if fresh.turn_deadline else None
            await self._repo.resume(fresh.id, started, deadline)
            resumed = await self._fresh(fresh.id, "any")
            advance = Advance(resumed, None, False, [])
            if resumed.current_user_id is None:
                advance = await self._advance(resumed, now)  # whoever left while paused
            notices = [Notice(NoticeKind.RESUMED), *advance.notices]
            event = TurnEvent([], notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)
        return await self._status_of(advance.story)

    async def end(self, actor: Actor, story: str | None) -> StoryStatus:
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        self._require_moderator(record, actor)
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            await self._repo.end(fresh.id, self._clock.now())
            ended = await self._fresh(fresh.id, "any")
            event = TurnEvent(ended=True)
            await self._record(ended, event)
        self._after_change(Advance(ended, None, True, []), event)
        return await self._status_of(ended)

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
