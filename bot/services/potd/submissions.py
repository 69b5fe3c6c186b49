"""Members' side: submissions (recorded with the outbox item that shows them in the day's
thread), streaks, the leaderboard and the history of past prompts."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.errors import UserInputError
from bot.i18n import _
from bot.services.text import clean_text

from .limits import ATTACHMENT_SIZE_LIMIT, HISTORY_PAGE_SIZE, SUBMISSION_KIND, SUBMISSION_TEXT_LIMIT
from .posting import PotdPosting
from .streaks import leaderboard, streak_for
from .types import HistoryEntry, HistoryPage, PotdSubmissionRecord, StreakInfo, SubmissionResult

__all__ = ["AttachmentInfo", "PotdSubmissions", "SubmissionPost"]


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


class PotdSubmissions(PotdPosting):
    """Answers to the day's prompt, and what they add up to."""

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
            raise UserInputError(_("Add some text, a file, or both."))
        if attachment is not None and attachment.size > ATTACHMENT_SIZE_LIMIT:
            raise UserInputError(
                _(
                    "That file is {size} MB; the limit is {limit} MB.",
                    size=format(attachment.size / 1_048_576, ".1f"),
                    limit=ATTACHMENT_SIZE_LIMIT // 1_048_576,
                )
            )
        post = await self._repo.latest_posted(guild_id)
        if post is None or post.title is None:
            raise UserInputError(_("There's no prompt of the day to answer yet."))
        if self._outbox is None:
            raise RuntimeError("the prompt of the day has no outbox to post submissions with")
        thread_id = post.thread_id
        if thread_id is None and post.message_id is not None and ensure_thread is not None:
            thread_id = await ensure_thread(post.channel_id, post.message_id, post.local_date)
            if thread_id is not None:
                await self._repo.set_thread(post.id, thread_id)
        if thread_id is None:
            raise UserInputError(
                _(
                    "I couldn't open today's submissions thread. Please tell an admin; your "
                    "submission was not recorded."
                )
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
                created_at=self._now(),
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
                _(
                    "You already answered the prompt for {date} (“{title}”). The next one comes "
                    "with the next post.",
                    date=post.local_date,
                    title=post.title,
                )
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
        title = post.title if post is not None and post.title else _("Prompt of the day")
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
