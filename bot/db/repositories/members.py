"""Members and their consent to style memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import from_db_optional, to_db

__all__ = ["Member", "MemberRepository"]


@dataclass(frozen=True, slots=True)
class Member:
    guild_id: int
    user_id: int
    consent: bool = False
    consent_at: datetime | None = None
    personalise: bool = True


class MemberRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, user_id: int) -> Member:
        """The member's record; a member never seen has not consented to anything."""
        row = await self._db.fetchone(
            "SELECT guild_id, user_id, consent, consent_at, personalise FROM members "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return Member(guild_id, user_id)
        return Member(
            guild_id=int(row["guild_id"]),
            user_id=int(row["user_id"]),
            consent=bool(row["consent"]),
            consent_at=from_db_optional(row["consent_at"]),
            personalise=bool(row["personalise"]),
        )

    async def set_consent(
        self, guild_id: int, user_id: int, consent: bool, now: datetime
    ) -> Member:
        """Give (``consent_at`` becomes ``now``) or withdraw (``consent_at`` cleared) consent."""
        stamp = to_db(now)
        await self._db.execute(
            "INSERT INTO members (guild_id, user_id, consent, consent_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET consent = excluded.consent, "
            "consent_at = excluded.consent_at, updated_at = excluded.updated_at",
            (guild_id, user_id, int(consent), stamp if consent else None, stamp, stamp),
        )
        return await self.get(guild_id, user_id)

    async def set_personalise(
        self, guild_id: int, user_id: int, personalise: bool, now: datetime
    ) -> Member:
        stamp = to_db(now)
        await self._db.execute(
            "INSERT INTO members (guild_id, user_id, personalise, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET personalise = excluded.personalise, "
            "updated_at = excluded.updated_at",
            (guild_id, user_id, int(personalise), stamp, stamp),
        )
        return await self.get(guild_id, user_id)

    async def delete(self, guild_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return changed > 0

    # The member-data hook (style memory's export and erasure reach this table too).
    data_name = "membership"

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        row = await self._db.fetchone(
            "SELECT guild_id, user_id, consent, consent_at, personalise, created_at, updated_at "
            "FROM members WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {"member": dict(row) if row else None}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        return 1 if await self.delete(guild_id, user_id) else 0
