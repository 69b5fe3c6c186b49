"""The outbox: messages Muse means to publish, recorded with the change that causes them.

A feature adds an item inside its own transaction (``add`` joins the caller's transaction), so
the state change and the intent to announce it commit together or not at all. The delivery
worker (``bot.services.outbox``) reads pending items in order and marks each one done only once
Discord has confirmed every part of it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from ..connection import Database
from ..timestamps import to_db

__all__ = ["OutboxItem", "OutboxRepository"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    guild_id: int
    channel_id: int
    kind: str
    payload: dict[str, Any]
    nonce: str
    status: str
    parts: list[dict[str, Any]] | None
    parts_sent: int
    message_ids: list[int]
    attempts: int
    first_attempt_at: float | None
    last_error: str | None

    def part_nonce(self, index: int) -> str:
        """The Discord nonce of one part (at most 25 characters, as Discord requires)."""
        return f"{self.nonce}.{index}"

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> OutboxItem:
        ids = str(row["message_ids"] or "")
        return cls(
            id=int(row["id"]),
            guild_id=int(row["guild_id"]),
            channel_id=int(row["channel_id"]),
            kind=str(row["kind"]),
            payload=json.loads(row["payload"]),
            nonce=str(row["nonce"]),
            status=str(row["status"]),
            parts=json.loads(row["parts"]) if row["parts"] is not None else None,
            parts_sent=int(row["parts_sent"]),
            message_ids=[int(x) for x in ids.split(",") if x],
            attempts=int(row["attempts"]),
            first_attempt_at=row["first_attempt_at"],
            last_error=row["last_error"],
        )


class OutboxRepository:
    data_name = "outbox"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        *,
        guild_id: int,
        channel_id: int,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        dedupe_key: str | None = None,
    ) -> int | None:
        """Record one message to publish (in the caller's transaction when there is one).
        Returns the item's id, or None when an item with the same ``dedupe_key`` exists."""
        changed = await self._db.execute(
            "INSERT OR IGNORE INTO outbox (guild_id, channel_id, kind, payload, dedupe_key, "
            "nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                channel_id,
                kind,
                json.dumps(payload, sort_keys=True),
                dedupe_key,
                secrets.token_hex(8),
                to_db(now),
            ),
        )
        if changed != 1:
            return None
        row = await self._db.fetchone("SELECT last_insert_rowid()")
        return int(row[0]) if row else None

    async def get(self, item_id: int) -> OutboxItem | None:
        row = await self._db.fetchone("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return OutboxItem.from_row(row) if row else None

    async def by_dedupe_key(self, dedupe_key: str) -> OutboxItem | None:
        row = await self._db.fetchone("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
        return OutboxItem.from_row(row) if row else None

    async def pending(self, limit: int = 500) -> list[OutboxItem]:
        """Pending items, oldest first (the order they must appear in within a channel)."""
        rows = await self._db.fetchall(
            "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
        )
        return [OutboxItem.from_row(r) for r in rows]

    async def next_pending(self, channel_id: int) -> OutboxItem | None:
        """The oldest pending item of one channel: the next to go out there."""
        row = await self._db.fetchone(
            "SELECT * FROM outbox WHERE status = 'pending' AND channel_id = ? ORDER BY id LIMIT 1",
            (channel_id,),
        )
        return OutboxItem.from_row(row) if row else None

    async def items(self, *, status: str | None = None) -> list[OutboxItem]:
        if status is None:
            rows = await self._db.fetchall("SELECT * FROM outbox ORDER BY id")
        else:
            rows = await self._db.fetchall(
                "SELECT * FROM outbox WHERE status = ? ORDER BY id", (status,)
            )
        return [OutboxItem.from_row(r) for r in rows]

    async def set_parts(self, item_id: int, parts: list[dict[str, Any]]) -> None:
        """Fix the rendered messages before the first send (a retry sends the same ones)."""
        await self._db.execute(
            "UPDATE outbox SET parts = ? WHERE id = ? AND parts IS NULL",
            (json.dumps(parts), item_id),
        )

    async def start_attempt(self, item_id: int, at: float) -> None:
        """Count an attempt; the first one records when sending began."""
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, "
            "first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?",
            (at, item_id),
        )

    async def part_sent(self, item_id: int, index: int, message_id: int) -> None:
        """Discord confirmed part ``index``: the next attempt starts after it."""
        await self._db.execute(
            "UPDATE outbox SET parts_sent = ?, message_ids = message_ids || ? "
            "WHERE id = ? AND parts_sent = ?",
            (index + 1, f"{message_id},", item_id, index),
        )

    async def finish(self, item_id: int, status: str, now: datetime, error: str | None) -> None:
        """Done (every part confirmed), dropped (nothing left to say) or failed (Discord
        refused it for good). The rendered text (member writing, files) is not kept once
        the item is settled: Discord holds the message now."""
        await self._db.execute(
            "UPDATE outbox SET status = ?, done_at = ?, last_error = ?, parts = NULL "
            "WHERE id = ? AND status = 'pending'",
            (status, to_db(now), error, item_id),
        )

    async def note_error(self, item_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET last_error = ? WHERE id = ?", (error[:500], item_id)
        )

    # -- member data (export and erasure) ---------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Messages addressed to the member (turn pings, reminders) that Muse recorded."""
        rows = await self._db.fetchall(
            "SELECT kind, status, created_at, done_at FROM outbox WHERE guild_id = ? "
            "AND json_extract(payload, '$.user_id') = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"messages_to_you": [dict(r) for r in rows]}

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Forget the messages addressed to the member (a pending ping is not sent), and let
        pending posts not yet begun render again from the erased data."""
        async with self._db.transaction():
            changed = await self._db.execute(
                "DELETE FROM outbox WHERE guild_id = ? AND json_extract(payload, '$.user_id') = ?",
                (guild_id, user_id),
            )
            await self._db.execute(
                "UPDATE outbox SET parts = NULL WHERE guild_id = ? AND status = 'pending' "
                "AND parts_sent = 0",
                (guild_id,),
            )
        return changed

    async def count_pending(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0
