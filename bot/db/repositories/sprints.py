"""Writing sprints (/sprint): the sprints of each channel, who joined, and the words they wrote.

Moments cross the boundary as aware ``datetime`` values (``bot.db.timestamps``). Every change of
stage is conditional on the stage it leaves, so two timers (or a timer and /sprint end) racing
for the same step make it once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import aiosqlite

from bot.services.sprint.types import (
    LiveSprintTaken,
    NewSprint,
    SprintParticipant,
    SprintRecord,
    SprintStats,
)

from ..connection import Database
from ..timestamps import from_db, from_db_optional, to_db

__all__ = ["SprintRepository"]

LIVE = "('scheduled', 'running', 'grace')"


def _sprint(row: aiosqlite.Row) -> SprintRecord:
    return SprintRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        starter_id=row["starter_id"],
        duration_minutes=int(row["duration_minutes"]),
        goal_words=row["goal_words"],
        prompt_title=row["prompt_title"],
        prompt_text=row["prompt_text"],
        stage=row["stage"],
        created_at=from_db(row["created_at"]),
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        closes_at=from_db(row["closes_at"]),
        ended_early=bool(row["ended_early"]),
        ended_at=from_db_optional(row["ended_at"]),
    )


def _participant(row: aiosqlite.Row) -> SprintParticipant:
    return SprintParticipant(
        sprint_id=int(row["sprint_id"]),
        user_id=int(row["user_id"]),
        display_name=str(row["display_name"]),
        start_words=int(row["start_words"]),
        words=row["words"],
        wpm=row["wpm"],
        joined_at=from_db(row["joined_at"]),
        reported_at=from_db_optional(row["reported_at"]),
    )


class SprintRepository:
    data_name = "sprints"

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._db.transaction():
            yield

    # -- sprints -----------------------------------------------------------------------------

    async def create(self, new: NewSprint) -> SprintRecord:
        """Store a sprint; raises :class:`LiveSprintTaken` when its channel already has one."""
        try:
            sprint_id = await self._db.insert(
                "INSERT INTO sprints (guild_id, channel_id, starter_id, duration_minutes, "
                "goal_words, prompt_title, prompt_text, created_at, starts_at, ends_at, "
                "closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id,
                    new.channel_id,
                    new.starter_id,
                    new.duration_minutes,
                    new.goal_words,
                    new.prompt_title,
                    new.prompt_text,
                    to_db(new.created_at),
                    to_db(new.starts_at),
                    to_db(new.ends_at),
                    to_db(new.closes_at),
                ),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc) or getattr(exc, "sqlite_errorname", "").endswith("UNIQUE"):
                raise LiveSprintTaken() from None
            raise
        found = await self.get(sprint_id)
        assert found is not None
        return found

    async def get(self, sprint_id: int) -> SprintRecord | None:
        row = await self._db.fetchone("SELECT * FROM sprints WHERE id = ?", (sprint_id,))
        return _sprint(row) if row else None

    async def live_in_channel(self, channel_id: int) -> SprintRecord | None:
        row = await self._db.fetchone(
            f"SELECT * FROM sprints WHERE channel_id = ? AND stage IN {LIVE}", (channel_id,)
        )
        return _sprint(row) if row else None

    async def live(self) -> list[SprintRecord]:
        """Every sprint not yet over (to re-arm its timer at start-up)."""
        rows = await self._db.fetchall(f"SELECT * FROM sprints WHERE stage IN {LIVE} ORDER BY id")
        return [_sprint(r) for r in rows]

    async def set_stage(self, sprint_id: int, old: str, new: str, now: datetime) -> bool:
        """Move a sprint from stage ``old`` to ``new``; False when it was not at ``old``."""
        over = new in ("ended", "cancelled")
        changed = await self._db.execute(
            "UPDATE sprints SET stage = ?, ended_at = CASE WHEN ? THEN ? ELSE ended_at END "
            "WHERE id = ? AND stage = ?",
            (new, int(over), to_db(now), sprint_id, old),
        )
        return changed == 1

    async def cut_short(self, sprint_id: int, ends_at: datetime, closes_at: datetime) -> bool:
        """End a running sprint now (/sprint end): its time is up, its grace period begins."""
        changed = await self._db.execute(
            "UPDATE sprints SET ends_at = ?, closes_at = ?, ended_early = 1 "
            "WHERE id = ? AND stage IN ('scheduled', 'running') AND ends_at > ?",
            (to_db(ends_at), to_db(closes_at), sprint_id, to_db(ends_at)),
        )
        return changed == 1

    async def close_now(self, sprint_id: int, now: datetime) -> bool:
        """Cut a sprint's grace period short: its leaderboard is due now."""
        changed = await self._db.execute(
            "UPDATE sprints SET closes_at = ? WHERE id = ? AND stage = 'grace' AND closes_at > ?",
            (to_db(now), sprint_id, to_db(now)),
        )
        return changed == 1

    # -- participants ------------------------------------------------------------------------

    async def participants(self, sprint_id: int) -> list[SprintParticipant]:
        rows = await self._db.fetchall(
            "SELECT * FROM sprint_participants WHERE sprint_id = ? ORDER BY joined_at, user_id",
            (sprint_id,),
        )
        return [_participant(r) for r in rows]

    async def participant(self, sprint_id: int, user_id: int) -> SprintParticipant | None:
        row = await self._db.fetchone(
            "SELECT * FROM sprint_participants WHERE sprint_id = ? AND user_id = ?",
            (sprint_id, user_id),
        )
        return _participant(row) if row else None

    async def add_participant(
        self, sprint_id: int, user_id: int, display_name: str, start_words: int, now: datetime
    ) -> bool:
        """Join a member; False when they had already joined."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO sprint_participants (sprint_id, user_id, display_name, "
            "start_words, joined_at) VALUES (?, ?, ?, ?, ?)",
            (sprint_id, user_id, display_name, start_words, to_db(now)),
        )
        return changed == 1

    async def remove_participant(self, sprint_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM sprint_participants WHERE sprint_id = ? AND user_id = ?",
            (sprint_id, user_id),
        )
        return changed == 1

    async def report_words(self, sprint_id: int, user_id: int, words: int, now: datetime) -> bool:
        changed = await self._db.execute(
            "UPDATE sprint_participants SET words = ?, reported_at = ? "
            "WHERE sprint_id = ? AND user_id = ?",
            (words, to_db(now), sprint_id, user_id),
        )
        return changed == 1

    async def set_wpm(self, sprint_id: int, user_id: int, wpm: float) -> None:
        await self._db.execute(
            "UPDATE sprint_participants SET wpm = ? WHERE sprint_id = ? AND user_id = ?",
            (wpm, sprint_id, user_id),
        )

    async def stats(self, guild_id: int, user_id: int) -> SprintStats:
        """A member's totals over the server's ended sprints. CROSS JOIN keeps SQLite starting
        from the member's own rows (by their index), not from every ended sprint of the server
        (tests/benchmarks/bench_sprints.py)."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS sprints, COALESCE(SUM(p.words), 0) AS words, "
            "MAX(p.wpm) AS best FROM sprint_participants p "
            "CROSS JOIN sprints s ON s.id = p.sprint_id "
            "WHERE s.guild_id = ? AND p.user_id = ? AND s.stage = 'ended'",
            (guild_id, user_id),
        )
        if row is None:
            return SprintStats(user_id, 0, 0, None)
        best = row["best"]
        return SprintStats(
            user_id, int(row["sprints"]), int(row["words"]), float(best) if best else None
        )

    # -- member data (export and erasure) ---------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        joined = await self._db.fetchall(
            "SELECT s.id AS sprint_id, s.channel_id, s.duration_minutes, s.stage, s.starts_at, "
            "s.ends_at, p.display_name, p.start_words, p.words, p.wpm, p.joined_at, "
            "p.reported_at FROM sprint_participants p JOIN sprints s ON s.id = p.sprint_id "
            "WHERE s.guild_id = ? AND p.user_id = ? ORDER BY s.id",
            (guild_id, user_id),
        )
        started = await self._db.fetchall(
            "SELECT id AS sprint_id, channel_id, duration_minutes, goal_words, stage, "
            "created_at FROM sprints WHERE guild_id = ? AND starter_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {
            "sprints_joined": [dict(r) for r in joined],
            "sprints_started": [dict(r) for r in started],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """The member leaves every sprint of the server (their counts and totals go) and is
        no longer recorded as any sprint's starter."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "DELETE FROM sprint_participants WHERE user_id = ? "
                "AND sprint_id IN (SELECT id FROM sprints WHERE guild_id = ?)",
                (user_id, guild_id),
            )
            changed += await self._db.execute(
                "UPDATE sprints SET starter_id = NULL WHERE guild_id = ? AND starter_id = ?",
                (guild_id, user_id),
            )
        return changed
