"""What the parts of the prompt-of-the-day repository share: the connection, the transaction
the service makes its checks in, and the mapping of rows to the service's records
(``bot.services.potd.types``).

Moments cross the boundary as aware ``datetime`` values (``bot.db.timestamps``), given by the
service, which owns the clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite

from bot.services.potd.types import (
    PotdConfigRecord,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSubmissionRecord,
    PotdSuggestionRecord,
)

from ...connection import Database
from ...timestamps import from_db, from_db_optional

__all__ = [
    "CONFIG_COLUMNS",
    "POST_COLUMNS",
    "QUEUE_COLUMNS",
    "SUBMISSION_COLUMNS",
    "SUGGESTION_COLUMNS",
    "PotdStore",
    "config_from_row",
    "json_list",
    "post_from_row",
    "queue_from_row",
    "submission_from_row",
    "suggestion_from_row",
]

CONFIG_COLUMNS = "guild_id, channel_id, post_time, timezone, medium, themes, paused, active_since"
POST_COLUMNS = (
    "id, guild_id, local_date, status, source, title, prompt, twists, tags, medium, "
    "calendar_word, channel_id, message_id, thread_id, late, note, claimed_at, send_started_at, "
    "posted_at"
)
QUEUE_COLUMNS = "id, guild_id, status, origin, title, prompt, twists, tags, author_id, added_by"
SUGGESTION_COLUMNS = "id, guild_id, user_id, title, prompt, status, reviewer_id, queue_id"
SUBMISSION_COLUMNS = (
    "id, guild_id, post_id, local_date, user_id, text, attachment_name, attachment_url, "
    "message_id, created_at"
)


class PotdStore:
    """The connection and the transaction every part of the repository works in. Also the
    feature's :class:`~bot.services.hooks.MemberData` name."""

    data_name = "prompt_of_the_day"

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One transaction for several writes (other repositories' writes join it)."""
        async with self._db.transaction():
            yield


def json_list(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    value = json.loads(raw)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def config_from_row(row: aiosqlite.Row) -> PotdConfigRecord:
    return PotdConfigRecord(
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        post_time=str(row["post_time"]),
        timezone=str(row["timezone"]),
        medium=str(row["medium"]),
        themes=row["themes"],
        paused=bool(row["paused"]),
        active_since=from_db(row["active_since"]),
    )


def post_from_row(row: aiosqlite.Row) -> PotdPostRecord:
    return PotdPostRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        local_date=str(row["local_date"]),
        status=str(row["status"]),
        source=row["source"],
        title=row["title"],
        prompt=row["prompt"],
        twists=json_list(row["twists"]),
        tags=json_list(row["tags"]),
        medium=row["medium"],
        calendar_word=row["calendar_word"],
        channel_id=int(row["channel_id"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        late=bool(row["late"]),
        note=row["note"],
        claimed_at=from_db(row["claimed_at"]),
        send_started_at=from_db_optional(row["send_started_at"]),
        posted_at=from_db_optional(row["posted_at"]),
    )


def queue_from_row(row: aiosqlite.Row) -> PotdQueueRecord:
    return PotdQueueRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        status=str(row["status"]),
        origin=str(row["origin"]),
        title=str(row["title"]),
        prompt=str(row["prompt"]),
        twists=json_list(row["twists"]),
        tags=json_list(row["tags"]),
        author_id=row["author_id"],
        added_by=row["added_by"],
    )


def suggestion_from_row(row: aiosqlite.Row) -> PotdSuggestionRecord:
    return PotdSuggestionRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        title=str(row["title"]),
        prompt=str(row["prompt"]),
        status=str(row["status"]),
        reviewer_id=row["reviewer_id"],
        queue_id=row["queue_id"],
    )


def submission_from_row(row: aiosqlite.Row) -> PotdSubmissionRecord:
    return PotdSubmissionRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        post_id=int(row["post_id"]),
        local_date=str(row["local_date"]),
        user_id=int(row["user_id"]),
        text=row["text"],
        attachment_name=row["attachment_name"],
        attachment_url=row["attachment_url"],
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
    )
