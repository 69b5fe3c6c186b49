"""The prompt of the day: configuration, curation, the daily post, submissions and streaks.

Never twice for one server and local date
-----------------------------------------
Posting goes through the row ``potd_posts(guild_id, local_date)`` (a unique key) and the
outbox (``bot/services/outbox``):

1. **claim**: the row is inserted as ``pending`` (``INSERT OR IGNORE``; a second claim for the
   same day finds the row and stops);
2. the content is chosen (queue, then the model, then the curated list) and stored in the row;
3. ``send_started_at`` is written **in the same transaction** as the outbox item
   (``potd.post``) that publishes the row: from then on the day's post is the outbox's to
   deliver, with its retries, nonces and look-up after a crash (by the embed's title and its
   footer, which carries the date);
4. once Discord confirmed it, the item's "delivered" hook marks the row ``posted`` with the
   message id and opens the submissions thread (retried by the worker like a send); a
   permanent refusal closes the row as ``failed`` (``unknown`` when an earlier attempt may have
   gone through).

The daily job waits briefly (``PotdOptions.post_wait_seconds``) for the delivery, so the
normal case is still reported as ``posted``; otherwise the outcome is ``queued``.

A crash can leave a ``pending`` row. The next due-check (start-up catch-up, cron job or the
periodic sweep) reconciles it: without ``send_started_at`` nothing was handed to the outbox
yet, so the post continues (within the grace window; after it the day is marked ``missed``);
with it, the outbox owns the post and the due-check only waits for it (``adopted`` once
delivered). An item first rendered after the grace window is dropped and the day ``missed``.

Late posts
----------
A day's post is due from its local time until the grace window (``MUSE_POTD_GRACE_HOURS``,
default 6) has passed, so a bot that was down at 09:00 and is back by 15:00 posts once, marked
"posted late"; back later, it skips the day. Days before the server set the feature up or
resumed it (``active_since``) never get a late post.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services.bounds import check_length
from bot.services.hooks import Contributions, NoContributions, NoWorksIndex, WorksIndex
from bot.services.locks import KeyedLocks
from bot.services.outbox import Outbox
from bot.services.text import clean_text
from bot.settings import Settings
from models import LLMEngine

from .generation import PromptGenerator, RepeatFilter
from .scheduling import JobRegistry
from .streaks import leaderboard, streak_for
from .timing import (
    LATE_AFTER,
    due_date,
    format_post_time,
    next_post_at,
    parse_post_time,
    resolve_timezone,
    scheduled_at,
)
from .types import (
    MEDIA,
    Actor,
    CalendarView,
    HistoryEntry,
    HistoryPage,
    PostOutcome,
    PotdConfigRecord,
    PotdOptions,
    PotdOverview,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSubmissionRecord,
    PotdSuggestionRecord,
    Preview,
    PromptContent,
    ServerMedium,
    StreakInfo,
    SubmissionResult,
)

if TYPE_CHECKING:
    from bot.db.repositories.potd import PotdRepository

__all__ = [
    "CALENDAR_TEXT_LIMIT",
    "POST_KIND",
    "POST_TIME_LIMIT",
    "PROMPT_LIMIT",
    "SUBMISSION_KIND",
    "SUBMISSION_TEXT_LIMIT",
    "TAGS_TEXT_LIMIT",
    "THEMES_LIMIT",
    "TIMEZONE_LIMIT",
    "TITLE_LIMIT",
    "TWISTS_TEXT_LIMIT",
    "AttachmentInfo",
    "PotdService",
    "SubmissionPost",
    "build_potd_service",
]

log = logging.getLogger(__name__)

THEMES_LIMIT = 200
TITLE_LIMIT = 60
PROMPT_LIMIT = 320
TWIST_LIMIT = 100
SUBMISSION_TEXT_LIMIT = 1500
# The outbox kind of a submission's post in the day's thread.
SUBMISSION_KIND = "potd.submission"
# The outbox kind of the day's post (its thread is opened once it is delivered).
POST_KIND = "potd.post"
CALENDAR_WORD_LIMIT = 32
# Whole-option lengths (the command schema declares these same constants).
POST_TIME_LIMIT = 20
TIMEZONE_LIMIT = 64
TWISTS_TEXT_LIMIT = 3 * TWIST_LIMIT + 10
TAGS_TEXT_LIMIT = 100
CALENDAR_TEXT_LIMIT = 31 * (CALENDAR_WORD_LIMIT + 2)
MAX_PENDING_SUGGESTIONS_PER_MEMBER = 3
HISTORY_PAGE_SIZE = 10
KEEP_DRAFTS = 20
ATTACHMENT_SIZE_LIMIT = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    filename: str
    url: str
    size: int
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class SubmissionPost:
    """A submission as its post in the day's thread shows it."""

    record: PotdSubmissionRecord
    title: str


