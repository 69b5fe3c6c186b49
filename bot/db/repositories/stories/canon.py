"""A story's canon (its lorebook): entries members add about characters, places, objects,
rules and events. Trigger words are stored one a line."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.services.story.types import CanonEntry, CanonKind, CanonNameTaken

from ...timestamps import from_db, to_db
from .base import StoryStore

__all__ = ["CanonRows", "canon_from_row"]

_COLUMNS = (
    "id, story_id, kind, name, description, triggers, author_id, author_name, created_at, "
    "updated_at"
)


def _triggers(text: str) -> tuple[str, ...]:
    return tuple(t for t in text.split("\n") if t)


def canon_from_row(row: aiosqlite.Row) -> CanonEntry:
    kind: CanonKind = row["kind"]
    return CanonEntry(
        id=int(row["id"]),
        story_id=int(row["story_id"]),
        kind=kind,
        name=str(row["name"]),
        description=str(row["description"]),
        triggers=_triggers(str(row["triggers"])),
        author_id=row["author_id"],
        author_name=str(row["author_name"]),
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


class CanonRows(StoryStore):
    """Entries of stories' canons, in the order they were added."""

    async def add_canon(
        self,
        story_id: int,
        *,
        kind: CanonKind,
        name: str,
        description: str,
        triggers: tuple[str, ...],
        author_id: int,
        author_name: str,
        now: datetime,
    ) -> CanonEntry:
        try:
            entry_id = await self._db.insert(
                "INSERT INTO story_canon (story_id, kind, name, description, triggers, "
                "author_id, author_name, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    story_id,
                    kind,
                    name,
                    description,
                    "\n".join(triggers),
                    author_id,
                    author_name,
                    to_db(now),
                    to_db(now),
                ),
            )
        except sqlite3.IntegrityError:
            raise CanonNameTaken() from None
        found = await self.canon_entry(entry_id)
        assert found is not None
        return found

    async def update_canon(
        self,
        entry_id: int,
        *,
        kind: CanonKind,
        name: str,
        description: str,
        triggers: tuple[str, ...],
        now: datetime,
    ) -> CanonEntry:
        try:
            await self._db.execute(
                "UPDATE story_canon SET kind = ?, name = ?, description = ?, triggers = ?, "
                "updated_at = ? WHERE id = ?",
                (kind, name, description, "\n".join(triggers), to_db(now), entry_id),
            )
        except sqlite3.IntegrityError:
            raise CanonNameTaken() from None
        found = await self.canon_entry(entry_id)
        assert found is not None
        return found

    async def remove_canon(self, entry_id: int) -> bool:
        return await self._db.execute("DELETE FROM story_canon WHERE id = ?", (entry_id,)) > 0

    async def canon_entry(self, entry_id: int) -> CanonEntry | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM story_canon WHERE id = ?", (entry_id,)
        )
        return canon_from_row(row) if row else None

    async def canon_by_name(self, story_id: int, name: str) -> CanonEntry | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM story_canon WHERE story_id = ? AND lower(name) = lower(?)",
            (story_id, name),
        )
        return canon_from_row(row) if row else None

    async def canon(self, story_id: int) -> list[CanonEntry]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM story_canon WHERE story_id = ? ORDER BY id", (story_id,)
        )
        return [canon_from_row(r) for r in rows]

    async def canon_count(self, story_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM story_canon WHERE story_id = ?", (story_id,)
        )
        return int(row[0]) if row else 0
