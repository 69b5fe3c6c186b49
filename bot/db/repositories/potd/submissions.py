"""Members' submissions to the daily posts (streaks are computed from them)."""

from __future__ import annotations

from datetime import datetime

from bot.services.potd.types import PotdSubmissionRecord

from ...timestamps import to_db
from .base import SUBMISSION_COLUMNS, PotdStore, submission_from_row

__all__ = ["PotdSubmissionRows"]


class PotdSubmissionRows(PotdStore):
    """Rows of ``potd_submissions``."""

    async def add_submission(
        self,
        *,
        guild_id: int,
        post_id: int,
        local_date: str,
        user_id: int,
        text: str | None,
        attachment_name: str | None,
        attachment_url: str | None,
        created_at: datetime,
    ) -> PotdSubmissionRecord | None:
        """None when the member already answered this post."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "INSERT OR IGNORE INTO potd_submissions (guild_id, post_id, local_date, user_id, "
                "text, attachment_name, attachment_url, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    post_id,
                    local_date,
                    user_id,
                    text,
                    attachment_name,
                    attachment_url,
                    to_db(created_at),
                ),
            )
            if not changed:
                return None
            row = await self._db.fetchone(
                f"SELECT {SUBMISSION_COLUMNS} FROM potd_submissions "
                "WHERE post_id = ? AND user_id = ?",
                (post_id, user_id),
            )
        return submission_from_row(row) if row else None

    async def get_submission(self, submission_id: int) -> PotdSubmissionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {SUBMISSION_COLUMNS} FROM potd_submissions WHERE id = ?", (submission_id,)
        )
        return submission_from_row(row) if row else None

    async def set_submission_message(self, submission_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE potd_submissions SET message_id = ? WHERE id = ?", (message_id, submission_id)
        )

    async def delete_submission(self, submission_id: int) -> None:
        await self._db.execute("DELETE FROM potd_submissions WHERE id = ?", (submission_id,))

    async def submitted_post_ids(self, guild_id: int) -> dict[int, set[int]]:
        """Member id → the ids of the posts they answered."""
        rows = await self._db.fetchall(
            "SELECT user_id, post_id FROM potd_submissions WHERE guild_id = ?", (guild_id,)
        )
        found: dict[int, set[int]] = {}
        for row in rows:
            found.setdefault(int(row["user_id"]), set()).add(int(row["post_id"]))
        return found