# -- the service -------------------------------------------------------------------------------


class PotdService:
    def __init__(
        self,
        repo: PotdRepository,
        generator: PromptGenerator,
        clock: Clock,
        *,
        options: PotdOptions | None = None,
        contributions: Contributions | None = None,
        works: WorksIndex | None = None,
        outbox: Outbox | None = None,
        server_medium: ServerMedium | None = None,
    ) -> None:
        self._repo = repo
        self._server_medium = server_medium
        self._outbox = outbox
        self._generator = generator
        self._clock = clock
        self.options = options or PotdOptions()
        self._contributions = contributions or NoContributions()
        self._works = works or NoWorksIndex()
        self._jobs: JobRegistry | None = None
        self._locks = KeyedLocks()

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.options.grace_hours)

    # -- wiring (the cog binds the Discord side at load) ----------------------------------------

    def bind(self, jobs: JobRegistry | None) -> None:
        self._jobs = jobs

    def unbind(self) -> None:
        if self._jobs is not None:
            self._jobs.clear()
        self._jobs = None

    async def rebuild_jobs(self) -> int:
        """One cron job per configured, active server, from the database. Returns how many."""
        if self._jobs is None:
            return 0
        self._jobs.clear()
        count = 0
        for config in await self._repo.list_configs():
            if self._sync_job(config):
                count += 1
        return count

    def _sync_job(self, config: PotdConfigRecord) -> bool:
        if self._jobs is None:
            return False
        if config.paused:
            self._jobs.unschedule(config.guild_id)
            return False
        try:
            tz = ZoneInfo(config.timezone)
            post_time = parse_post_time(config.post_time)
        except Exception:
            log.error("prompt of the day for %s has a bad time or zone", config.guild_id)
            return False
        self._jobs.schedule(config.guild_id, post_time, tz)
        return True

    # -- configuration -----------------------------------------------------------------------

    @staticmethod
    def require_manager(actor: Actor) -> None:
        if not actor.can_manage:
            raise NotAllowed(
                "Only members with the **Manage Server** permission can change the prompt of "
                "the day."
            )

    async def _config(self, guild_id: int) -> PotdConfigRecord:
        config = await self._repo.get_config(guild_id)
        if config is None:
            raise UserInputError(
                "The prompt of the day isn't set up here yet. An admin can start it with "
                "`/potd setup`."
            )
        return config

    async def configure(
        self,
        guild_id: int,
        actor: Actor,
        *,
        channel_id: int,
        post_time: str,
        timezone: str,
        medium: str,
        themes: str | None = None,
    ) -> PotdOverview:
        self.require_manager(actor)
        check_length(post_time, field="time", max_length=POST_TIME_LIMIT)
        check_length(timezone, field="timezone", max_length=TIMEZONE_LIMIT)
        parsed_time = parse_post_time(post_time)
        tz = resolve_timezone(timezone)
        if medium not in MEDIA:
            raise UserInputError(f"Pick a medium: {', '.join(MEDIA)}.")
        clean_themes = (
            clean_text(themes, field="themes", max_length=THEMES_LIMIT, required=False) or None
        )
        config = await self._repo.save_config(
            guild_id=guild_id,
            channel_id=channel_id,
            post_time=format_post_time(parsed_time),
            timezone=tz.key,
            medium=medium,
            themes=clean_themes,
            updated_by=actor.user_id,
            now=self._stamp(),
        )
        if self._server_medium is not None:
            # The prompt of the day's medium is the server's medium (/inspire uses it too).
            await self._server_medium.set_medium(guild_id, MEDIA[MEDIA.index(medium)])
        self._sync_job(config)
        return await self._overview(config)

    async def set_paused(self, guild_id: int, actor: Actor, paused: bool) -> PotdOverview:
        self.require_manager(actor)
        config = await self._config(guild_id)
        if config.paused == paused:
            state = "already paused" if paused else "already running"
            raise UserInputError(f"The prompt of the day is {state}.")
        await self._repo.set_paused(guild_id, paused, actor.user_id, self._stamp())
        config = await self._config(guild_id)
        self._sync_job(config)
        return await self._overview(config)

    async def suspend(self, guild_id: int, *, channel_id: int | None = None) -> bool:
        """Pause the daily post because its place is gone (the prompt channel was deleted, or
        Muse left the server); an admin resumes it with /potd setup or /potd resume. With
        ``channel_id``, only when that is the prompt channel. True when it was running."""
        config = await self._repo.get_config(guild_id)
        if config is None or config.paused:
            return False
        if channel_id is not None and config.channel_id != channel_id:
            return False
        # 0: Muse itself paused it (no member did).
        await self._repo.set_paused(guild_id, True, 0, self._stamp())
        self._sync_job(await self._config(guild_id))
        return True

    async def overview(self, guild_id: int, actor: Actor) -> PotdOverview:
        self.require_manager(actor)
        config = await self._repo.get_config(guild_id)
        if config is None:
            return PotdOverview(guild_id=guild_id, configured=False)
        return await self._overview(config)

    async def _overview(self, config: PotdConfigRecord) -> PotdOverview:
        tz = ZoneInfo(config.timezone)
        post_time = parse_post_time(config.post_time)
        last = await self._repo.latest_post(config.guild_id)
        return PotdOverview(
            guild_id=config.guild_id,
            configured=True,
            channel_id=config.channel_id,
            post_time=post_time,
            timezone=config.timezone,
            medium=config.medium,
            themes=config.themes,
            paused=config.paused,
            next_post_at=None if config.paused else next_post_at(self._now(), post_time, tz),
            grace_hours=self.options.grace_hours,
            queued=await self._repo.count_queued(config.guild_id),
            pending_suggestions=await self._repo.count_pending_suggestions(config.guild_id),
            calendar=await self._calendar(config.guild_id),
            last_post_date=last.local_date if last else None,
            last_post_status=last.status if last else None,
            last_post_note=last.note if last else None,
        )

    # -- calendar ----------------------------------------------------------------------------

    async def _calendar(self, guild_id: int) -> CalendarView:
        stored = await self._repo.get_calendar(guild_id)
        return CalendarView(
            default=stored.get(0, ()), months={m: w for m, w in stored.items() if m}
        )

    @staticmethod
    def parse_calendar_words(text: str) -> list[str]:
        cleaned = clean_text(text, field="word list", max_length=CALENDAR_TEXT_LIMIT)
        parts = cleaned.split(",") if "," in cleaned else cleaned.split()
        words = [" ".join(p.split()) for p in parts if p.strip()]
        if not words:
            raise UserInputError("Give at least one word.")
        if len(words) > 31:
            raise UserInputError(f"That's {len(words)} words; a month has at most 31 days.")
        too_long = [w for w in words if len(w) > CALENDAR_WORD_LIMIT]
        if too_long:
            raise UserInputError(
                f"Each word can be at most {CALENDAR_WORD_LIMIT} characters "
                f"({too_long[0][:40]!r} is longer)."
            )
        return words

    async def set_calendar(
        self, guild_id: int, actor: Actor, words_text: str, month: int | None
    ) -> CalendarView:
        self.require_manager(actor)
        if month is not None and not 1 <= month <= 12:
            raise UserInputError("The month must be between 1 and 12 (or left out for all).")
        words = self.parse_calendar_words(words_text)
        await self._config(guild_id)
        await self._repo.set_calendar(guild_id, month or 0, words)
        return await self._calendar(guild_id)

    async def clear_calendar(self, guild_id: int, actor: Actor, month: int | None) -> int:
        self.require_manager(actor)
        if month is not None and not 1 <= month <= 12:
            raise UserInputError("The month must be between 1 and 12 (or left out for all).")
        removed = await self._repo.clear_calendar(guild_id, month)
        if not removed:
            raise NotFound("There was no calendar to clear.")
        return removed

    # -- curation ----------------------------------------------------------------------------

    @staticmethod
    def _clean_prompt_fields(
        title: str, prompt: str, twists: str | None = None, tags: str | None = None
    ) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        clean_title = clean_text(title, field="title", max_length=TITLE_LIMIT)
        clean_prompt = clean_text(prompt, field="prompt", max_length=PROMPT_LIMIT)
        twist_list: list[str] = []
        if twists:
            raw = clean_text(twists, field="twists", max_length=TWISTS_TEXT_LIMIT)
            twist_list = [t.strip() for t in raw.split(";") if t.strip()]
            if len(twist_list) > 3:
                raise UserInputError("Up to three twists, separated by semicolons (;).")
            if any(len(t) > TWIST_LIMIT for t in twist_list):
                raise UserInputError(f"Each twist can be at most {TWIST_LIMIT} characters.")
        tag_list: list[str] = []
        if tags:
            raw = clean_text(tags, field="tags", max_length=TAGS_TEXT_LIMIT)
            tag_list = [t.strip().lower() for t in raw.replace(";", ",").split(",") if t.strip()]
            if len(tag_list) > 4 or any(len(t) > 20 for t in tag_list):
                raise UserInputError("Up to four tags, separated by commas, 20 characters each.")
        return clean_title, clean_prompt, tuple(twist_list), tuple(tag_list)

    async def queue_add(
        self,
        guild_id: int,
        actor: Actor,
        *,
        title: str,
        prompt: str,
        twists: str | None = None,
        tags: str | None = None,
    ) -> tuple[PotdQueueRecord, str | None]:
        """Queue an admin's prompt. Also returns the past title it resembles, if any (a hint,
        not a refusal: admins may repeat on purpose)."""
        self.require_manager(actor)
        fields = self._clean_prompt_fields(title, prompt, twists, tags)
        await self._config(guild_id)
        item = await self._repo.add_queue_item(
            guild_id,
            origin="admin",
            title=fields[0],
            prompt=fields[1],
            twists=fields[2],
            tags=fields[3],
            author_id=actor.user_id,
            added_by=actor.user_id,
        )
        history = await self._history_filter(guild_id)
        return item, history.repeats(fields[0], fields[1])

    async def queue_list(self, guild_id: int, actor: Actor) -> list[PotdQueueRecord]:
        self.require_manager(actor)
        return await self._repo.queued(guild_id)

    async def queue_remove(self, guild_id: int, actor: Actor, item_id: int) -> PotdQueueRecord:
        self.require_manager(actor)
        item = await self._repo.get_queue_item(item_id)
        if item is None or item.guild_id != guild_id or item.status != "queued":
            raise NotFound(f"There's no queued prompt #{item_id} here.")
        await self._repo.remove_queue_item(guild_id, item_id)
        return item

    async def queue_choices(self, guild_id: int, actor: Actor) -> list[PotdQueueRecord]:
        """For autocomplete: nothing for members who may not manage the queue."""
        if not actor.can_manage:
            return []
        return await self._repo.queued(guild_id, limit=25)

    async def suggest(
        self, guild_id: int, user_id: int, *, title: str, prompt: str
    ) -> PotdSuggestionRecord:
        clean_title, clean_prompt, _, _ = self._clean_prompt_fields(title, prompt)
        await self._config(guild_id)
        waiting = await self._repo.count_pending_suggestions(guild_id, user_id)
        if waiting >= MAX_PENDING_SUGGESTIONS_PER_MEMBER:
            raise UserInputError(
                f"You already have {waiting} suggestions waiting for review. Please wait until "
                "the admins have looked at them."
            )
        return await self._repo.add_suggestion(guild_id, user_id, clean_title, clean_prompt)

    async def next_suggestion(self, guild_id: int, actor: Actor) -> PotdSuggestionRecord | None:
        self.require_manager(actor)
        return await self._repo.next_pending_suggestion(guild_id)

    async def pending_suggestion_count(self, guild_id: int) -> int:
        return await self._repo.count_pending_suggestions(guild_id)

    async def review(
        self, guild_id: int, actor: Actor, suggestion_id: int, *, approve: bool
    ) -> PotdSuggestionRecord:
        self.require_manager(actor)
        found = await self._repo.get_suggestion(suggestion_id)
        if found is None or found.guild_id != guild_id:
            raise NotFound("That suggestion no longer exists.")
        decided = await self._repo.decide_suggestion(
            suggestion_id, approve=approve, reviewer_id=actor.user_id, at=self._stamp()
        )
        if decided is None:
            raise UserInputError(f"That suggestion was already {found.status}.")
        return decided

    async def preview(self, guild_id: int, actor: Actor, *, fresh: bool = False) -> Preview:
        """The next prompt: the head of the queue, or (``fresh``, or an empty queue) a newly
        generated one stored as a draft that can be kept in the queue."""
        self.require_manager(actor)
        config = await self._config(guild_id)
        tz = ZoneInfo(config.timezone)
        upcoming = next_post_at(self._now(), parse_post_time(config.post_time), tz)
        local_day = upcoming.astimezone(tz).date()
        word = (await self._calendar(guild_id)).word_for(local_day.month, local_day.day)
        if not fresh:
            queued = await self._repo.queued(guild_id, limit=1)
            if queued:
                return Preview(_content_of(queued[0]), None, word, local_day.isoformat())
        content = await self._generate(config, local_day, word, interactive=True)
        await self._repo.delete_drafts(guild_id, KEEP_DRAFTS - 1)
        draft = await self._repo.add_queue_item(
            guild_id,
            origin="preview",
            status="draft",
            title=content.title,
            prompt=content.prompt,
            twists=content.twists,
            tags=content.tags,
            added_by=actor.user_id,
        )
        return Preview(content, draft.id, word, local_day.isoformat())

    async def keep_preview(self, guild_id: int, actor: Actor, draft_id: int) -> PotdQueueRecord:
        self.require_manager(actor)
        if not await self._repo.promote_draft(guild_id, draft_id, actor.user_id):
            raise NotFound("That preview is gone or was already queued.")
        item = await self._repo.get_queue_item(draft_id)
        assert item is not None
        return item

    # -- the daily post ------------------------------------------------------------------------

    async def sweep(self, owns: Callable[[int], bool] = lambda _guild: True) -> list[PostOutcome]:
        """Run the due-check for every configured server this process owns."""
        configs = [c for c in await self._repo.list_configs() if owns(c.guild_id)]
        results = await asyncio.gather(
            *(self.post_if_due(c.guild_id) for c in configs), return_exceptions=True
        )
        outcomes = []
        for config, result in zip(configs, results, strict=True):
            if isinstance(result, BaseException):
                log.error("prompt of the day for %s failed", config.guild_id, exc_info=result)
                outcomes.append(PostOutcome(config.guild_id, "error", detail=repr(result)))
            else:
                outcomes.append(result)
        return outcomes

    async def post_if_due(self, guild_id: int) -> PostOutcome:
        """Post the day's prompt if it is due and not posted yet; safe to call any time, any
        number of times (the cron job, the start-up catch-up and the sweep all call it)."""
        async with self._locks[guild_id]:
            config = await self._repo.get_config(guild_id)
            if config is None:
                return PostOutcome(guild_id, "not_configured")
            if config.paused:
                return PostOutcome(guild_id, "paused")
            tz = ZoneInfo(config.timezone)
            post_time = parse_post_time(config.post_time)
            outcome: PostOutcome | None = None
            for pending in await self._repo.pending_posts(guild_id):
                outcome = await self._resume(pending, config, tz)
            due = due_date(self._now(), post_time, tz, self.grace)
            if due is None:
                return outcome or PostOutcome(guild_id, "not_due")
            day, at = due
            if at < datetime.fromisoformat(config.active_since):
                return outcome or PostOutcome(guild_id, "not_due", day.isoformat())
            existing = await self._repo.get_post(guild_id, day.isoformat())
            if existing is not None:
                return outcome or PostOutcome(
                    guild_id, "exists", day.isoformat(), existing.message_id, existing.status
                )
            late = self._now() - at > LATE_AFTER
            claimed = await self._repo.claim_post(
                guild_id, day.isoformat(), config.channel_id, late=late, claimed_at=self._stamp()
            )
            if claimed is None:
                return PostOutcome(guild_id, "exists", day.isoformat())
            return await self._fill_and_send(claimed, config, day)

    async def _fill_and_send(
        self, post: PotdPostRecord, config: PotdConfigRecord, day: date
    ) -> PostOutcome:
        word = (await self._calendar(config.guild_id)).word_for(day.month, day.day)
        for _ in range(5):  # a queue item taken meanwhile: choose again
            content = await self._next_content(config, day, word)
            stored = await self._repo.set_post_content(
                post.id,
                source=content.source,
                title=content.title,
                prompt=content.prompt,
                twists=content.twists,
                tags=content.tags,
                medium=config.medium,
                calendar_word=word,
                queue_id=content.queue_id,
            )
            if stored:
                break
        refreshed = await self._repo.get_post_by_id(post.id)
        assert refreshed is not None
        if not refreshed.has_content:
            await self._repo.close_post(post.id, "failed", "no prompt could be chosen")
            return PostOutcome(post.guild_id, "failed", post.local_date)
        return await self._send(refreshed)

    def _post_key(self, post_id: int) -> str:
        return f"{POST_KIND}:{post_id}"

    async def _send(self, post: PotdPostRecord) -> PostOutcome:
        """Hand the post to the outbox (with ``send_started_at``, in one transaction), then
        wait briefly for its delivery."""
        outbox = self._require_outbox()
        async with self._repo.transaction():
            await self._repo.mark_sending(post.id, self._stamp())
            await self._enqueue(post)
        outbox.wake()
        return await self._settled(post, adopted=False)

    async def _enqueue(self, post: PotdPostRecord) -> None:
        await self._require_outbox().add(
            guild_id=post.guild_id,
            channel_id=post.channel_id,
            kind=POST_KIND,
            payload={"post_id": post.id},
            dedupe_key=self._post_key(post.id),
        )

    async def _settled(self, post: PotdPostRecord, *, adopted: bool) -> PostOutcome:
        """The outcome once the outbox delivered the post, gave up on it, or the wait ran out
        (``queued``: the worker goes on retrying)."""
        await self._require_outbox().wait_settled(
            self._post_key(post.id), self.options.post_wait_seconds
        )
        row = await self._repo.get_post_by_id(post.id)
        if row is not None and row.status == "posted":
            log.info("prompt of the day posted for %s (%s)", post.guild_id, post.local_date)
            if adopted:
                return PostOutcome(post.guild_id, "adopted", post.local_date, row.message_id)
            return PostOutcome(post.guild_id, "posted", post.local_date, row.message_id)
        for closed in ("failed", "unknown", "missed"):
            if row is not None and row.status == closed:
                return PostOutcome(post.guild_id, closed, post.local_date, detail=row.note or "")
        return PostOutcome(post.guild_id, "queued", post.local_date)

    async def _resume(
        self, post: PotdPostRecord, config: PotdConfigRecord, tz: ZoneInfo
    ) -> PostOutcome:
        """Reconcile a pending row a previous attempt left (see the module docstring)."""
        if post.send_started_at is not None:
            # The outbox has it (the item was written with send_started_at): make sure it
            # does (a no-op when it exists), nudge the worker and wait for it.
            await self._enqueue(post)
            self._require_outbox().wake()
            return await self._settled(post, adopted=True)
        day = date.fromisoformat(post.local_date)
        if self._now() >= self._window_ends(config, day, tz):
            await self._repo.close_post(post.id, "missed", "not posted within the grace window")
            return PostOutcome(post.guild_id, "missed", post.local_date)
        if not post.has_content:
            return await self._fill_and_send(post, config, day)
        return await self._send(post)

    def _window_ends(self, config: PotdConfigRecord, day: date, tz: ZoneInfo) -> datetime:
        return scheduled_at(day, parse_post_time(config.post_time), tz) + max(
            self.grace, timedelta(minutes=15)
        )

    def _require_outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("the prompt of the day has no outbox to post with")
        return self._outbox

    # -- the outbox's side of the daily post -------------------------------------------------------

    async def post_to_publish(self, post_id: int) -> PotdPostRecord | None:
        """What the outbox renders for a ``potd.post`` item: the row while it still waits to
        be posted. None when there is nothing to post any more: the row was closed, or its
        grace window passed before the first attempt (the day is then ``missed``)."""
        post = await self._repo.get_post_by_id(post_id)
        if post is None or post.status != "pending" or not post.has_content:
            return None
        config = await self._repo.get_config(post.guild_id)
        if config is not None:
            day = date.fromisoformat(post.local_date)
            if self._now() >= self._window_ends(config, day, ZoneInfo(config.timezone)):
                await self._repo.close_post(post.id, "missed", "not posted within the grace window")
                return None
        return post

    async def post_delivered(self, post_id: int, message_id: int) -> PotdPostRecord | None:
        """Discord confirmed the day's post: record it as posted (idempotent)."""
        await self._repo.mark_posted(post_id, message_id=message_id, at=self._stamp())
        log.info("prompt of the day %s delivered as %s", post_id, message_id)
        return await self._repo.get_post_by_id(post_id)

    async def post_failed(self, post_id: int, note: str, *, uncertain: bool) -> None:
        """Discord refused the day's post for good: the day is closed without a post
        (``unknown`` when an earlier attempt may have gone through)."""
        post = await self._repo.get_post_by_id(post_id)
        status = "unknown" if uncertain else "failed"
        await self._repo.close_post(post_id, status, note)
        if post is not None:
            log.warning("prompt of the day for %s %s: %s", post.guild_id, status, note)

    async def _next_content(
        self, config: PotdConfigRecord, day: date, word: str | None
    ) -> PromptContent:
        queued = await self._repo.queued(config.guild_id, limit=1)
        if queued:
            return _content_of(queued[0])
        return await self._generate(config, day, word)

    async def _history_filter(self, guild_id: int) -> RepeatFilter:
        history = await self._repo.recent_prompts(guild_id, self.options.history_size)
        return RepeatFilter(history, self.options.similarity_threshold)

    async def _generate(
        self, config: PotdConfigRecord, day: date, word: str | None, *, interactive: bool = False
    ) -> PromptContent:
        history = await self._repo.recent_prompts(config.guild_id, self.options.history_size)
        report = await self._generator.generate(
            medium=config.medium,
            themes=config.themes,
            word=word,
            history=RepeatFilter(history, self.options.similarity_threshold),
            recent_titles=[t for t, _ in history],
            guild_id=config.guild_id,
            interactive=interactive,
        )
        if report.content.source == "fallback":
            log.info(
                "prompt of the day for %s: curated fallback after %d tries (%d repeats, %d errors)",
                config.guild_id,
                report.tries,
                len(report.rejected_repeats),
                report.errors,
            )
        return report.content

    async def set_post_thread(self, post_id: int, thread_id: int) -> None:
        await self._repo.set_thread(post_id, thread_id)

    # -- submissions and streaks ---------------------------------------------------------------

    async def submit(
        self,
        guild_id: int,
        user_id: int,
        *,
        text: str | None,
        attachment: AttachmentInfo | None,
        ensure_thread: Callable[[int, int, str], Awaitable[int | None]] | None = None,
    ) -> SubmissionResult:
        """Record a member's answer to the latest post, together with the outbox item that
        shows it in the post's thread. ``ensure_thread(channel_id, message_id, local_date)``
        opens the thread when the post has none yet."""
        clean = (
            clean_text(
                text,
                field="submission",
                max_length=SUBMISSION_TEXT_LIMIT,
                required=False,
                multiline=True,
            )
            or None
        )
        if clean is None and attachment is None:
            raise UserInputError("Add some text, a file, or both.")
        if attachment is not None and attachment.size > ATTACHMENT_SIZE_LIMIT:
            raise UserInputError(
                f"That file is {attachment.size / 1_048_576:.1f} MB; the limit is "
                f"{ATTACHMENT_SIZE_LIMIT // 1_048_576} MB."
            )
        post = await self._repo.latest_posted(guild_id)
        if post is None or post.title is None:
            raise UserInputError("There's no prompt of the day to answer yet.")
        if self._outbox is None:
            raise RuntimeError("the prompt of the day has no outbox to post submissions with")
        thread_id = post.thread_id
        if thread_id is None and post.message_id is not None and ensure_thread is not None:
            thread_id = await ensure_thread(post.channel_id, post.message_id, post.local_date)
            if thread_id is not None:
                await self._repo.set_thread(post.id, thread_id)
        if thread_id is None:
            raise UserInputError(
                "I couldn't open today's submissions thread. Please tell an admin; your "
                "submission was not recorded."
            )
        # The submission and the post that shows it commit together: the outbox worker
        # delivers the post (with retries) however Discord is doing right now.
        async with self._repo.transaction():
            record = await self._repo.add_submission(
                guild_id=guild_id,
                post_id=post.id,
                local_date=post.local_date,
                user_id=user_id,
                text=clean,
                attachment_name=attachment.filename[:200] if attachment else None,
                attachment_url=attachment.url[:1000] if attachment else None,
                created_at=self._stamp(),
            )
            if record is not None:
                await self._outbox.add(
                    guild_id=guild_id,
                    channel_id=thread_id,
                    kind=SUBMISSION_KIND,
                    payload={
                        "submission_id": record.id,
                        "user_id": user_id,
                        "image": bool(attachment and attachment.is_image),
                    },
                    dedupe_key=f"{SUBMISSION_KIND}:{record.id}",
                )
        if record is None:
            raise UserInputError(
                f"You already answered the prompt for {post.local_date} (“{post.title}”). "
                "The next one comes with the next post."
            )
        self._outbox.wake()
        if clean:
            await self._contributions.record(guild_id, user_id, "potd_submission", clean)
        return SubmissionResult(
            submission_id=record.id,
            user_id=user_id,
            post_id=post.id,
            local_date=post.local_date,
            title=post.title,
            channel_id=post.channel_id,
            message_id=post.message_id,
            thread_id=thread_id,
            text=clean,
            attachment_name=record.attachment_name,
            streak=await self.streak(guild_id, user_id),
        )

    async def submission_post(self, submission_id: int) -> SubmissionPost | None:
        """What the outbox shows for a submission, or None when it is gone (erased)."""
        record = await self._repo.get_submission(submission_id)
        if record is None:
            return None
        post = await self._repo.get_post_by_id(record.post_id)
        title = post.title if post is not None and post.title else "Prompt of the day"
        return SubmissionPost(record, title)

    async def confirm_submission(
        self, guild_id: int, submission_id: int, thread_id: int, message_id: int
    ) -> None:
        """The submission is shown in the thread: remember where, and let members discover it.
        Idempotent (the outbox may confirm again after a crash)."""
        found = await self.submission_post(submission_id)
        if found is None:
            return
        record = found.record
        await self._repo.set_submission_message(record.id, message_id)
        if record.text:
            await self._works.index_work(
                guild_id=guild_id,
                kind="potd_submission",
                ref=str(record.id),
                title=f"{found.title} ({record.local_date})",
                text=record.text,
                author_id=record.user_id,
                url=f"https://discord.com/channels/{guild_id}/{thread_id}/{message_id}",
            )

    async def streak(self, guild_id: int, user_id: int) -> StreakInfo:
        posts = [post_id for post_id, _ in await self._repo.posted_dates(guild_id)]
        answered = (await self._repo.submitted_post_ids(guild_id)).get(user_id, set())
        return streak_for(user_id, posts, answered)

    async def leaderboard(self, guild_id: int, limit: int = 10) -> list[StreakInfo]:
        posts = [post_id for post_id, _ in await self._repo.posted_dates(guild_id)]
        answered = await self._repo.submitted_post_ids(guild_id)
        return leaderboard(posts, answered.items(), limit)

    async def history(self, guild_id: int, page: int) -> HistoryPage:
        total = await self._repo.count_posted(guild_id)
        pages = max(1, math.ceil(total / HISTORY_PAGE_SIZE))
        page = min(max(1, page), pages)
        rows = await self._repo.posted_history(
            guild_id, offset=(page - 1) * HISTORY_PAGE_SIZE, limit=HISTORY_PAGE_SIZE
        )
        entries = tuple(
            HistoryEntry(
                local_date=post.local_date,
                title=post.title or "(untitled)",
                source=post.source,
                submissions=count,
                channel_id=post.channel_id,
                message_id=post.message_id,
            )
            for post, count in rows
        )
        return HistoryPage(entries, page, pages, total)

    # -- helpers -------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock.now()

    def _stamp(self) -> str:
        return self._clock.now().isoformat()


