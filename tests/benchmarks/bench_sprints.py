"""What a sprint command reads, against a small and a large sprint history, side by side: the
channel's live sprint (a partial index over live sprints only) and the totals of a member who
joined 20 of them (by the member's own rows). Both should cost about the same however many
sprints the server has run. Run by hand:

PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_sprints.py [small] [large]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db import Database, Repositories
from bot.services.sprint.types import NewSprint

GUILD, CHANNELS, MEMBER = 1, 50, 7
START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
ROUNDS = 300
MEMBER_SPRINTS = 20


async def build(path: Path, sprints: int) -> tuple[Database, Repositories]:
    db = Database(path)
    await db.open()
    repos = Repositories.build(db)
    async with db.transaction():
        for n in range(sprints):
            at = START + timedelta(minutes=30 * n)
            new = NewSprint(
                GUILD, n % CHANNELS, 100 + n % 13, 20, None, None, None, at, at,
                at + timedelta(minutes=20), at + timedelta(minutes=22),
            )  # fmt: skip
            sprint = await repos.sprints.create(new)
            # The measured member joined the same 20 sprints in both histories.
            for user in (MEMBER, 100 + n % 13) if n < MEMBER_SPRINTS else (200 + n % 17, 300 + n):
                await repos.sprints.add_participant(sprint.id, user, "writer", 0, at)
                await repos.sprints.report_words(sprint.id, user, 400, at)
                await repos.sprints.set_wpm(sprint.id, user, 20.0)
            await repos.sprints.set_stage(sprint.id, "scheduled", "ended", at)
        live = START + timedelta(days=3650)
        await repos.sprints.create(
            NewSprint(GUILD, 3, 100, 20, None, None, None, live, live, live, live)
        )
    return db, repos


async def median_seconds(repos: Repositories) -> tuple[float, float]:
    live, stats = [], []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        assert await repos.sprints.live_in_channel(3) is not None
        live.append(time.perf_counter() - began)
        began = time.perf_counter()
        await repos.sprints.stats(GUILD, MEMBER)
        stats.append(time.perf_counter() - began)
    return statistics.median(live), statistics.median(stats)


async def main(small: int, large: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = {}
        for size in (small, large):
            db, repos = await build(Path(folder) / f"sprints-{size}.db", size)
            results[size] = await median_seconds(repos)
            await db.close()
    (live_s, stats_s), (live_l, stats_l) = results[small], results[large]
    print(f"sprints in history: {small:,} against {large:,} ({large // small}x)")
    print(f"live sprint of a channel: {live_s * 1e6:.0f} us -> {live_l * 1e6:.0f} us "
          f"(ratio {live_l / live_s:.2f})")  # fmt: skip
    print(f"a member's totals ({MEMBER_SPRINTS} sprints): {stats_s * 1e6:.0f} us -> "
          f"{stats_l * 1e6:.0f} us (ratio {stats_l / stats_s:.2f})")  # fmt: skip


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args or [200, 20_000])))
