"""The queue of prompts to post, and members' suggestions for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.services.potd.types import PotdQueueRecord, PotdSuggestionRecord

from ...timestamps import to_db
from .base import QUEUE_COLUMNS, SUGGESTION_COLUMNS, PotdStore, queue_from_row, suggestion_from_row

__all__ = ["PotdCurationRows"]


class PotdCurationRows(PotdStore):
    """Rows of ``potd_queue`` and ``potd_suggestions``."""

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
        now: datetime,
    ) -> PotdQueueRecord:
        new_id = await self._db.insert(
            "INSERT INTO potd_queue (guild_id, status, origin, title, prompt, twists, tags, "
            "author_id, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                to_db(now),
            ),
        )
        item = await self.get_queue_item(new_id)
        assert item is not None
        return item

    async def get_queue_item(self, item_id: int) -> PotdQueueRecord | None:
        row = await self._db.fetchone(
            f"SELECT {QUEUE_COLUMNS} FROM potd_queue WHERE id = ?", (item_id,)
        )
        return queue_from_row(row) if row else None

    async def queued(self, guild_id: int, limit: int = 100) -> list[PotdQueueRecord]:
        rows = await self._db.fetchall(
            f"SELECT {QUEUE_COLUMNS} FROM potd_queue WHERE guild_id = ? AND status = 'queued' "
            "ORDER BY id LIMIT ?",
            (guild_id, limit),
        )
        return [queue_from_row(r) for r in rows]

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

    async def add_suggestion(
        self, guild_id: int, user_id: int, title: str, prompt: str, *, now: datetime
    ) -> PotdSuggestionRecord:
        new_id = await self._db.insert(
            "INSERT INTO potd_suggestions (guild_id, user_id, title, prompt, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, user_id, title, prompt, to_db(now)),
        )
        found = await self.get_suggestion(new_id)
        assert found is not None
        return found

    async def get_suggestion(self, suggestion_id: int) -> PotdSuggestionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {SUGGESTION_COLUMNS} FROM potd_suggestions WHERE id = ?", (suggestion_id,)
        )
        return suggestion_from_row(row) if row else None

    async def next_pending_suggestion(self, guild_id: int) -> PotdSuggestionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {SUGGESTION_COLUMNS} FROM potd_suggestions WHERE guild_id = ? "
            "AND status = 'pending' ORDER BY id LIMIT 1",
            (guild_id,),
        )
        return suggestion_from_row(row) if row else None

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
        self, suggestion_id: int, *, approve: bool, reviewer_id: int, at: datetime
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
                    now=at,
                )
                queue_id = item.id
            await self._db.execute(
                "UPDATE potd_suggestions SET status = ?, reviewer_id = ?, queue_id = ?, "
                "reviewed_at = ? WHERE id = ?",
                (
                    "approved" if approve else "rejected",
                    reviewer_id,
                    queue_id,
                    to_db(at),
                    suggestion_id,
                ),
            )
            return await self.get_suggestion(suggestion_id)
