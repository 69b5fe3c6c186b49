"""Servers Muse has left (kept in ``bot_state``), a departed server's erasure, and pruning.

A departure is a ``bot_state`` row ``guild_left:<id>`` holding the time Muse left; rejoining
deletes it. Erasing a server deletes every row of every table with a ``guild_id`` column (child
tables go with them by their foreign keys; the works index follows by its triggers).
"""

from __future__ import annotations

from datetime import datetime

from ..connection import Database
from ..timestamps import from_db, to_db

__all__ = ["LifecycleRepository"]

_PREFIX = "guild_left:"


class LifecycleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record_departure(self, guild_id: int, at: datetime) -> None:
        """Keep the first departure time when Muse is told twice (a replayed GUILD_DELETE)."""
        await self._db.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (f"{_PREFIX}{guild_id}", to_db(at), to_db(at)),
        )

    async def clear_departure(self, guild_id: int) -> bool:
        return (
            await self._db.execute("DELETE FROM bot_state WHERE key = ?", (f"{_PREFIX}{guild_id}",))
            > 0
        )

    async def departures(self) -> dict[int, datetime]:
        rows = await self._db.fetchall(
            "SELECT key, value FROM bot_state WHERE key LIKE ?", (f"{_PREFIX}%",)
        )
        found: dict[int, datetime] = {}
        for row in rows:
            guild = str(row["key"]).removeprefix(_PREFIX)
            if guild.isdigit():
                found[int(guild)] = from_db(str(row["value"]))
        return found

    async def guild_tables(self) -> list[str]:
        """Tables with a ``guild_id`` column, newest first (children before their parents)."""
        tables = await self._db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY rowid DESC"
        )
        found = []
        for table in tables:
            name = str(table["name"])
            columns = await self._db.fetchall("SELECT name FROM pragma_table_info(?)", (name,))
            if any(str(c["name"]) == "guild_id" for c in columns):
                found.append(name)
        return found

    async def erase_guild(self, guild_id: int) -> int:
        """Delete everything stored for one server, and its departure; returns rows deleted."""
        tables = await self.guild_tables()
        deleted = 0
        async with self._db.transaction():
            for table in tables:
                # Table names come from sqlite_master, never from input.
                deleted += await self._db.execute(
                    f'DELETE FROM "{table}" WHERE guild_id = ?',
                    (guild_id,),
                )
            await self._db.execute("DELETE FROM bot_state WHERE key = ?", (f"{_PREFIX}{guild_id}",))
        return deleted

    async def prune_generations(self, before: datetime) -> int:
        """Finished /write results older than ``before`` (their buttons then say "gone")."""
        return await self._db.execute(
            "DELETE FROM generations WHERE status != 'running' AND created_at < ?",
            (to_db(before),),
        )
