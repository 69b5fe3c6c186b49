"""The daily post: the due-check (cron job, start-up catch-up, sweep), the hand-over to the
outbox, resuming after a crash, and the outbox's side of the post.

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
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import use_locale

from .curation import PotdCuration, content_of
from .limits import POST_KIND
from .timing import LATE_AFTER, due_date, parse_post_time, scheduled_at
from .types import PostOutcome, PotdConfigRecord, PotdPostRecord, PromptContent

__all__ = ["PotdPosting"]

log = logging.getLogger(__name__)


class PotdPosting(PotdCuration):
    """The day's post, once per server and local date (see the module docstring)."""

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
        number of times (the cron job, the start-up catch-up and the sweep all call it).

        The prompt is written in the server's language (the model is told so)."""
        locale = await self._server_locale(guild_id) if self._server_locale else None
        with use_locale(locale):
            return await self._post_if_due(guild_id)

    async def _post_if_due(self, guild_id: int) -> PostOutcome:
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
            if at < config.active_since:
                return outcome or PostOutcome(guild_id, "not_due", day.isoformat())
            existing = await self._repo.get_post(guild_id, day.isoformat())
            if existing is not None:
                return outcome or PostOutcome(
                    guild_id, "exists", day.isoformat(), existing.message_id, existing.status
                )
            late = self._now() - at > LATE_AFTER
            claimed = await self._repo.claim_post(
                guild_id, day.isoformat(), config.channel_id, late=late, claimed_at=self._now()
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
            await self._repo.mark_sending(post.id, self._now())
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
        await self._repo.mark_posted(post_id, message_id=message_id, at=self._now())
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
            return content_of(queued[0])
        return await self._generate(config, day, word)

    async def set_post_thread(self, post_id: int, thread_id: int) -> None:
        await self._repo.set_thread(post_id, thread_id)
