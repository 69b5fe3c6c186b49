"""A server's configuration of the prompt of the day, and its theme calendar."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.services.potd.types import PotdConfigRecord

from ...timestamps import to_db
from .base import CONFIG_COLUMNS, PotdStore, config_from_row, json_list

__all__ = ["PotdConfigRows"]


class PotdConfigRows(PotdStore):
    """Rows of ``potd_config`` and ``potd_calendar``."""

    async def get_config(self, guild_id: int) -> PotdConfigRecord | None:
        row = await self._db.fetchone(
            f"SELECT {CONFIG_COLUMNS} FROM potd_config WHERE guild_id = ?", (guild_id,)
        )
        return config_from_row(row) if row else None

    async def list_configs(self) -> list[PotdConfigRecord]:
        rows = await self._db.fetchall(
            f"SELECT {CONFIG_COLUMNS} FROM potd_config ORDER BY guild_id"
        )
        return [config_from_row(r) for r in rows]

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
        now: datetime,
    ) -> PotdConfigRecord:
        """Create or replace the server's configuration; a paused server stays paused."""
        stamp = to_db(now)
        await self._db.execute(
            "INSERT INTO potd_config (guild_id, channel_id, post_time, timezone, medium, themes, "
            "updated_by, active_since, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "post_time = excluded.post_time, timezone = excluded.timezone, "
            "medium = excluded.medium, themes = excluded.themes, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (
                guild_id,
                channel_id,
                post_time,
                timezone,
                medium,
                themes,
                updated_by,
                stamp,
                stamp,
                stamp,
            ),
        )
        saved = await self.get_config(guild_id)
        assert saved is not None
        return saved

    async def set_paused(self, guild_id: int, paused: bool, updated_by: int, now: datetime) -> bool:
        """Pause or resume; resuming restarts ``active_since`` (no late post for paused days)."""
        changed = await self._db.execute(
            "UPDATE potd_config SET paused = ?, updated_by = ?, "
            "active_since = CASE WHEN ? THEN active_since ELSE ? END, "
            "updated_at = ? WHERE guild_id = ?",
            (int(paused), updated_by, int(paused), to_db(now), to_db(now), guild_id),
        )
        return changed > 0

    async def get_calendar(self, guild_id: int) -> dict[int, tuple[str, ...]]:
        rows = await self._db.fetchall(
            "SELECT month, words FROM potd_calendar WHERE guild_id = ? ORDER BY month",
            (guild_id,),
        )
        return {int(r["month"]): json_list(r["words"]) for r in rows}

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
