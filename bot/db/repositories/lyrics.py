"""Lyric studio drafts (/lyrics draft, /lyrics drafts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import from_db, from_db_optional, to_db

__all__ = ["LyricsDraftRecord", "LyricsRepository"]


@dataclass(frozen=True, slots=True)
class LyricsDraftRecord:
    """One stored draft; ``spec`` and ``lines`` are JSON the lyrics service reads."""

    id: int
    guild_id: int
    channel_id: int
    user_id: int
    title: str
    spec: str
    lines: str
    saved: bool
    public: bool
    created_at: datetime
    updated_at: datetime
    saved_at: datetime | None


_COLUMNS = (
    "id, guild_id, channel_id, user_id, title, spec, lines, saved, public, created_at, "
    "updated_at, saved_at"
)


def _record(row: Any) -> LyricsDraftRecord:
    return LyricsDraftRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        user_id=int(row["user_id"]),
        title=str(row["title"]),
        spec=str(row["spec"]),
        lines=str(row["lines"]),
        saved=bool(row["saved"]),
        public=bool(row["public"]),
        created_at=from_db(str(row["created_at"])),
        updated_at=from_db(str(row["updated_at"])),
        saved_at=from_db_optional(row["saved_at"]),
    )


class LyricsRepository:
    data_name = "lyrics"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        title: str,
        spec: str,
        lines: str,
        now: datetime,
    ) -> LyricsDraftRecord:
        new_id = await self._db.insert(
            "INSERT INTO lyrics_drafts (guild_id, channel_id, user_id, title, spec, lines, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, user_id, title, spec, lines, to_db(now), to_db(now)),
        )
        record = await self.get(new_id)
        assert record is not None
        return record

    async def get(self, draft_id: int) -> LyricsDraftRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM lyrics_drafts WHERE id = ?", (draft_id,)
        )
        return _record(row) if row else None

    async def update_lines(self, draft_id: int, lines: str, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE lyrics_drafts SET lines = ?, updated_at = ? WHERE id = ?",
            (lines, to_db(now), draft_id),
        )
        return changed > 0

    async def save(
        self, draft_id: int, user_id: int, now: datetime, *, max_saved: int
    ) -> bool | None:
        """Mark the draft saved. True: newly saved; False: it already was; None: the member
        already has ``max_saved`` saved drafts (checked in the same transaction)."""
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT guild_id, saved FROM lyrics_drafts WHERE id = ? AND user_id = ?",
                (draft_id, user_id),
            )
            if row is None:
                return False
            if row["saved"]:
                return False
            count = await self._db.fetchone(
                "SELECT COUNT(*) FROM lyrics_drafts WHERE guild_id = ? AND user_id = ? "
                "AND saved = 1",
                (row["guild_id"], user_id),
            )
            if count is not None and int(count[0]) >= max_saved:
                return None
            await self._db.execute(
                "UPDATE lyrics_drafts SET saved = 1, saved_at = ?, updated_at = ? "
                "WHERE id = ? AND saved = 0",
                (to_db(now), to_db(now), draft_id),
            )
            return True

    async def set_public(self, draft_id: int, user_id: int, public: bool) -> bool:
        changed = await self._db.execute(
            "UPDATE lyrics_drafts SET public = ? WHERE id = ? AND user_id = ? AND saved = 1",
            (int(public), draft_id, user_id),
        )
        return changed > 0

    async def list_saved(
        self, guild_id: int, user_id: int, *, limit: int = 25
    ) -> list[LyricsDraftRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM lyrics_drafts WHERE guild_id = ? AND user_id = ? "
            "AND saved = 1 ORDER BY updated_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [_record(r) for r in rows]

    async def delete(self, draft_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM lyrics_drafts WHERE id = ? AND user_id = ?", (draft_id, user_id)
        )
        return changed > 0

    async def delete_unsaved_before(self, cutoff: datetime) -> int:
        """Unsaved drafts created before ``cutoff`` are dropped."""
        return await self._db.execute(
            "DELETE FROM lyrics_drafts WHERE saved = 0 AND created_at < ?", (to_db(cutoff),)
        )

    async def public_drafts(
        self, guild_id: int, *, limit: int = 25, offset: int = 0
    ) -> list[LyricsDraftRecord]:
        """Saved drafts their authors marked public, newest first (for /discover)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM lyrics_drafts WHERE guild_id = ? AND public = 1 "
            "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [_record(r) for r in rows]

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM lyrics_drafts WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"lyrics_drafts": [dict(row) for row in rows]}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM lyrics_drafts WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
