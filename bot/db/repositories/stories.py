"""Story chains (/story): stories, their rotation of participants, and the segments written.

Times are stored as ISO-8601 UTC strings given by the service (which owns the clock).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from ..connection import Database

__all__ = [
    "AI_PARTNER_ID",
    "FORMER_MEMBER",
    "NewStory",
    "ParticipantRecord",
    "SegmentRecord",
    "StoryRecord",
    "StoryRepository",
    "TurnState",
]

AI_PARTNER_ID = 0
FORMER_MEMBER = "a former member"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    id: int
    guild_id: int
    channel_id: int
    thread_id: int
    title: str
    genre: str
    starter_id: int | None
    turn_seconds: int
    word_limit: int
    max_rounds: int | None
    max_participants: int | None
    ai_partner: bool
    shuffle: bool
    status: str
    round: int
    turn_seq: int
    current_user_id: int | None
    turn_position: float | None
    turn_started_at: datetime | None
    turn_deadline: datetime | None
    paused_at: datetime | None
    reminders_sent: int
    pinged_turn_seq: int
    summary: str
    summary_through: int
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> StoryRecord:
        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            channel_id=int(row["channel_id"]),
            thread_id=int(row["thread_id"]),
            title=str(row["title"]),
            genre=str(row["genre"]),
            starter_id=row["starter_id"],
            turn_seconds=int(row["turn_seconds"]),
            word_limit=int(row["word_limit"]),
            max_rounds=row["max_rounds"],
            max_participants=row["max_participants"],
            ai_partner=bool(row["ai_partner"]),
            shuffle=bool(row["shuffle"]),
            status=str(row["status"]),
            round=int(row["round"]),
            turn_seq=int(row["turn_seq"]),
            current_user_id=row["current_user_id"],
            turn_position=row["turn_position"],
            turn_started_at=_dt(row["turn_started_at"]),
            turn_deadline=_dt(row["turn_deadline"]),
            paused_at=_dt(row["paused_at"]),
            reminders_sent=int(row["reminders_sent"]),
            pinged_turn_seq=int(row["pinged_turn_seq"]),
            summary=str(row["summary"]),
            summary_through=int(row["summary_through"]),
            created_at=datetime.fromisoformat(row["created_at"]),
            ended_at=_dt(row["ended_at"]),
        )


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    story_id: int
    user_id: int
    display_name: str
    position: float
    active: bool
    skips_in_row: int
    joined_at: datetime
    left_at: datetime | None
    left_reason: str | None

    @property
    def is_ai(self) -> bool:
        return self.user_id == AI_PARTNER_ID

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> ParticipantRecord:
        return cls(
            story_id=int(row["story_id"]),
            user_id=int(row["user_id"]),
            display_name=str(row["display_name"]),
            position=float(row["position"]),
            active=bool(row["active"]),
            skips_in_row=int(row["skips_in_row"]),
            joined_at=datetime.fromisoformat(row["joined_at"]),
            left_at=_dt(row["left_at"]),
            left_reason=row["left_reason"],
        )


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    id: int
    story_id: int
    seq: int
    round: int
    kind: str  # 'member', 'ai' (the AI partner's own turn) or 'stand_in' (AI for a member)
    author_id: int | None
    author_name: str
    stand_in_for: int | None
    text: str
    words: int
    posted: bool
    created_at: datetime

    @property
    def ai_written(self) -> bool:
        return self.kind != "member"

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> SegmentRecord:
        return cls(
            id=int(row["id"]),
            story_id=int(row["story_id"]),
            seq=int(row["seq"]),
            round=int(row["round"]),
            kind=str(row["kind"]),
            author_id=row["author_id"],
            author_name=str(row["author_name"]),
            stand_in_for=row["stand_in_for"],
            text=str(row["text"]),
            words=int(row["words"]),
            posted=bool(row["posted"]),
            created_at=datetime.fromisoformat(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class NewStory:
    guild_id: int
    channel_id: int
    thread_id: int
    title: str
    genre: str
    starter_id: int
    starter_name: str
    turn_seconds: int
    word_limit: int
    max_rounds: int | None
    max_participants: int | None
    ai_partner: bool
    ai_name: str
    shuffle: bool


@dataclass(frozen=True, slots=True)
class TurnState:
    """Whose turn it is and since when; written together, bumping ``turn_seq``."""

    current_user_id: int | None
    turn_position: float | None
    round: int
    started_at: datetime | None
    deadline: datetime | None


_SEGMENT_COLUMNS = (
    "id, story_id, seq, round, kind, author_id, author_name, stand_in_for, text, words, posted, "
    "created_at"
)


class StoryRepository:
    """Stories, participants and segments. ``transaction()`` lets the service make a check and
    the writes that depend on it atomic."""

    data_name = "stories"

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._db.transaction():
            yield

    # -- stories ----------------------------------------------------------------------------

    async def create(self, new: NewStory, now: datetime, deadline: datetime) -> StoryRecord:
        """The story, its starter in the first seat and the AI partner (when on) in the second;
        the starter holds the first turn."""
        async with self._db.transaction():
            story_id = await self._db.insert(
                "INSERT INTO stories (guild_id, channel_id, thread_id, title, genre, starter_id, "
                "turn_seconds, word_limit, max_rounds, max_participants, ai_partner, shuffle, "
                "current_user_id, turn_position, turn_started_at, turn_deadline, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1.0, ?, ?, ?)",
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
                    new.starter_id,
                    _iso(now),
                    _iso(deadline),
                    _iso(now),
                ),
            )
            await self.add_participant(story_id, new.starter_id, new.starter_name, 1.0, now)
            if new.ai_partner:
                await self.add_participant(story_id, AI_PARTNER_ID, new.ai_name, 2.0, now)
        story = await self.get(story_id)
        assert story is not None
        return story

    async def get(self, story_id: int) -> StoryRecord | None:
        row = await self._db.fetchone("SELECT * FROM stories WHERE id = ?", (story_id,))
        return StoryRecord.from_row(row) if row else None

    async def by_thread(self, thread_id: int) -> StoryRecord | None:
        row = await self._db.fetchone("SELECT * FROM stories WHERE thread_id = ?", (thread_id,))
        return StoryRecord.from_row(row) if row else None

    async def find_by_title(self, guild_id: int, title: str) -> list[StoryRecord]:
        """Stories of the server with this title (any case), running ones first, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM stories WHERE guild_id = ? AND lower(title) = lower(?) "
            "ORDER BY status = 'ended', id DESC",
            (guild_id, title),
        )
        return [StoryRecord.from_row(r) for r in rows]

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
        return [StoryRecord.from_row(r) for r in rows]

    async def count_running(self, guild_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM stories WHERE guild_id = ? AND status != 'ended'", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def running(self) -> list[StoryRecord]:
        """Every story not yet ended, in every server (to rebuild deadlines at start-up)."""
        rows = await self._db.fetchall("SELECT * FROM stories WHERE status != 'ended' ORDER BY id")
        return [StoryRecord.from_row(r) for r in rows]

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
                _iso(turn.started_at),
                _iso(turn.deadline),
                story_id,
            ),
        )

    async def pause(self, story_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE stories SET status = 'paused', paused_at = ? WHERE id = ?",
            (_iso(now), story_id),
        )

    async def resume(
        self, story_id: int, started_at: datetime | None, deadline: datetime | None
    ) -> None:
        """Open again, the turn's clock shifted by the pause (same turn: ``turn_seq`` is kept,
        so the reminders already sent stay sent)."""
        await self._db.execute(
            "UPDATE stories SET status = 'open', paused_at = NULL, turn_started_at = ?, "
            "turn_deadline = ? WHERE id = ?",
            (_iso(started_at), _iso(deadline), story_id),
        )

    async def end(self, story_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE stories SET status = 'ended', ended_at = ?, current_user_id = NULL, "
            "turn_deadline = NULL, paused_at = NULL, turn_seq = turn_seq + 1 WHERE id = ?",
            (_iso(now), story_id),
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

    async def segment_by_id(self, segment_id: int) -> SegmentRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_SEGMENT_COLUMNS} FROM story_segments WHERE id = ?", (segment_id,)
        )
        return SegmentRecord.from_row(row) if row else None

    async def update_summary(self, story_id: int, summary: str, through: int) -> None:
        await self._db.execute(
            "UPDATE stories SET summary = ?, summary_through = ? WHERE id = ? "
            "AND summary_through < ?",
            (summary, through, story_id, through),
        )

    # -- participants -----------------------------------------------------------------------

    async def participants(self, story_id: int) -> list[ParticipantRecord]:
        rows = await self._db.fetchall(
            "SELECT * FROM story_participants WHERE story_id = ? ORDER BY position",
            (story_id,),
        )
        return [ParticipantRecord.from_row(r) for r in rows]

    async def add_participant(
        self, story_id: int, user_id: int, display_name: str, position: float, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO story_participants (story_id, user_id, display_name, position, "
            "joined_at) VALUES (?, ?, ?, ?, ?)",
            (story_id, user_id, display_name, position, _iso(now)),
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
            (_iso(now), reason, story_id, user_id),
        )

    async def set_skips(self, story_id: int, user_id: int, skips: int) -> None:
        await self._db.execute(
            "UPDATE story_participants SET skips_in_row = ? WHERE story_id = ? AND user_id = ?",
            (skips, story_id, user_id),
        )

    # -- segments ---------------------------------------------------------------------------

    async def add_segment(
        self,
        story_id: int,
        *,
        round_: int,
        kind: str,
        author_id: int | None,
        author_name: str,
        stand_in_for: int | None,
        text: str,
        now: datetime,
    ) -> SegmentRecord:
        row = await self._db.fetchone(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM story_segments WHERE story_id = ?",
            (story_id,),
        )
        seq = int(row[0]) if row else 1
        segment_id = await self._db.insert(
            "INSERT INTO story_segments (story_id, seq, round, kind, author_id, author_name, "
            "stand_in_for, text, words, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                story_id,
                seq,
                round_,
                kind,
                author_id,
                author_name,
                stand_in_for,
                text,
                len(text.split()),
                _iso(now),
            ),
        )
        found = await self._db.fetchone(
            f"SELECT {_SEGMENT_COLUMNS} FROM story_segments WHERE id = ?", (segment_id,)
        )
        assert found is not None
        return SegmentRecord.from_row(found)

    async def segments(
        self, story_id: int, *, after_seq: int = 0, limit: int = -1
    ) -> list[SegmentRecord]:
        """Segments in order, from ``after_seq + 1`` (``limit`` -1: all)."""
        rows = await self._db.fetchall(
            f"SELECT {_SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (story_id, after_seq, limit),
        )
        return [SegmentRecord.from_row(r) for r in rows]

    async def last_segments(self, story_id: int, count: int) -> list[SegmentRecord]:
        """The newest ``count`` segments, oldest first."""
        rows = await self._db.fetchall(
            f"SELECT {_SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? "
            "ORDER BY seq DESC LIMIT ?",
            (story_id, count),
        )
        return [SegmentRecord.from_row(r) for r in reversed(rows)]

    async def segment_lengths(self, story_id: int) -> list[tuple[int, int]]:
        """(seq, characters) of every segment, for paging without loading the texts."""
        rows = await self._db.fetchall(
            "SELECT seq, length(text) + length(author_name) FROM story_segments "
            "WHERE story_id = ? ORDER BY seq",
            (story_id,),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def segment_count(self, story_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM story_segments WHERE story_id = ?", (story_id,)
        )
        return int(row[0]) if row else 0

    async def unposted_segments(self, story_id: int) -> list[SegmentRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? AND posted = 0 "
            "ORDER BY seq",
            (story_id,),
        )
        return [SegmentRecord.from_row(r) for r in rows]

    async def mark_posted(self, segment_id: int) -> None:
        await self._db.execute("UPDATE story_segments SET posted = 1 WHERE id = ?", (segment_id,))

    # -- member data ------------------------------------------------------------------------

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
        return {
            "segments": [dict(r) for r in segments],
            "participation": [dict(r) for r in participation],
            "stories_started": [dict(r) for r in started],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Segments stay with their stories, credited to "a former member"; the member's
        participation goes, and so does their mark as a story's starter."""
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
