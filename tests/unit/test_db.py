from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database, Migration, Repositories, load_migrations
from bot.errors import ConfigurationError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_fresh_database_is_fully_migrated(db: Database) -> None:
    migrations = load_migrations()
    assert await db.user_version() == migrations[-1].version
    assert {"guild_settings", "members", "bot_state"} <= set(await db.tables())
    row = await db.fetchone("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"
    row = await db.fetchone("PRAGMA foreign_keys")
    assert row is not None and row[0] == 1
    row = await db.fetchone("PRAGMA secure_delete")  # erased rows leave zeros, not text
    assert row is not None and row[0] == 1


async def test_reopening_applies_nothing(tmp_path: Path) -> None:
    first = Database(tmp_path / "a.db")
    assert await first.open()
    await first.close()
    second = Database(tmp_path / "a.db")
    assert await second.open() == []
    await second.close()


async def test_upgrade_applies_only_new_migrations_and_keeps_data(tmp_path: Path) -> None:
    base = [Migration(1, "0001_a.sql", "CREATE TABLE t (x INTEGER);")]
    db = Database(tmp_path / "b.db")
    await db.open(migrate=False)
    assert await db.migrate(base) == [1]
    await db.execute("INSERT INTO t (x) VALUES (41)")
    upgraded = [*base, Migration(2, "0002_b.sql", "ALTER TABLE t ADD COLUMN y INTEGER DEFAULT 1;")]
    assert await db.migrate(upgraded) == [2]
    row = await db.fetchone("SELECT x, y FROM t")
    assert row is not None and (row["x"], row["y"]) == (41, 1)
    assert await db.user_version() == 2
    await db.close()


async def test_failed_migration_rolls_back_entirely(tmp_path: Path) -> None:
    db = Database(tmp_path / "c.db")
    await db.open(migrate=False)
    broken = [Migration(1, "0001_x.sql", "CREATE TABLE ok (x INTEGER);\nCREATE TABLE ok (y);")]
    with pytest.raises(sqlite3.OperationalError):
        await db.migrate(broken)
    assert await db.user_version() == 0
    assert "ok" not in await db.tables()
    await db.close()


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.db")
    await db.open()
    await db.execute("PRAGMA user_version = 999")
    with pytest.raises(ConfigurationError, match="newer"):
        await db.migrate()
    await db.close()


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0003_c.sql").write_text("")
    with pytest.raises(ConfigurationError, match="without gaps"):
        load_migrations(tmp_path)
    (tmp_path / "0003_c.sql").unlink()
    (tmp_path / "2_bad.sql").write_text("")
    with pytest.raises(ConfigurationError, match="Badly named"):
        load_migrations(tmp_path)


async def test_transaction_rolls_back_on_error(repos: Repositories) -> None:
    with pytest.raises(RuntimeError):
        async with repos.db.transaction():
            await repos.state.set("k", "v", NOW)
            raise RuntimeError("boom")
    assert await repos.state.get("k") is None


async def test_transactions_do_not_interleave(repos: Repositories) -> None:
    """A statement from another task waits for an open transaction instead of joining it."""
    entered = asyncio.Event()
    release = asyncio.Event()

    async def in_transaction() -> None:
        with pytest.raises(RuntimeError):
            async with repos.db.transaction():
                await repos.state.set("a", "1", NOW)
                entered.set()
                await release.wait()
                raise RuntimeError("roll back")

    task = asyncio.create_task(in_transaction())
    await entered.wait()
    outside = asyncio.create_task(repos.state.set("b", "2", NOW))
    await asyncio.sleep(0.05)
    assert not outside.done()
    release.set()
    await task
    await outside
    assert await repos.state.get("a") is None
    assert await repos.state.get("b") == "2"


async def test_guild_settings_repository(repos: Repositories) -> None:
    assert (await repos.guilds.get(1)).medium == "mixed"
    assert (await repos.guilds.set_medium(1, "music", NOW)).medium == "music"
    assert (await repos.guilds.set_medium(1, "writing", NOW)).medium == "writing"
    assert (await repos.guilds.get(2)).medium == "mixed"
    with pytest.raises(sqlite3.IntegrityError):
        await repos.guilds.set_medium(1, "sculpture", NOW)  # type: ignore[arg-type]


async def test_member_consent_repository(repos: Repositories) -> None:
    unknown = await repos.members.get(1, 10)
    assert unknown.consent is False and unknown.consent_at is None
    opted = await repos.members.set_consent(1, 10, True, NOW)
    assert opted.consent is True and opted.consent_at is not None
    assert (await repos.members.get(2, 10)).consent is False  # consent is per server
    out = await repos.members.set_consent(1, 10, False, NOW)
    assert out.consent is False and out.consent_at is None
    assert (await repos.members.set_personalise(1, 10, False, NOW)).personalise is False
    assert await repos.members.delete(1, 10) is True
    assert await repos.members.delete(1, 10) is False


async def test_bot_state_repository(repos: Repositories) -> None:
    assert await repos.state.get("sync") is None
    await repos.state.set("sync", "abc", NOW)
    await repos.state.set("sync", "def", NOW)
    assert await repos.state.get("sync") == "def"
    await repos.state.delete("sync")
    assert await repos.state.get("sync") is None


async def test_unopenable_database_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigurationError, match="MUSE_DATABASE"):
        await Database(blocker / "sub" / "muse.db").open()


