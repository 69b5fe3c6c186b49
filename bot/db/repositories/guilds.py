"""Per-server settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from ..connection import Database
from ..timestamps import to_db

__all__ = ["GuildSettings", "GuildSettingsRepository", "Medium"]

Medium = Literal["visual", "writing", "music", "mixed"]


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    medium: Medium = "mixed"


class GuildSettingsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings; defaults when it has none stored yet."""
        row = await self._db.fetchone(
            "SELECT guild_id, medium FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(int(row["guild_id"]), cast(Medium, row["medium"]))

    async def set_medium(self, guild_id: int, medium: Medium, now: datetime) -> GuildSettings:
        """Set the medium; ``now`` is the row's ``updated_at`` (and ``created_at`` when new)."""
        stamp = to_db(now)
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, medium, created_at, updated_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET medium = excluded.medium, "
            "updated_at = excluded.updated_at",
            (guild_id, medium, stamp, stamp),
        )
        return await self.get(guild_id)

    async def delete(self, guild_id: int) -> None:
        await self._db.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))
