"""Shared fixtures: a clean environment for settings, a migrated temporary database."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db import Database, Repositories


@pytest.fixture(autouse=True)
def _clean_muse_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No MUSE_* variable, .env or muse.toml from the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("MUSE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "muse-test.db")
    await database.open()
    yield database
    await database.close()


@pytest.fixture
async def repos(db: Database) -> Repositories:
    return Repositories.build(db)
