"""The segments of stories: what was written, by whom, and whether the outbox has it."""

from __future__ import annotations

from datetime import datetime

from bot.services.story.types import SegmentRecord

from ...timestamps import to_db
from .base import SEGMENT_COLUMNS, StoryStore, segment_from_row

__all__ = ["SegmentRows"]


class SegmentRows(StoryStore):
    """Segments, numbered ``seq`` 1, 2, … within each story."""

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
                to_db(now),
            ),
        )
        found = await self._db.fetchone(
            f"SELECT {SEGMENT_COLUMNS} FROM story_segments WHERE id = ?", (segment_id,)
        )
        assert found is not None
        return segment_from_row(found)

    async def segment_by_id(self, segment_id: int) -> SegmentRecord | None:
        row = await self._db.fetchone(
            f"SELECT {SEGMENT_COLUMNS} FROM story_segments WHERE id = ?", (segment_id,)
        )
        return segment_from_row(row) if row else None

    async def segments(
        self, story_id: int, *, after_seq: int = 0, limit: int = -1
    ) -> list[SegmentRecord]:
        """Segments in order, from ``after_seq + 1`` (``limit`` -1: all)."""
        rows = await self._db.fetchall(
            f"SELECT {SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (story_id, after_seq, limit),
        )
        return [segment_from_row(r) for r in rows]

    async def last_segments(self, story_id: int, count: int) -> list[SegmentRecord]:
        """The newest ``count`` segments, oldest first."""
        rows = await self._db.fetchall(
            f"SELECT {SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? "
            "ORDER BY seq DESC LIMIT ?",
            (story_id, count),
        )
        return [segment_from_row(r) for r in reversed(rows)]

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
            f"SELECT {SEGMENT_COLUMNS} FROM story_segments WHERE story_id = ? AND posted = 0 "
            "ORDER BY seq",
            (story_id,),
        )
        return [segment_from_row(r) for r in rows]

    async def mark_posted(self, segment_id: int) -> None:
        await self._db.execute("UPDATE story_segments SET posted = 1 WHERE id = ?", (segment_id,))
