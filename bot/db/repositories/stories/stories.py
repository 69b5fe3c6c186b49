"""The stories themselves: creating one, finding it, and the changes of its state (turns,
pause, resume, end, reminders, pings, summary)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from bot.services.story.types import (
    AI_PARTNER_ID,
    NewStory,
    StoryRecord,
    StoryTitleTaken,
    TurnState,
)

from ...timestamps import to_db, to_db_optional
from .base import story_from_row
from .participants import ParticipantRows

__all__ = ["StoryRows"]


class StoryRows(ParticipantRows):
    """Rows of ``stories`` (creating one seats its starter, hence the participants' part)."""

    async def create(self, new: NewStory, now: datetime, deadline: datetime) -> StoryRecord:
        """The story, its starter in the first seat and the AI partner (when on) in the second;
        the starter holds the first turn."""
        async with self._db.transaction():
            try:
                story_id = await self._db.insert(
                    "INSERT INTO stories (guild_id, channel_id, thread_id, title, genre, "
                    "starter_id, turn_seconds, word_limit, max_rounds, max_participants, "
                    "ai_partner, shuffle, human_only, language, current_user_id, turn_position, "
                    "turn_started_at, turn_deadline, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1.0, ?, ?, ?)",
                    (
                        new.guild_id,
                        new.channel_id,
                        new.thread_id,
                        new.title,
                        new.genre,
                        new.starter_id,
                        new.turn_seconds,
                        new.word_limit,
                        new.max_rounds,
                        new.max_participants,
                        int(new.ai_partner),
                        int(new.shuffle),
                        int(new.human_only),
                        new.language,
                        new.starter_id,
                        to_db(now),
                        to_db(deadline),
                        to_db(now),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                if _unique_violation(exc):  # a race on the title's unique index
                    raise StoryTitleTaken() from None
                raise
            await self.add_participant(story_id, new.starter_id, new.starter_name, 1.0, now)
            if new.ai_partner:
                await self.add_participant(story_id, AI_PARTNER_ID, new.ai_name, 2.0, now)
        story = await self.get(story_id)
        assert story is not None
        return story

    async def get(self, story_id: int) -> StoryRecord | None:
        row = await self._db.fetchone("SELECT * FROM stories WHERE id = ?", (story_id,))
        return story_from_row(row) if row else None

    async def by_thread(self, thread_id: int) -> StoryRecord | None:
        row = await self._db.fetchone("SELECT * FROM stories WHERE thread_id = ?", (thread_id,))
        return story_from_row(row) if row else None

    async def find_by_title(self, guild_id: int, title: str) -> list[StoryRecord]:
        """Stories of the server with this title (any case), running ones first, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM stories WHERE guild_id = ? AND lower(title) = lower(?) "
            "ORDER BY status = 'ended', id DESC",
            (guild_id, title),
        )
        return [story_from_row(r) for r in rows]

    async def title_taken(self, guild_id: int, title: str) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM stories WHERE guild_id = ? AND lower(title) = lower(?) "
            "AND status != 'ended'",
            (guild_id, title),
        )
        return row is not None

    async def list_for_guild(
        self, guild_id: int, statuses: Sequence[str], *, limit: int = 25, search: str = ""
    ) -> list[StoryRecord]:
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetchall(
            f"SELECT * FROM stories WHERE guild_id = ? AND status IN ({marks}) "
            "AND instr(lower(title), lower(?)) > 0 "
            "ORDER BY status = 'ended', COALESCE(ended_at, created_at) DESC, id DESC LIMIT ?",
            (guild_id, *statuses, search, limit),
        )
        return [story_from_row(r) for r in rows]

    async def count_running(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM stories WHERE guild_id = ? AND status != 'ended'", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def running(self) -> list[StoryRecord]:
        """Every story not yet ended, in every server (to rebuild deadlines at start-up)."""
        rows = await self._db.fetchall("SELECT * FROM stories WHERE status != 'ended' ORDER BY id")
        return [story_from_row(r) for r in rows]

    async def set_turn(self, story_id: int, turn: TurnState) -> None:
        """A new turn (or none: waiting for writers). Bumps ``turn_seq`` so old jobs go stale."""
        await self._db.execute(
            "UPDATE stories SET current_user_id = ?, turn_position = ?, round = ?, "
            "turn_started_at = ?, turn_deadline = ?, reminders_sent = 0, "
            "turn_seq = turn_seq + 1 WHERE id = ?",
            (
                turn.current_user_id,
                turn.turn_position,
                turn.round,
                to_db_optional(turn.started_at),
                to_db_optional(turn.deadline),
                story_id,
            ),
        )

    async def pause(self, story_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE stories SET status = 'paused', paused_at = ? WHERE id = ?",
            (to_db(now), story_id),
        )

    async def resume(
        self, story_id: int, started_at: datetime | None, deadline: datetime | None
    ) -> None:
        """Open again, the turn's clock shifted by the pause (same turn: ``turn_seq`` is kept,
        so the reminders already sent stay sent)."""
        await self._db.execute(
            "UPDATE stories SET status = 'open', paused_at = NULL, turn_started_at = ?, "
            "turn_deadline = ? WHERE id = ?",
            (to_db_optional(started_at), to_db_optional(deadline), story_id),
        )

    async def end(self, story_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE stories SET status = 'ended', ended_at = ?, current_user_id = NULL, "
            "turn_deadline = NULL, paused_at = NULL, turn_seq = turn_seq + 1 WHERE id = ?",
            (to_db(now), story_id),
        )

    async def claim_reminder(self, story_id: int, turn_seq: int, level: int) -> bool:
        """Record that reminder ``level`` (1: half time, 2: 90 %) of this turn goes out; False
        when it (or a later one) already did, or the turn is over."""
        changed = await self._db.execute(
            "UPDATE stories SET reminders_sent = ? WHERE id = ? AND turn_seq = ? "
            "AND reminders_sent < ? AND status = 'open'",
            (level, story_id, turn_seq, level),
        )
        return changed == 1

    async def claim_ping(self, story_id: int, turn_seq: int) -> bool:
        """Record that the writer of this turn is being told; False if already done."""
        changed = await self._db.execute(
            "UPDATE stories SET pinged_turn_seq = ? WHERE id = ? AND turn_seq = ? "
            "AND pinged_turn_seq < ?",
            (turn_seq, story_id, turn_seq, turn_seq),
        )
        return changed == 1

    async def update_summary(self, story_id: int, summary: str, through: int) -> None:
        await self._db.execute(
            "UPDATE stories SET summary = ?, summary_through = ? WHERE id = ? "
            "AND summary_through < ?",
            (summary, through, story_id, through),
        )


def _unique_violation(exc: sqlite3.IntegrityError) -> bool:
    """Whether a UNIQUE constraint (here: a running story's title) refused the row."""
    name = getattr(exc, "sqlite_errorname", None)
    if name is not None:
        return bool(name == "SQLITE_CONSTRAINT_UNIQUE")
    return "UNIQUE" in str(exc)