async def test_two_processes_migrating_one_new_database_apply_each_migration_once(
    tmp_path: Path,
) -> None:
    first, second = Database(tmp_path / "shared.db"), Database(tmp_path / "shared.db")
    await asyncio.gather(first.open(migrate=False), second.open(migrate=False))
    applied = await asyncio.gather(first.migrate(), second.migrate())
    versions = [m.version for m in load_migrations()]
    assert sorted(applied[0] + applied[1]) == versions  # each exactly once, in all
    assert await first.user_version() == versions[-1]
    await first.close()
    await second.close()


def test_statement_splitting_keeps_triggers_whole() -> None:
    from bot.db.connection import _statements

    script = (
        "CREATE TABLE a (x);\n-- a comment; with a semicolon\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO a VALUES (1);\nEND;\n"
    )
    statements = _statements(script)
    assert len(statements) == 2 and "CREATE TRIGGER" in statements[1]
    assert statements[1].endswith("END;")
    with pytest.raises(ConfigurationError, match="Incomplete"):
        _statements("CREATE TABLE b (x)")


async def test_generation_export_and_erasure_cover_direct_messages(repos: Repositories) -> None:
    common = {"kind": "write", "form": "poem", "tone": None, "length": "short", "now": NOW}
    await repos.generations.create(guild_id=1, channel_id=5, user_id=7, topic="here", **common)
    await repos.generations.create(guild_id=None, channel_id=6, user_id=7, topic="dm", **common)
    await repos.generations.create(guild_id=2, channel_id=8, user_id=7, topic="there", **common)
    await repos.generations.create(guild_id=1, channel_id=5, user_id=9, topic="other", **common)
    exported = await repos.generations.export_member(1, 7)
    assert sorted(g["topic"] for g in exported["generations"]) == ["dm", "here"]
    assert await repos.generations.erase_member(1, 7) == 2
    rows = await repos.db.fetchall("SELECT topic FROM generations ORDER BY id")
    assert [r["topic"] for r in rows] == ["there", "other"]


async def test_close_waits_for_the_transaction_in_flight(tmp_path: Path) -> None:
    path = tmp_path / "closing.db"
    db = Database(path)
    await db.open(migrate=False)
    await db.execute("CREATE TABLE t (x INTEGER)")
    inside = asyncio.Event()

    async def two_inserts() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (x) VALUES (1)")
            inside.set()
            await asyncio.sleep(0.05)
            await db.execute("INSERT INTO t (x) VALUES (2)")

    task = asyncio.create_task(two_inserts())
    await inside.wait()
    await db.close()
    await task  # the transaction finished before the connection closed: nothing raised
    assert not db.is_open
    reopened = Database(path)
    await reopened.open(migrate=False)
    row = await reopened.fetchone("SELECT COUNT(*) FROM t")
    assert row is not None and row[0] == 2
    await reopened.close()


async def test_cancelled_begin_leaves_no_transaction_open(tmp_path: Path) -> None:
    path = tmp_path / "cancel.db"
    db = Database(path, busy_timeout_ms=10_000)
    await db.open(migrate=False)
    await db.execute("CREATE TABLE t (x INTEGER)")
    # Another connection holds the write lock, so BEGIN IMMEDIATE waits in aiosqlite's thread.
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")

    async def insert() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO t (x) VALUES (1)")

    task = asyncio.create_task(insert())
    while not db._lock.locked():  # noqa: ASYNC110  (the lock is the state to wait for)
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # let the BEGIN reach SQLite
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    blocker.execute("ROLLBACK")
    blocker.close()
    # The BEGIN that went on without its task was undone before anyone else got the lock.
    async with db.transaction():
        await db.execute("INSERT INTO t (x) VALUES (2)")
    assert not db.connection.in_transaction
    row = await db.fetchone("SELECT group_concat(x) FROM t")
    assert row is not None and row[0] == "2"
    await db.close()


async def test_a_failed_commit_rolls_back(db: Database) -> None:
    # A deferred foreign key is checked at COMMIT; SQLite then keeps the transaction open.
    await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await db.execute(
        "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
        "DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute("INSERT INTO child (parent_id) VALUES (404)")
    assert not db.connection.in_transaction
    async with db.transaction():
        await db.execute("INSERT INTO parent (id) VALUES (1)")
    row = await db.fetchone("SELECT COUNT(*) FROM child")
    assert row is not None and row[0] == 0
