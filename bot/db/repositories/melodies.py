"""Melodies composed by /lyrics melody: one row per melody, one per saved draft at most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import from_db, to_db

__all__ = ["MelodyRepository", "MelodyRow"]


@dataclass(frozen=True, slots=True)
class MelodyRow:
    """One stored melody; ``sections``, ``params`` and ``proposal`` are JSON the service reads."""

    id: int
    guild_id: int
    user_id: int
    draft_id: int | None
    title: str
    sections: str
    params: str
    seed: int
    proposal: str
    created_at: datetime
    updated_at: datetime


_COLUMNS = (
    "id, guild_id, user_id, draft_id, title, sections, params, seed, proposal, created_at, "
    "updated_at"
)


def _row(row: Any) -> MelodyRow:
    return MelodyRow(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        draft_id=None if row["draft_id"] is None else int(row["draft_id"]),
        title=str(row["title"]),
        sections=str(row["sections"]),
        params=str(row["params"]),
        seed=int(row["seed"]),
        proposal=str(row["proposal"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


class MelodyRepository:
    data_name = "melodies"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(
        self,
        *,
        guild_id: int,
        user_id: int,
        draft_id: int | None,
        title: str,
        sections: str,
        params: str,
        seed: int,
        proposal: str,
        now: datetime,
    ) -> MelodyRow:
        """A new melody; for a draft, the draft's melody is replaced (its id kept)."""
        stamp = to_db(now)
        async with self._db.transaction():
            existing = None
            if draft_id is not None:
                existing = await self._db.fetchone(
                    "SELECT id FROM melodies WHERE draft_id = ?", (draft_id,)
                )
            if existing is not None:
                melody_id = int(existing["id"])
                await self._db.execute(
                    "UPDATE melodies SET title = ?, sections = ?, params = ?, seed = ?, "
                    "proposal = ?, updated_at = ? WHERE id = ?",
                    (title, sections, params, seed, proposal, stamp, melody_id),
                )
            else:
                melody_id = await self._db.insert(
                    "INSERT INTO melodies (guild_id, user_id, draft_id, title, sections, params, "
                    "seed, proposal, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (guild_id, user_id, draft_id, title, sections, params, seed, proposal, stamp,
                     stamp),
                )  # fmt: skip
        stored = await self.get(melody_id)
        assert stored is not None
        return stored

    async def get(self, melody_id: int) -> MelodyRow | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM melodies WHERE id = ?", (melody_id,))
        return _row(row) if row else None

    async def update(
        self, melody_id: int, *, params: str, seed: int, proposal: str, now: datetime
    ) -> bool:
        changed = await self._db.execute(
            "UPDATE melodies SET params = ?, seed = ?, proposal = ?, updated_at = ? WHERE id = ?",
            (params, seed, proposal, to_db(now), melody_id),
        )
        return changed > 0

    async def drafts_with_melody(self, user_id: int, draft_ids: list[int]) -> set[int]:
        if not draft_ids:
            return set()
        marks = ", ".join("?" * len(draft_ids))
        rows = await self._db.fetchall(
            f"SELECT draft_id FROM melodies WHERE user_id = ? AND draft_id IN ({marks})",
            (user_id, *draft_ids),
        )
        return {int(r["draft_id"]) for r in rows}

    async def delete_loose_before(self, cutoff: datetime) -> int:
        """Melodies of pasted lines not touched since ``cutoff`` (a draft's stays with it)."""
        return await self._db.execute(
            "DELETE FROM melodies WHERE draft_id IS NULL AND updated_at < ?", (to_db(cutoff),)
        )

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM melodies WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"melodies": [dict(row) for row in rows]}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            "DELETE FROM melodies WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
