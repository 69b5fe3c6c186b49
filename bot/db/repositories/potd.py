"""Prompt of the day: configuration, calendar, daily posts, queue, suggestions, submissions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from bot.services.potd.types import (
    PotdConfigRecord,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSubmissionRecord,
    PotdSuggestionRecord,
)

from ..connection import Database

__all__ = [
    "PotdConfigRecord",
    "PotdPostRecord",
    "PotdQueueRecord",
    "PotdRepository",
    "PotdSubmissionRecord",
    "PotdSuggestionRecord",
]


_CONFIG = "guild_id, channel_id, post_time, timezone, medium, themes, paused, active_since"
_POST = (
    "id, guild_id, local_date, status, source, title, prompt, twists, tags, medium, "
    "calendar_word, channel_id, message_id, thread_id, late, note, claimed_at, send_started_at, "
    "posted_at"
)
_QUEUE = "id, guild_id, status, origin, title, prompt, twists, tags, author_id, added_by"
_SUGGESTION = "id, guild_id, user_id, title, prompt, status, reviewer_id, queue_id"
_SUBMISSION = (
    "id, guild_id, post_id, local_date, user_id, text, attachment_name, attachment_url, "
    "message_id, created_at"
)


def _list(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    value = json.loads(raw)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _config(row: aiosqlite.Row) -> PotdConfigRecord:
    return PotdConfigRecord(
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        post_time=str(row["post_time"]),
        timezone=str(row["timezone"]),
        medium=str(row["medium"]),
        themes=row["themes"],
        paused=bool(row["paused"]),
        active_since=str(row["active_since"]),
    )


def _post(row: aiosqlite.Row) -> PotdPostRecord:
    return PotdPostRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        local_date=str(row["local_date"]),
        status=str(row["status"]),
        source=row["source"],
        title=row["title"],
        prompt=row["prompt"],
        twists=_list(row["twists"]),
        tags=_list(row["tags"]),
        medium=row["medium"],
        calendar_word=row["calendar_word"],
        channel_id=int(row["channel_id"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        late=bool(row["late"]),
        note=row["note"],
        claimed_at=str(row["claimed_at"]),
        send_started_at=row["send_started_at"],
        posted_at=row["posted_at"],
    )


def _queue(row: aiosqlite.Row) -> PotdQueueRecord:
    return PotdQueueRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        status=str(row["status"]),
        origin=str(row["origin"]),
        title=str(row["title"]),
        prompt=str(row["prompt"]),
        twists=_list(row["twists"]),
        tags=_list(row["tags"]),
        author_id=row["author_id"],
        added_by=row["added_by"],
    )


def _suggestion(row: aiosqlite.Row) -> PotdSuggestionRecord:
    return PotdSuggestionRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        title=str(row["title"]),
        prompt=str(row["prompt"]),
        status=str(row["status"]),
        reviewer_id=row["reviewer_id"],
        queue_id=row["queue_id"],
    )


def _submission(row: aiosqlite.Row) -> PotdSubmissionRecord:
    return PotdSubmissionRecord(*tuple(row))


class PotdRepository:
    """Every table of the prompt of the day. Also the feature's :class:`MemberData`."""

    data_name = "prompt_of_the_day"

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- configuration -----------------------------------------------------------------------

    async def get_config(self, guild_id: int) -> PotdConfigRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_CONFIG} FROM potd_config WHERE guild_id = ?", (guild_id,)
        )
        return _config(row) if row else None

    async def list_configs(self) -> list[PotdConfigRecord]:
        rows = await self._db.fetchall(f"SELECT {_CONFIG} FROM potd_config ORDER BY guild_id")
        return [_config(r) for r in rows]

    async def save_config(
        self,
        *,
        guild_id: int,
        channel_id: int,
        post_time: str,
        timezone: str,
        medium: str,
        themes: str | None,
        updated_by: int,
        now: str,
    ) -> PotdConfigRecord:
        """Create or replace the server's configuration; a paused server stays paused."""
        await self._db.execute(
            "INSERT INTO potd_config (guild_id, channel_id, post_time, timezone, medium, themes, "
            "updated_by, active_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "post_time = excluded.post_time, timezone = excluded.timezone, "
            "medium = excluded.medium, themes = excluded.themes, "
            "updated_by = excluded.updated_by, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (guild_id, channel_id, post_time, timezone, medium, themes, updated_by, now),
        )
        saved = await self.get_config(guild_id)
        assert saved is not None
        return saved

    async def set_paused(self, guild_id: int, paused: bool, updated_by: int, now: str) -> bool:
        """Pause or resume; resuming restarts ``active_since`` (no late post for paused days)."""
        changed = await self._db.execute(
            "UPDATE potd_config SET paused = ?, updated_by = ?, "
            "active_since = CASE WHEN ? THEN active_since ELSE ? END, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE guild_id = ?",
            (int(paused), updated_by, int(paused), now, guild_id),
        )
        return changed > 0

    # -- calendar ----------------------------------------------------------------------------

    async def get_calendar(self, guild_id: int) -> dict[int, tuple[str, ...]]:
        rows = await self._db.fetchall(
            "SELECT month, words FROM potd_calendar WHERE guild_id = ? ORDER BY month",
            (guild_id,),
        )
        return {int(r["month"]): _list(r["words"]) for r in rows}

    async def set_calendar(self, guild_id: int, month: int, words: Sequence[str]) -> None:
        await self._db.execute(
            "INSERT INTO potd_calendar (guild_id, month, words) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, month) DO UPDATE SET words = excluded.words",
            (guild_id, month, json.dumps(list(words))),
        )

    async def clear_calendar(self, guild_id: int, month: int | None) -> int:
        if month is None:
            return await self._db.execute(
                "DELETE FROM potd_calendar WHERE guild_id = ?", (guild_id,)
            )
        return await self._db.execute(
            "DELETE FROM potd_calendar WHERE guild_id = ? AND month = ?", (guild_id, month)
        )

    # -- daily posts -------------------------------------------------------------------------

    async def get_post(self, guild_id: int, local_date: str) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_POST} FROM potd_posts WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date),
        )
        return _post(row) if row else None

    async def get_post_by_id(self, post_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(f"SELECT {_POST} FROM potd_posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def claim_post(
        self, guild_id: int, local_date: str, channel_id: int, *, late: bool, claimed_at: str
    ) -> PotdPostRecord | None:
        """Record the day's post as pending. None when the day already has a row: the unique
        key on (guild, local date) is what makes a second post for one day impossible."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "INSERT OR IGNORE INTO potd_posts (guild_id, local_date, channel_id, late, "
                "claimed_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, local_date, channel_id, int(late), claimed_at),
            )
            if not changed:
                return None
            return await self.get_post(guild_id, local_date)

    async def set_post_content(
        self,
        post_id: int,
        *,
        source: str,
        title: str,
        prompt: str,
        twists: Sequence[str],
        tags: Sequence[str],
        medium: str,
        calendar_word: str | None,
        queue_id: int | None,
    ) -> bool:
        """Store what the day's post will say; a queue item is marked used in the same
        transaction. False when the queue item was taken meanwhile (nothing is written)."""
        async with self._db.transaction():
            if queue_id is not None:
                taken = await self._db.execute(
                    "UPDATE potd_queue SET status = 'used', used_post_id = ? "
                    "WHERE id = ? AND status = 'queued'",
                    (post_id, queue_id),
                )
                if not taken:
                    return False
            await self._db.execute(
                "UPDATE potd_posts SET source = ?, title = ?, prompt = ?, twists = ?, tags = ?, "
                "medium = ?, calendar_word = ? WHERE id = ? AND status = 'pending'",
                (
                    source,
                    title,
                    prompt,
                    json.dumps(list(twists)),
                    json.dumps(list(tags)),
                    medium,
                    calendar_word,
                    post_id,
                ),
            )
        return True

    async def mark_sending(self, post_id: int, at: str) -> None:
        await self._db.execute(
            "UPDATE potd_posts SET send_started_at = ? WHERE id = ? AND status = 'pending'",
            (at, post_id),
        )

    async def mark_posted(
        self, post_id: int, *, message_id: int, at: str, thread_id: int | None = None
    ) -> None:
        """Discord confirmed the post (again, after a crash: a thread already recorded stays)."""
        await self._db.execute(
            "UPDATE potd_posts SET status = 'posted', message_id = ?, "
            "thread_id = COALESCE(?, thread_id), posted_at = COALESCE(posted_at, ?) WHERE id = ?",
            (message_id, thread_id, at, post_id),
        )

    async def set_thread(self, post_id: int, thread_id: int) -> None:
        await self._db.execute(
            "UPDATE potd_posts SET thread_id = ? WHERE id = ?", (thread_id, post_id)
        )

    async def close_post(self, post_id: int, status: str, note: str | None) -> None:
        """End a day without a post: 'failed', 'unknown' or 'missed'."""
        await self._db.execute(
            "UPDATE potd_posts SET status = ?, note = ? WHERE id = ? AND status = 'pending'",
            (status, note, post_id),
        )

    async def pending_posts(self, guild_id: int) -> list[PotdPostRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_POST} FROM potd_posts WHERE guild_id = ? AND status = 'pending' "
            "ORDER BY local_date",
            (guild_id,),
        )
        return [_post(r) for r in rows]

    async def latest_post(self, guild_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_POST} FROM potd_posts WHERE guild_id = ? ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return _post(row) if row else None

    async def latest_posted(self, guild_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_POST} FROM potd_posts WHERE guild_id = ? AND status = 'posted' "
            "ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return _post(row) if row else None

    async def recent_prompts(self, guild_id: int, limit: int) -> list[tuple[str, str]]:
        """(title, prompt) of the server's last ``limit`` prompts, newest first."""
        rows = await self._db.fetchall(
            "SELECT title, prompt FROM potd_posts WHERE guild_id = ? AND title IS NOT NULL "
            "AND prompt IS NOT NULL ORDER BY local_date DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(str(r["title"]), str(r["prompt"])) for r in rows]

    async def posted_history(
        self, guild_id: int, *, offset: int, limit: int
    ) -> list[tuple[PotdPostRecord, int]]:
        """Posted prompts, newest first, each with its number of submissions."""
        rows = await self._db.fetchall(
            f"SELECT {', '.join('p.' + c.strip() for c in _POST.split(','))}, "
            "(SELECT COUNT(*) FROM potd_submissions s WHERE s.post_id = p.id) AS submissions "
            "FROM potd_posts p WHERE p.guild_id = ? AND p.status = 'posted' "
            "ORDER BY p.local_date DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [(_post(r), int(r["submissions"])) for r in rows]

    async def count_posted(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM potd_posts WHERE guild_id = ? AND status = 'posted'",
            (guild_id,),
        )
        return int(row[0]) if row else 0

    async def posted_dates(self, guild_id: int, limit: int = 5000) -> list[tuple[int, str]]:
        """(post id, local date) of posted prompts, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id, local_date FROM (SELECT id, local_date FROM potd_posts "
            "WHERE guild_id = ? AND status = 'posted' ORDER BY local_date DESC LIMIT ?) "
            "ORDER BY local_date",
            (guild_id, limit),
        )
        return [(int(r["id"]), str(r["local_date"])) for r in rows]

    # -- queue -------------------------------------------------------------------------------

    async def add_queue_item(
        self,
        guild_id: int,
        *,
        origin: str,
        title: str,
        prompt: str,
        twists: Sequence[str] = (),
        tags: Sequence[str] = (),
        author_id: int | None = None,
        added_by: int | None = None,
        status: str = "queued",
    ) -> PotdQueueRecord:
        new_id = await self._db.insert(
            "INSERT INTO potd_queue (guild_id, status, origin, title, prompt, twists, tags, "
            "author_id, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                status,
                origin,
                title,
                prompt,
                json.dumps(list(twists)),
                json.dumps(list(tags)),
                author_id,
                added_by,
            ),
        )
        item = await self.get_queue_item(new_id)
        assert item is not None
        return item

    async def get_queue_item(self, item_id: int) -> PotdQueueRecord | None:
        row = await self._db.fetchone(f"SELECT {_QUEUE} FROM potd_queue WHERE id = ?", (item_id,))
        return _queue(row) if row else None

    async def queued(self, guild_id: int, limit: int = 100) -> list[PotdQueueRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_QUEUE} FROM potd_queue WHERE guild_id = ? AND status = 'queued' "
            "ORDER BY id LIMIT ?",
            (guild_id, limit),
        )
        return [_queue(r) for r in rows]

    async def count_queued(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM potd_queue WHERE guild_id = ? AND status = 'queued'",
            (guild_id,),
        )
        return int(row[0]) if row else 0

    async def remove_queue_item(self, guild_id: int, item_id: int) -> bool:
        changed = await self._db.execute(
            "UPDATE potd_queue SET status = 'removed' "
            "WHERE id = ? AND guild_id = ? AND status = 'queued'",
            (item_id, guild_id),
        )
        return changed > 0

    async def promote_draft(self, guild_id: int, item_id: int, added_by: int) -> bool:
        changed = await self._db.execute(
            "UPDATE potd_queue SET status = 'queued', added_by = ? "
            "WHERE id = ? AND guild_id = ? AND status = 'draft'",
            (added_by, item_id, guild_id),
        )
        return changed > 0

    async def delete_drafts(self, guild_id: int, keep_newest: int) -> int:
        return await self._db.execute(
            "DELETE FROM potd_queue WHERE guild_id = ? AND status = 'draft' AND id NOT IN "
            "(SELECT id FROM potd_queue WHERE guild_id = ? AND status = 'draft' "
            "ORDER BY id DESC LIMIT ?)",
            (guild_id, guild_id, keep_newest),
        )

    # -- suggestions -------------------------------------------------------------------------

    async def add_suggestion(
        self, guild_id: int, user_id: int, title: str, prompt: str
    ) -> PotdSuggestionRecord:
        new_id = await self._db.insert(
            "INSERT INTO potd_suggestions (guild_id, user_id, title, prompt) VALUES (?, ?, ?, ?)",
            (guild_id, user_id, title, prompt),
        )
        found = await self.get_suggestion(new_id)
        assert found is not None
        return found

    async def get_suggestion(self, suggestion_id: int) -> PotdSuggestionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_SUGGESTION} FROM potd_suggestions WHERE id = ?", (suggestion_id,)
        )
        return _suggestion(row) if row else None

    async def next_pending_suggestion(self, guild_id: int) -> PotdSuggestionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_SUGGESTION} FROM potd_suggestions WHERE guild_id = ? "
            "AND status = 'pending' ORDER BY id LIMIT 1",
            (guild_id,),
        )
        return _suggestion(row) if row else None

    async def count_pending_suggestions(self, guild_id: int, user_id: int | None = None) -> int:
        if user_id is None:
            row = await self._db.fetchone(
                "SELECT COUNT(*) FROM potd_suggestions WHERE guild_id = ? AND status = 'pending'",
                (guild_id,),
            )
        else:
            row = await self._db.fetchone(
                "SELECT COUNT(*) FROM potd_suggestions WHERE guild_id = ? AND user_id = ? "
                "AND status = 'pending'",
                (guild_id, user_id),
            )
        return int(row[0]) if row else 0

    async def decide_suggestion(
        self, suggestion_id: int, *, approve: bool, reviewer_id: int, at: str
    ) -> PotdSuggestionRecord | None:
        """Approve (into the queue) or reject a pending suggestion, atomically. None when it
        was no longer pending."""
        async with self._db.transaction():
            found = await self.get_suggestion(suggestion_id)
            if found is None or found.status != "pending":
                return None
            queue_id = None
            if approve:
                item = await self.add_queue_item(
                    found.guild_id,
                    origin="suggestion",
                    title=found.title,
                    prompt=found.prompt,
                    author_id=found.user_id,
                    added_by=reviewer_id,
                )
                queue_id = item.id
            await self._db.execute(
                "UPDATE potd_suggestions SET status = ?, reviewer_id = ?, queue_id = ?, "
                "reviewed_at = ? WHERE id = ?",
                ("approved" if approve else "rejected", reviewer_id, queue_id, at, suggestion_id),
            )
            return await self.get_suggestion(suggestion_id)

    # -- submissions -------------------------------------------------------------------------

    async def add_submission(
        self,
        *,
        guild_id: int,
        post_id: int,
        local_date: str,
        user_id: int,
        text: str | None,
        attachment_name: str | None,
        attachment_url: str | None,
        created_at: str,
    ) -> PotdSubmissionRecord | None:
        """None when the member already answered this post."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "INSERT OR IGNORE INTO potd_submissions (guild_id, post_id, local_date, user_id, "
                "text, attachment_name, attachment_url, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    post_id,
                    local_date,
                    user_id,
                    text,
                    attachment_name,
                    attachment_url,
                    created_at,
                ),
            )
            if not changed:
                return None
            row = await self._db.fetchone(
                f"SELECT {_SUBMISSION} FROM potd_submissions WHERE post_id = ? AND user_id = ?",
                (post_id, user_id),
            )
        return _submission(row) if row else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One transaction for several writes (other repositories' writes join it)."""
        async with self._db.transaction():
            yield

    async def get_submission(self, submission_id: int) -> PotdSubmissionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_SUBMISSION} FROM potd_submissions WHERE id = ?", (submission_id,)
        )
        return _submission(row) if row else None

    async def set_submission_message(self, submission_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE potd_submissions SET message_id = ? WHERE id = ?", (message_id, submission_id)
        )

    async def delete_submission(self, submission_id: int) -> None:
        await self._db.execute("DELETE FROM potd_submissions WHERE id = ?", (submission_id,))

    async def submissions_for(self, post_id: int) -> list[PotdSubmissionRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_SUBMISSION} FROM potd_submissions WHERE post_id = ? ORDER BY id",
            (post_id,),
        )
        return [_submission(r) for r in rows]

    async def submitted_post_ids(self, guild_id: int) -> dict[int, set[int]]:
        """Member id → the ids of the posts they answered."""
        rows = await self._db.fetchall(
            "SELECT user_id, post_id FROM potd_submissions WHERE guild_id = ?", (guild_id,)
        )
        found: dict[int, set[int]] = {}
        for row in rows:
            found.setdefault(int(row["user_id"]), set()).add(int(row["post_id"]))
        return found

    # -- member data -------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        submissions = await self._db.fetchall(
            f"SELECT {_SUBMISSION} FROM potd_submissions WHERE guild_id = ? AND user_id = ? "
            "ORDER BY local_date",
            (guild_id, user_id),
        )
        suggestions = await self._db.fetchall(
            f"SELECT {_SUGGESTION}, created_at, reviewed_at FROM potd_suggestions "
            "WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {
            "submissions": [dict(r) for r in submissions],
            "suggestions": [dict(r) for r in suggestions],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Submissions and suggestions go (streaks are computed from submissions, so they go
        too); approved prompts stay in the server's queue without their author, and prompts,
        reviews and settings a moderator made stay without the moderator."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "DELETE FROM potd_submissions WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            changed += await self._db.execute(
                "DELETE FROM potd_suggestions WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            changed += await self._db.execute(
                "UPDATE potd_queue SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            )
            # What they did as a moderator stays, without their name on it.
            for table, column in (
                ("potd_queue", "added_by"),
                ("potd_suggestions", "reviewer_id"),
                ("potd_config", "updated_by"),
            ):
                changed += await self._db.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE guild_id = ? AND {column} = ?",
                    (guild_id, user_id),
                )
        return changed
