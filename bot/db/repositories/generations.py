"""Free-writing generations (/write and its buttons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import to_db

__all__ = ["GenerationRecord", "GenerationRepository"]


@dataclass(frozen=True, slots=True)
class GenerationRecord:
    id: int
    guild_id: int | None
    channel_id: int
    user_id: int
    kind: str
    form: str
    topic: str
    tone: str | None
    length: str
    parent_id: int | None
    text: str | None
    status: str


_COLUMNS = (
    "id, guild_id, channel_id, user_id, kind, form, topic, tone, length, parent_id, text, status"
)


class GenerationRepository:
    data_name = "writing"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        kind: str,
        form: str,
        topic: str,
        tone: str | None,
        length: str,
        now: datetime,
        parent_id: int | None = None,
    ) -> GenerationRecord:
        new_id = await self._db.insert(
            "INSERT INTO generations (guild_id, channel_id, user_id, kind, form, topic, tone, "
            "length, parent_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, user_id, kind, form, topic, tone, length, parent_id, to_db(now)),
        )
        record = await self.get(new_id)
        assert record is not None
        return record

    async def get(self, generation_id: int) -> GenerationRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM generations WHERE id = ?", (generation_id,)
        )
        return GenerationRecord(*tuple(row)) if row else None

    async def finish(self, generation_id: int, text: str, *, ok: bool, now: datetime) -> None:
        await self._db.execute(
            "UPDATE generations SET text = ?, status = ?, finished_at = ? WHERE id = ?",
            (text, "done" if ok else "failed", to_db(now), generation_id),
        )

    async def mark_interrupted(self, now: datetime) -> int:
        """At start-up: generations a previous run left running were cut off at ``now``."""
        return await self._db.execute(
            "UPDATE generations SET status = 'failed', finished_at = ? WHERE status = 'running'",
            (to_db(now),),
        )

    # A member's /write requests in direct messages belong to no server; they go with any of
    # the member's exports and erasures, since no server-scoped command could reach them.

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS}, created_at, finished_at FROM generations "
            "WHERE (guild_id = ? OR guild_id IS NULL) AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"generations": [dict(row) for row in rows]}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM generations WHERE (guild_id = ? OR guild_id IS NULL) AND user_id = ?",
            (guild_id, user_id),
        )