def _content_of(item: PotdQueueRecord) -> PromptContent:
    return PromptContent(
        title=item.title,
        prompt=item.prompt,
        twists=item.twists,
        tags=item.tags,
        source="suggestion" if item.origin == "suggestion" else "queue",
        queue_id=item.id,
    )


def build_potd_service(
    settings: Settings,
    repo: PotdRepository,
    engine: LLMEngine,
    clock: Clock,
    *,
    contributions: Contributions | None = None,
    works: WorksIndex | None = None,
    outbox: Outbox | None = None,
    server_medium: ServerMedium | None = None,
) -> PotdService:
    """The service as the container builds it, from ``MUSE_POTD_*`` settings."""
    options = PotdOptions(
        grace_hours=settings.potd_grace_hours,
        similarity_threshold=settings.potd_similarity_threshold,
        history_size=settings.potd_history_size,
        generation_attempts=settings.potd_generation_attempts,
        temperature=settings.potd_temperature,
        sweep_minutes=settings.potd_sweep_minutes,
    )
    generator = PromptGenerator(
        engine, attempts=options.generation_attempts, temperature=options.temperature
    )
    return PotdService(
        repo,
        generator,
        clock,
        options=options,
        contributions=contributions,
        works=works,
        outbox=outbox,
        server_medium=server_medium,
    )
