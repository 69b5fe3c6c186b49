"""`muse backup` while the bot runs and writes: the copy is one consistent moment of the database,
passes PRAGMA integrity_check, and a bot restored onto it starts and serves."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.sandbox import Sandbox

from .conftest import start_muse

pytestmark = pytest.mark.e2e


async def test_backup_taken_during_writes_restores_to_a_consistent_database(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    muse = await start_muse(sandbox, tmp_path)
    written = 0
    stop = asyncio.Event()

    async def keep_writing() -> None:
        """Rows 0, 1, 2... in order, each in its own transaction, as fast as the bot can."""
        nonlocal written
        while not stop.is_set():
            await muse.bot.repos.state.set(
                f"backup-probe-{written:06d}", "x" * 200, muse.clock.now()
            )
            written += 1
            await asyncio.sleep(0)

    writer = asyncio.create_task(keep_writing())
    try:
        # /write traffic on top of the raw writes.
        ix = await sandbox.slash("write", {"form": "poem", "topic": "ink"}, user=sandbox.members[0])
        await sandbox.wait_until(lambda: written >= 200, timeout=20)
        monkeypatch.setenv("MUSE_DATABASE", str(muse.database))
        target = tmp_path / "backups"
        target.mkdir()
        code = await asyncio.to_thread(main, ["backup", str(target)])
        assert code == 0
        during = written
        await sandbox.wait_until(lambda: written >= during + 50, timeout=20)  # still writing
        await ix.final_message()
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await writer
        await muse.stop()
    out = capsys.readouterr().out
    assert "integrity ok" in out
    (copy,) = target.glob("muse-*.db")
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = [
            row[0]
            for row in db.execute(
                "SELECT key FROM bot_state WHERE key LIKE 'backup-probe-%' ORDER BY key"
            )
        ]
        version = db.execute("PRAGMA user_version").fetchone()[0]
    # A consistent snapshot holds a prefix of the ordered writes: rows 0..k-1, none missing.
    assert keys == [f"backup-probe-{i:06d}" for i in range(len(keys))]
    assert 200 <= len(keys) < written, "the copy is one moment in the middle of the writes"
    with sqlite3.connect(muse.database) as live:
        assert version == live.execute("PRAGMA user_version").fetchone()[0]

    # Restore as the README says: stop, copy the backup over the database, start.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(copy, restored / "muse-e2e.db")
    again = await start_muse(sandbox, restored)
    try:
        assert await again.bot.repos.state.get(keys[-1]) == "x" * 200
        ix = await sandbox.slash(
            "write", {"form": "poem", "topic": "again"}, user=sandbox.members[1]
        )
        assert "again" in (await ix.final_message()).content
    finally:
        await again.stop()
