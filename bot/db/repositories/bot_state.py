"""Small named values the bot keeps between runs (e.g. the hash of the last command sync)."""

from __future__ import annotations

from datetime import datetime

from ..connection import Database
from ..timestamps import to_db

__all__ = ["BotStateRepository"]


class BotStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
        return str(row["value"]) if row else None

    async def set(self, key: str, value: str, now: datetime) -> None:
        """Store ``value`` under ``key``; ``now`` (the caller's clock) becomes ``updated_at``."""
        await self._db.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, to_db(now)),
        )

    async def delete(self, key: str) -> None:
        await self._db.execute("DELETE FROM bot_state WHERE key = ?", (key,))
