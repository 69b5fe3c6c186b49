"""Writing sprints ("word wars"): /sprint start, join, words, leave, status, end and stats.

The steps a sprint takes in time live in :mod:`.timeline`; the arithmetic in :mod:`.rules`.
Every command checks its input and the member's rights before it writes anything; every change
happens in one transaction with the check that allows it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import N_, _, ngettext
from bot.services.actor import Actor
from bot.services.text import clean_display_name

from .ports import SprintPrompt
from .rules import check_count, words_written
from .timeline import SprintTimeline, outbox_item
from .types import (
    DELAY_MINUTES,
    DURATION_MINUTES,
    GOAL_WORDS,
    MAX_PARTICIPANTS,
    NewSprint,
    Phase,
    SprintRecord,
    SprintStats,
    SprintStatus,
    WordsMode,
)

__all__ = ["SprintService", "WordsReport"]

log = logging.getLogger(__name__)

NO_SPRINT = N_("No sprint is on in this channel: start one with `/sprint start`.")


@dataclass(frozen=True, slots=True)
class WordsReport:
    sprint: SprintRecord
    phase: Phase
    words: int
    reached_goal: bool


def _minutes(delta: timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    return ngettext("{n} minute", "{n} minutes", minutes)


class SprintService(SprintTimeline):
    """Construct it with the repository, the clock and the outbox; the cog attaches the
    timer (:meth:`attach`)."""

    async def _live(self, actor: Actor) -> SprintRecord:
        if actor.guild_id is None or actor.channel_id is None:
            raise UserInputError(_("Sprints happen in server channels: use this in a server."))
        sprint = await self._repo.live_in_channel(actor.channel_id)
        if sprint is None:
            raise NotFound(str(NO_SPRINT))
        return sprint

    async def _status(self, sprint: SprintRecord) -> SprintStatus:
        now = self._clock.now()
        participants = await self._repo.participants(sprint.id)
        return SprintStatus(sprint, sprint.phase(now), now, participants)

    async def start(
        self,
        actor: Actor,
        *,
        duration: int,
        delay: int = 0,
        goal: int | None = None,
        prompt: bool = False,
    ) -> SprintStatus:
        """Start a sprint in the actor's channel (after ``delay`` minutes); they join it."""
        if actor.guild_id is None or actor.channel_id is None:
            raise UserInputError(_("Sprints happen in server channels: use this in a server."))
        low, high = DURATION_MINUTES
        if not low <= duration <= high:
            raise UserInputError(
                _("A sprint lasts from {low} to {high} minutes.", low=low, high=high)
            )
        if not DELAY_MINUTES[0] <= delay <= DELAY_MINUTES[1]:
            raise UserInputError(
                ngettext(
                    "A sprint can start at most {n} minute from now.",
                    "A sprint can start at most {n} minutes from now.",
                    DELAY_MINUTES[1],
                )
            )
        if goal is not None and not GOAL_WORDS[0] <= goal <= GOAL_WORDS[1]:
            raise UserInputError(
                _(
                    "A sprint's goal is from {low} to {high} words.",
                    low=format(GOAL_WORDS[0], ","),
                    high=format(GOAL_WORDS[1], ","),
                )
            )
        existing = await self._repo.live_in_channel(actor.channel_id)
        if existing is not None:
            raise UserInputError(self._busy(existing))
        found: SprintPrompt | None = None
        if prompt and self._prompts is not None:
            found = await self._prompts.sprint_prompt(actor.guild_id)
        now = self._clock.now()
        starts = now + timedelta(minutes=delay)
        ends = starts + timedelta(minutes=duration)
        new = NewSprint(
            guild_id=actor.guild_id,
            channel_id=actor.channel_id,
            starter_id=actor.user_id,
            duration_minutes=duration,
            goal_words=goal,
            prompt_title=found.title if found else None,
            prompt_text=found.text if found else None,
            created_at=now,
            starts_at=starts,
            ends_at=ends,
            closes_at=ends + self.grace,
        )
        name = clean_display_name(actor.display_name)[:100]
        async with self._repo.transaction():
            sprint = await self._repo.create(new)
            await self._repo.add_participant(sprint.id, actor.user_id, name, 0, now)
            _taken, sprint = await self._take_due_steps(sprint)
        self._arm(sprint)
        self._outbox.wake()
        return await self._status(sprint)

    def _busy(self, sprint: SprintRecord) -> str:
        now = self._clock.now()
        phase = sprint.phase(now)
        if phase is Phase.WAITING:
            return _(
                "A sprint starts in this channel in {minutes}: join it with `/sprint join`.",
                minutes=_minutes(sprint.starts_at - now),
            )
        if phase is Phase.RUNNING:
            return _(
                "A sprint is running in this channel ({minutes} left): join it with "
                "`/sprint join`.",
                minutes=_minutes(sprint.ends_at - now),
            )
        return _("This channel's sprint is taking its final word counts: start one once it closes.")

    async def join(self, actor: Actor, *, start_words: int = 0) -> SprintStatus:
        sprint = await self._live(actor)
        check_count(start_words, starting=True)
        phase = sprint.phase(self._clock.now())
        if phase not in (Phase.WAITING, Phase.RUNNING):
            raise UserInputError(_("This sprint's time is up: join the next one."))
        name = clean_display_name(actor.display_name)[:100]
        async with self._repo.transaction():
            fresh = await self._repo.get(sprint.id)
            if fresh is None or fresh.stage not in ("scheduled", "running"):
                raise UserInputError(_("This sprint's time is up: join the next one."))
            participants = await self._repo.participants(sprint.id)
            if any(p.user_id == actor.user_id for p in participants):
                raise UserInputError(_("You're already in this sprint."))
            if len(participants) >= MAX_PARTICIPANTS:
                raise UserInputError(
                    ngettext(
                        "This sprint is full ({n} writer).",
                        "This sprint is full ({n} writers).",
                        MAX_PARTICIPANTS,
                    )
                )
            await self._repo.add_participant(
                sprint.id, actor.user_id, name, start_words, self._clock.now()
            )
        return await self._status(sprint)

    async def words(self, actor: Actor, *, count: int, mode: WordsMode) -> WordsReport:
        """Report a count: the member's whole count now, or the words added since joining.
        The latest report counts."""
        check_count(count)
        sprint = await self._live(actor)
        phase = sprint.phase(self._clock.now())
        if phase is Phase.WAITING:
            raise UserInputError(_("The sprint hasn't started yet: report your words once it has."))
        if phase is Phase.ENDED:
            raise UserInputError(_("This sprint is over: its word counts are closed."))
        participant = await self._repo.participant(sprint.id, actor.user_id)
        if participant is None:
            raise NotAllowed(
                _(
                    "You haven't joined this sprint, so there's nothing to count your words "
                    "toward. Join it with `/sprint join`."
                )
            )
        words = words_written(mode, count, participant.start_words)
        async with self._repo.transaction():
            fresh = await self._repo.get(sprint.id)
            if fresh is None or fresh.stage not in ("running", "grace"):
                raise UserInputError(_("This sprint is over: its word counts are closed."))
            if not await self._repo.report_words(
                sprint.id, actor.user_id, words, self._clock.now()
            ):
                raise NotAllowed(_("You're no longer in this sprint."))
        reached = sprint.goal_words is not None and words >= sprint.goal_words
        return WordsReport(sprint, phase, words, reached)

    async def leave(self, actor: Actor) -> SprintRecord:
        sprint = await self._live(actor)
        if sprint.phase(self._clock.now()) not in (Phase.WAITING, Phase.RUNNING):
            raise UserInputError(_("Time is up: your place on the leaderboard stays."))
        async with self._repo.transaction():
            if not await self._repo.remove_participant(sprint.id, actor.user_id):
                raise NotFound(_("You're not in this sprint."))
        return sprint

    async def status(self, actor: Actor) -> SprintStatus:
        return await self._status(await self._live(actor))

    async def end(self, actor: Actor) -> SprintStatus:
        """End the channel's sprint now (the starter or a moderator): one that hasn't begun is
        called off; one that is running has its time up, and the grace period for final counts
        begins; during the grace period the leaderboard is posted at once."""
        sprint = await self._live(actor)
        if sprint.starter_id != actor.user_id and not actor.can_moderate(sprint.channel_id):
            raise NotAllowed(
                _("Only the member who started this sprint or a moderator can end it.")
            )
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._repo.get(sprint.id)
            if fresh is None or fresh.stage not in ("scheduled", "running", "grace"):
                raise NotFound(str(NO_SPRINT))
            if fresh.stage == "scheduled" and fresh.phase(now) is Phase.WAITING:
                await self._repo.set_stage(fresh.id, "scheduled", "cancelled", now)
                await self._outbox.add(**outbox_item(fresh, "cancelled"))
            else:
                _taken, fresh = await self._take_due_steps(fresh)
                if fresh.stage == "running":
                    await self._repo.cut_short(fresh.id, now, now + self.grace)
                elif fresh.stage == "grace":
                    await self._repo.close_now(fresh.id, now)
                again = await self._repo.get(fresh.id)
                assert again is not None
                _taken, fresh = await self._take_due_steps(again)
        final = await self._repo.get(sprint.id)
        assert final is not None
        self._arm(final)
        self._outbox.wake()
        return await self._status(final)

    async def stats(self, actor: Actor, user_id: int | None = None) -> SprintStats:
        """A member's sprint totals in this server, beside their prompt-of-the-day streak."""
        if actor.guild_id is None:
            raise UserInputError(_("Sprint stats are kept per server: use this in a server."))
        who = actor.user_id if user_id is None else user_id
        found = await self._repo.stats(actor.guild_id, who)
        if self._streaks is None:
            return found
        try:
            streak = await self._streaks.streak(actor.guild_id, who)
        except Exception:  # the streaks are a courtesy: the sprint stats stand alone
            log.exception("sprint stats: the daily streak could not be read")
            return found
        return SprintStats(
            found.user_id,
            found.sprints,
            found.words,
            found.best_wpm,
            streak_current=streak.current,
            streak_best=streak.best,
        )
