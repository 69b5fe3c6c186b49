"""``muse backup PATH``: a consistent copy of the live database with SQLite's online backup API.

The copy is made in one step inside one read transaction: in WAL mode (Muse's) a reader never
blocks the bot's writers, and the copy is exactly the database as of the moment it began. (Copying
in several steps would let a busy writer restart the backup again and again.)

The copy is written beside the target and renamed into place only once
``PRAGMA integrity_check`` passed, so a half-written file never carries the final name.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import ConfigurationError

__all__ = ["BackupReport", "backup_database", "backup_target"]

PAGES_PER_STEP = -1  # everything in one step: one consistent snapshot


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    pages: int
    bytes: int
    seconds: float
    schema_version: int


def backup_target(target: Path, *, now: datetime | None = None) -> Path:
    """A folder gets a timestamped file inside it; anything else is the file name itself."""
    if target.is_dir():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
        return target / f"muse-{stamp}.db"
    return target


def backup_database(
    source: Path, target: Path, *, overwrite: bool = False, pages_per_step: int = PAGES_PER_STEP
) -> BackupReport:
    """Copy ``source`` to ``target`` (see :func:`backup_target`) while others may write to it."""
    if not source.is_file():
        raise ConfigurationError(f"There is no database at {source}. Check MUSE_DATABASE.")
    destination = backup_target(target)
    if destination.resolve() == source.resolve():
        raise ConfigurationError("The backup must not overwrite the live database.")
    if destination.exists() and not overwrite:
        raise ConfigurationError(f"{destination} already exists; choose another name or --force.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=pages_per_step, sleep=0.005)
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
            check = dst.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise ConfigurationError(f"The backup failed its integrity check: {check}")
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
            version = int(dst.execute("PRAGMA user_version").fetchone()[0])
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise ConfigurationError(f"The backup of {source} failed: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(partial, destination)
    return BackupReport(
        path=destination,
        pages=pages,
        bytes=destination.stat().st_size,
        seconds=time.perf_counter() - started,
        schema_version=version,
    )
