"""The languages members and servers chose: ``member_languages`` and ``guild_settings.locale``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import to_db

__all__ = ["LanguageRepository"]


class LanguageRepository:
    """A member's language holds in every server (as Discord's own setting does), so their
    export and erasure in any server include it."""

    data_name = "language"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def member_locale(self, user_id: int) -> str | None:
        row = await self._db.fetchone(
            "SELECT locale FROM member_languages WHERE user_id = ?", (user_id,)
        )
        return str(row["locale"]) if row else None

    async def set_member_locale(self, user_id: int, locale: str | None, now: datetime) -> None:
        """Store the member's choice; None forgets it (their client's language applies)."""
        if locale is None:
            await self._db.execute("DELETE FROM member_languages WHERE user_id = ?", (user_id,))
            return
        await self._db.execute(
            "INSERT INTO member_languages (user_id, locale, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, "
            "updated_at = excluded.updated_at",
            (user_id, locale, to_db(now)),
        )

    async def guild_locale(self, guild_id: int) -> str | None:
        row = await self._db.fetchone(
            "SELECT locale FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return str(row["locale"]) if row and row["locale"] else None

    async def set_guild_locale(self, guild_id: int, locale: str | None, now: datetime) -> None:
        stamp = to_db(now)
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, locale, created_at, updated_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale, "
            "updated_at = excluded.updated_at",
            (guild_id, locale, stamp, stamp),
        )

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        locale = await self.member_locale(user_id)
        return {"language": locale}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute("DELETE FROM member_languages WHERE user_id = ?", (user_id,))
