"""A member's prompt-of-the-day data: what they submitted and suggested, to export it or
erase it."""

from __future__ import annotations

from typing import Any

from .base import SUBMISSION_COLUMNS, SUGGESTION_COLUMNS, PotdStore

__all__ = ["PotdMemberData"]


class PotdMemberData(PotdStore):
    """Export and erasure of one member's data in one server."""

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        submissions = await self._db.fetchall(
            f"SELECT {SUBMISSION_COLUMNS} FROM potd_submissions WHERE guild_id = ? AND user_id = ? "
            "ORDER BY local_date",
            (guild_id, user_id),
        )
        suggestions = await self._db.fetchall(
            f"SELECT {SUGGESTION_COLUMNS}, created_at, reviewed_at FROM potd_suggestions "
            "WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {
            "submissions": [dict(r) for r in submissions],
            "suggestions": [dict(r) for r in suggestions],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Submissions and suggestions go (streaks are computed from submissions, so they go
        too); approved prompts stay in the server's queue without their author, and prompts,
        reviews and settings a moderator made stay without the moderator."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "DELETE FROM potd_submissions WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            changed += await self._db.execute(
                "DELETE FROM potd_suggestions WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            changed += await self._db.execute(
                "UPDATE potd_queue SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            )
            # What they did as a moderator stays, without their name on it.
            for table, column in (
                ("potd_queue", "added_by"),
                ("potd_suggestions", "reviewer_id"),
                ("potd_config", "updated_by"),
            ):
                changed += await self._db.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE guild_id = ? AND {column} = ?",
                    (guild_id, user_id),
                )
        return changed
