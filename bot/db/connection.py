"""The one SQLite connection per process, its pragmas, transactions and migrations."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import ConfigurationError

__all__ = ["Database", "Migration", "load_migrations"]

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("in_tx", default=False)

Params = Sequence[Any] | dict[str, Any]


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path | None = None) -> list[Migration]:
    """The numbered ``NNNN_name.sql`` files, in order. Numbers must run 1, 2, 3… without gaps."""
    if directory is None:
        files = [
            (entry.name, entry.read_text(encoding="utf-8"))
            for entry in resources.files("bot.db").joinpath("migrations").iterdir()
            if entry.name.endswith(".sql")
        ]
    else:
        files = [(p.name, p.read_text(encoding="utf-8")) for p in directory.glob("*.sql")]
    migrations = []
    for name, sql in files:
        match = _MIGRATION_NAME.match(name)
        if not match:
            raise ConfigurationError(f"Badly named migration file: {name}")
        migrations.append(Migration(int(match.group(1)), name, sql))
    migrations.sort(key=lambda m: m.version)
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ConfigurationError(f"Migrations must be numbered without gaps: {migration.name}")
    return migrations


def _statements(script: str) -> list[str]:
    """Split a migration script into complete SQL statements (triggers included)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise ConfigurationError(f"Incomplete SQL statement at the end of a migration: {buffer!r}")
    return statements


class Database:
    """Wraps one aiosqlite connection (WAL, foreign keys, busy timeout).

    Every statement and transaction is serialised by one lock, so a transaction on the shared
    connection never interleaves with another coroutine's statements. Repositories are the only
    callers.
    """

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._cleanups: set[asyncio.Task[None]] = set()

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("the database is not open")
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    async def open(self, *, migrate: bool = True) -> list[int]:
        """Open (creating the file and its folder) and apply pending migrations."""
        if self._conn is None:
            try:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                # The busy timeout applies from the first statement: switching a new database
                # to WAL takes a lock another process (a second shard) may hold at that moment.
                conn = await aiosqlite.connect(
                    self.path, isolation_level=None, timeout=self._busy_timeout_ms / 1000
                )
            except Exception as exc:  # OSError / sqlite3.OperationalError for unusable paths
                raise ConfigurationError(
                    f"Cannot open the database {self.path}: {exc}. Check MUSE_DATABASE."
                ) from None
            conn.row_factory = aiosqlite.Row
            try:
                await conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
                await self._enable_wal(conn)
                await conn.execute("PRAGMA foreign_keys=ON")
                await conn.execute("PRAGMA synchronous=NORMAL")
                # Deleted rows are overwritten with zeros, so erased member data doesn't linger
                # in free pages (see :meth:`checkpoint` for the WAL).
                await conn.execute("PRAGMA secure_delete=ON")
            except Exception:
                await conn.close()
                raise
            self._conn = conn
        return await self.migrate() if migrate else []

    async def _enable_wal(self, conn: aiosqlite.Connection) -> None:
        """Switch to WAL. SQLite answers "locked" here without waiting when another connection
        is setting up the same new file (a second shard starting), so wait and retry."""
        attempts = max(1, self._busy_timeout_ms // 50)
        for attempt in range(attempts):
            try:
                await conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        """Close after any transaction in flight has finished (it holds the lock until then)."""
        if self._conn is None:
            return
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                await conn.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it, so no old page images (of
        rows since deleted) stay in the ``-wal`` file. Another process reading the database
        may keep part of the WAL alive; the next checkpoint takes the rest."""
        async with self._statement() as conn:
            await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def user_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply every migration newer than ``PRAGMA user_version``, each atomically.

        The version is read inside each migration's ``BEGIN IMMEDIATE`` transaction, so two
        processes starting on the same new database never apply a migration twice.
        """
        known = list(migrations) if migrations is not None else load_migrations()
        newest = known[-1].version if known else 0
        current = await self.user_version()
        if current > newest:
            raise ConfigurationError(
                f"The database {self.path} is at schema version {current}, newer than this "
                f"version of Muse knows ({newest}). Upgrade Muse or restore a matching backup."
            )
        applied = []
        for migration in known:
            if migration.version <= current:
                continue
            async with self.transaction():
                current = await self.user_version()
                if migration.version <= current:
                    continue  # another process applied it while we waited for the lock
                for statement in _statements(migration.sql):
                    await self.connection.execute(statement)
                await self.connection.execute(f"PRAGMA user_version = {migration.version}")
            log.info("applied migration %s", migration.name)
            applied.append(migration.version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error), holding the lock."""
        if _in_transaction.get():
            yield  # nested: part of the outer transaction
            return
        await self._lock.acquire()
        handed_over = False
        try:
            conn = self.connection
            begin = asyncio.ensure_future(conn.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                # BEGIN goes on in aiosqlite's thread whatever happens to this task. Releasing
                # the lock now could leave the shared connection inside a transaction nobody
                # owns, so a helper waits for it, rolls it back and only then releases the lock.
                handed_over = True
                self._spawn_cleanup(self._undo_begin(conn, begin))
                raise
            token = _in_transaction.set(True)
            try:
                yield
            except BaseException:
                await self._rollback(conn)
                raise
            else:
                try:
                    await conn.execute("COMMIT")
                except Exception:
                    await self._rollback(conn)  # never hand on a connection inside a transaction
                    raise
            finally:
                _in_transaction.reset(token)
        finally:
            if not handed_over:
                self._lock.release()

    async def _rollback(self, conn: aiosqlite.Connection) -> None:
        """Roll back if a transaction is still open (a failed COMMIT may have ended it)."""
        if conn.in_transaction:
            await conn.execute("ROLLBACK")

    async def _undo_begin(self, conn: aiosqlite.Connection, begin: asyncio.Future[Any]) -> None:
        try:
            with contextlib.suppress(Exception):
                await begin  # a BEGIN that failed opened nothing
            await self._rollback(conn)
        except Exception:
            log.exception("could not roll back a cancelled transaction's BEGIN")
        finally:
            self._lock.release()

    def _spawn_cleanup(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro, name="db-undo-begin")
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[aiosqlite.Connection]:
        if _in_transaction.get():
            yield self.connection
        else:
            async with self._lock:
                yield self.connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        async with self._statement() as conn:
            cursor = await conn.execute(sql, params)
            changed = cursor.rowcount
            await cursor.close()
        return int(changed)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; returns the new row id."""
        async with self._statement() as conn:
            cursor = await conn.execute(sql, params)
            row_id = cursor.lastrowid
            await cursor.close()
        return int(row_id or 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._statement() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._statement() as conn, conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._statement() as conn, conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [str(r[0]) for r in rows]
