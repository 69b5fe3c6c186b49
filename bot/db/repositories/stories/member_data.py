"""A member's story data: what they wrote and where they sat, to export it or erase it."""

from __future__ import annotations

from typing import Any

from bot.services.story.types import FORMER_MEMBER

from .base import StoryStore

__all__ = ["MemberStoryData"]


class MemberStoryData(StoryStore):
    """Export and erasure of one member's story data in one server."""

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        segments = await self._db.fetchall(
            "SELECT s.title AS story, s.id AS story_id, g.seq, g.round, g.kind, g.text, "
            "g.created_at FROM story_segments g JOIN stories s ON s.id = g.story_id "
            "WHERE s.guild_id = ? AND (g.author_id = ? OR g.stand_in_for = ?) "
            "ORDER BY g.story_id, g.seq",
            (guild_id, user_id, user_id),
        )
        participation = await self._db.fetchall(
            "SELECT s.title AS story, s.id AS story_id, p.display_name, p.active, "
            "p.skips_in_row, p.joined_at, p.left_at, p.left_reason "
            "FROM story_participants p JOIN stories s ON s.id = p.story_id "
            "WHERE s.guild_id = ? AND p.user_id = ? ORDER BY p.story_id",
            (guild_id, user_id),
        )
        started = await self._db.fetchall(
            "SELECT id AS story_id, title, genre, status, created_at, ended_at FROM stories "
            "WHERE guild_id = ? AND starter_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        canon = await self._db.fetchall(
            "SELECT s.title AS story, s.id AS story_id, c.kind, c.name, c.description, "
            "c.triggers, c.created_at, c.updated_at FROM story_canon c "
            "JOIN stories s ON s.id = c.story_id WHERE s.guild_id = ? AND c.author_id = ? "
            "ORDER BY c.story_id, c.id",
            (guild_id, user_id),
        )
        return {
            "segments": [{**dict(r), "ai_written": r["kind"] != "member"} for r in segments],
            "canon": [
                {**dict(r), "triggers": [t for t in str(r["triggers"]).split("\n") if t]}
                for r in canon
            ],
            "participation": [dict(r) for r in participation],
            "stories_started": [dict(r) for r in started],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Segments and canon entries stay with their stories, credited to "a former member";
        the member's participation goes, and so does their mark as a story's starter."""
        in_guild = "story_id IN (SELECT id FROM stories WHERE guild_id = ?)"
        changed = 0
        async with self._db.transaction():
            changed += await self._db.execute(
                "UPDATE story_segments SET author_id = NULL, author_name = ? "
                f"WHERE author_id = ? AND {in_guild}",
                (FORMER_MEMBER, user_id, guild_id),
            )
            changed += await self._db.execute(
                "UPDATE story_segments SET stand_in_for = NULL, author_name = ? "
                f"WHERE stand_in_for = ? AND {in_guild}",
                (FORMER_MEMBER, user_id, guild_id),
            )
            changed += await self._db.execute(
                "UPDATE story_canon SET author_id = NULL, author_name = ? "
                f"WHERE author_id = ? AND {in_guild}",
                (FORMER_MEMBER, user_id, guild_id),
            )
            changed += await self._db.execute(
                f"DELETE FROM story_participants WHERE user_id = ? AND {in_guild}",
                (user_id, guild_id),
            )
            changed += await self._db.execute(
                "UPDATE stories SET starter_id = NULL WHERE starter_id = ? AND guild_id = ?",
                (user_id, guild_id),
            )
            # The story service has moved any running turn on first (release_member); what
            # remains is the last writer of an ended story, or a turn that changed hands since.
            changed += await self._db.execute(
                "UPDATE stories SET current_user_id = NULL "
                "WHERE current_user_id = ? AND guild_id = ?",
                (user_id, guild_id),
            )
        return changed
