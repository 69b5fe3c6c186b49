"""The daily posts: claiming a day, its content, the hand-over to the outbox and the
confirmation, and the history of what was posted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.services.potd.types import PotdPostRecord

from ...timestamps import to_db
from .base import POST_COLUMNS, PotdStore, post_from_row

__all__ = ["PotdPostRows"]


class PotdPostRows(PotdStore):
    """Rows of ``potd_posts`` (choosing a queued prompt marks it used in the same transaction)."""

    async def get_post(self, guild_id: int, local_date: str) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {POST_COLUMNS} FROM potd_posts WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date),
        )
        return post_from_row(row) if row else None

    async def get_post_by_id(self, post_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {POST_COLUMNS} FROM potd_posts WHERE id = ?", (post_id,)
        )
        return post_from_row(row) if row else None

    async def claim_post(
        self, guild_id: int, local_date: str, channel_id: int, *, late: bool, claimed_at: datetime
    ) -> PotdPostRecord | None:
        """Record the day's post as pending. None when the day already has a row: the unique
        key on (guild, local date) is what makes a second post for one day impossible."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "INSERT OR IGNORE INTO potd_posts (guild_id, local_date, channel_id, late, "
                "claimed_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, local_date, channel_id, int(late), to_db(claimed_at)),
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

    async def mark_sending(self, post_id: int, at: datetime) -> None:
        await self._db.execute(
            "UPDATE potd_posts SET send_started_at = ? WHERE id = ? AND status = 'pending'",
            (to_db(at), post_id),
        )

    async def mark_posted(
        self, post_id: int, *, message_id: int, at: datetime, thread_id: int | None = None
    ) -> None:
        """Discord confirmed the post (again, after a crash: a thread already recorded stays)."""
        await self._db.execute(
            "UPDATE potd_posts SET status = 'posted', message_id = ?, "
            "thread_id = COALESCE(?, thread_id), posted_at = COALESCE(posted_at, ?) WHERE id = ?",
            (message_id, thread_id, to_db(at), post_id),
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
            f"SELECT {POST_COLUMNS} FROM potd_posts WHERE guild_id = ? AND status = 'pending' "
            "ORDER BY local_date",
            (guild_id,),
        )
        return [post_from_row(r) for r in rows]

    async def latest_post(self, guild_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {POST_COLUMNS} FROM potd_posts WHERE guild_id = ? "
            "ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return post_from_row(row) if row else None

    async def latest_posted(self, guild_id: int) -> PotdPostRecord | None:
        row = await self._db.fetchone(
            f"SELECT {POST_COLUMNS} FROM potd_posts WHERE guild_id = ? AND status = 'posted' "
            "ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return post_from_row(row) if row else None

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
            f"SELECT {', '.join('p.' + c.strip() for c in POST_COLUMNS.split(','))}, "
            "(SELECT COUNT(*) FROM potd_submissions s WHERE s.post_id = p.id) AS submissions "
            "FROM potd_posts p WHERE p.guild_id = ? AND p.status = 'posted' "
            "ORDER BY p.local_date DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [(post_from_row(r), int(r["submissions"])) for r in rows]

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
