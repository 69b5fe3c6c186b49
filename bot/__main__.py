"""Muse's command line: ``muse run`` | ``muse check`` | ``muse backup PATH`` | ``muse version``."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence

from bot import __version__
from bot.errors import MuseError
from bot.settings import Settings, SettingsError, load_settings

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="muse", description="Muse, a self-hosted Discord bot for creative communities."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run the bot (on Discord with MUSE_DISCORD_TOKEN, else in the local sandbox)",
    )
    run.add_argument(
        "--no-terminal",
        action="store_true",
        help="in sandbox mode, do not open the interactive terminal",
    )
    sub.add_parser("check", help="validate settings, migrate the database, try the model")
    sub.add_parser("version", help="print Muse's version")
    backup = sub.add_parser(
        "backup",
        help="copy the database consistently while the bot runs (SQLite online backup)",
    )
    backup.add_argument("path", help="the backup file, or a folder for a timestamped file")
    backup.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


async def _check(settings: Settings) -> int:
    from bot.db import Database
    from models import ChatMessage, GenerationOptions, TextDelta, build_engine

    print(f"settings: ok (database {settings.database}, log level {settings.log_level})")
    db = Database(settings.database)
    applied = await db.open()
    version = await db.user_version()
    await db.close()
    print(f"database: ok (schema version {version}, {len(applied)} migration(s) applied now)")
    engine = build_engine(settings)
    started = time.perf_counter()
    await engine.start()
    print(
        f"model: {engine.info.name} ({engine.info.path}), context {engine.info.context_size}, "
        f"loaded in {time.perf_counter() - started:.2f} s"
    )
    if engine.info.cpu:
        print(f"cpu: {engine.info.cpu}")
    try:
        parts: list[str] = []
        tokens = 0
        first = time.perf_counter()
        async for event in engine.stream(
            [ChatMessage("user", "Write one short sentence about the sea.")],
            GenerationOptions(max_tokens=32, temperature=0.0),
        ):
            if isinstance(event, TextDelta):
                parts.append(event.text)
                tokens += 1
        seconds = time.perf_counter() - first
        sample = " ".join("".join(parts).split())
        print(f"sample: {sample}")
        print(
            f"speed: {tokens} tokens in {seconds:.2f} s ({tokens / max(seconds, 1e-9):.1f} tok/s)"
        )
    finally:
        await engine.close()
    return 0


def _backup(settings: Settings, path: str, *, overwrite: bool) -> int:
    from pathlib import Path

    from bot.ops.backup import backup_database

    report = backup_database(settings.database, Path(path), overwrite=overwrite)
    print(
        f"backup: {report.path} ({report.bytes:,} bytes, schema version {report.schema_version}, "
        f"integrity ok, {report.seconds:.2f} s)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "version":
        print(f"muse {__version__}")
        return 0
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.command == "check":
            return asyncio.run(_check(settings))
        if args.command == "backup":
            return _backup(settings, args.path, overwrite=args.force)
        from bot.runner import run

        return run(settings, terminal=not args.no_terminal)
    except MuseError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
