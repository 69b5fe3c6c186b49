"""The rotation of a story: who has a seat, in which order, and who left."""

from __future__ import annotations

from datetime import datetime

from bot.services.story.types import ParticipantRecord

from ...timestamps import to_db
from .base import StoryStore, participant_from_row

__all__ = ["ParticipantRows"]


class ParticipantRows(StoryStore):
    """Seats in stories' rotations."""

    async def participants(self, story_id: int) -> list[ParticipantRecord]:
        rows = await self._db.fetchall(
            "SELECT * FROM story_participants WHERE story_id = ? ORDER BY position",
            (story_id,),
        )
        return [participant_from_row(r) for r in rows]

    async def add_participant(
        self, story_id: int, user_id: int, display_name: str, position: float, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO story_participants (story_id, user_id, display_name, position, "
            "joined_at) VALUES (?, ?, ?, ?, ?)",
            (story_id, user_id, display_name, position, to_db(now)),
        )

    async def rejoin(self, story_id: int, user_id: int, display_name: str, position: float) -> None:
        await self._db.execute(
            "UPDATE story_participants SET active = 1, display_name = ?, position = ?, "
            "skips_in_row = 0, left_at = NULL, left_reason = NULL "
            "WHERE story_id = ? AND user_id = ?",
            (display_name, position, story_id, user_id),
        )

    async def deactivate(self, story_id: int, user_id: int, reason: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE story_participants SET active = 0, left_at = ?, left_reason = ? "
            "WHERE story_id = ? AND user_id = ?",
            (to_db(now), reason, story_id, user_id),
        )

    async def set_skips(self, story_id: int, user_id: int, skips: int) -> None:
        await self._db.execute(
            "UPDATE story_participants SET skips_in_row = ? WHERE story_id = ? AND user_id = ?",
            (skips, story_id, user_id),
        )
