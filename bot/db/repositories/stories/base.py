"""What the parts of the story repository share: the connection, the transaction the service
makes its checks in, and the mapping of rows to the service's records.

Moments cross the boundary as aware ``datetime`` values (``bot.db.timestamps``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite

from bot.services.story.types import ParticipantRecord, SegmentRecord, StoryRecord

from ...connection import Database
from ...timestamps import from_db, from_db_optional

__all__ = [
    "SEGMENT_COLUMNS",
    "StoryStore",
    "participant_from_row",
    "segment_from_row",
    "story_from_row",
]

SEGMENT_COLUMNS = (
    "id, story_id, seq, round, kind, author_id, author_name, stand_in_for, text, words, posted, "
    "created_at"
)


class StoryStore:
    """The connection and the transaction every part of the story repository works in."""

    data_name = "stories"

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._db.transaction():
            yield


def story_from_row(row: aiosqlite.Row) -> StoryRecord:
    return StoryRecord(
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
        turn_started_at=from_db_optional(row["turn_started_at"]),
        turn_deadline=from_db_optional(row["turn_deadline"]),
        paused_at=from_db_optional(row["paused_at"]),
        reminders_sent=int(row["reminders_sent"]),
        pinged_turn_seq=int(row["pinged_turn_seq"]),
        summary=str(row["summary"]),
        summary_through=int(row["summary_through"]),
        created_at=from_db(row["created_at"]),
        ended_at=from_db_optional(row["ended_at"]),
        human_only=bool(row["human_only"]),
        language=str(row["language"]),
    )


def participant_from_row(row: aiosqlite.Row) -> ParticipantRecord:
    return ParticipantRecord(
        story_id=int(row["story_id"]),
        user_id=int(row["user_id"]),
        display_name=str(row["display_name"]),
        position=float(row["position"]),
        active=bool(row["active"]),
        skips_in_row=int(row["skips_in_row"]),
        joined_at=from_db(row["joined_at"]),
        left_at=from_db_optional(row["left_at"]),
        left_reason=row["left_reason"],
    )


def segment_from_row(row: aiosqlite.Row) -> SegmentRecord:
    return SegmentRecord(
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
        created_at=from_db(row["created_at"]),
    )
