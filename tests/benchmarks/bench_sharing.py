"""Share / Make private against a large works index: by row (what Muse does) against a full FTS5
rebuild after each toggle (what it did), measured side by side on one database. Run by hand:

.venv/bin/python tests/benchmarks/bench_sharing.py [works]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.db import Database, Repositories

WORDS = [
    "harbour",
    "tide",
    "lantern",
    "salt",
    "gull",
    "rope",
    "anchor",
    "fog",
    "bell",
    "keeper",
    "storm",
    "reef",
    "shell",
    "driftwood",
    "compass",
    "chart",
    "sail",
    "mast",
    "cabin",
    "oar",
    "pearl",
    "coral",
    "wave",
    "moon",
    "star",
    "night",
    "dawn",
    "ember",
    "ash",
    "river",
]


async def toggle(repos: Repositories, ref: str, *, rebuild: bool) -> float:
    start = time.perf_counter()
    await repos.style.upsert_work(
        guild_id=1,
        kind="lyrics",
        ref=ref,
        author_id=5,
        title="Shared song",
        body="granite echoes " * 40,
        url=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    await repos.style.remove_work(1, "lyrics", ref)
    if rebuild:
        await repos.db.execute("INSERT INTO style_works_fts (style_works_fts) VALUES ('rebuild')")
    return time.perf_counter() - start


async def main(works: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "bench.db")
        await db.open()
        repos = Repositories.build(db)
        async with db.transaction():
            for n in range(works):
                await repos.style.upsert_work(
                    guild_id=1 + n % 20,
                    kind="potd_submission",
                    ref=str(n),
                    author_id=100 + n,
                    title=" ".join(rng.choices(WORDS, k=3)),
                    body=" ".join(rng.choices(WORDS, k=250)),
                    url=None,
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
        by_row, rebuilt = [], []
        for n in range(10):  # interleaved, so both see the same machine state
            by_row.append(await toggle(repos, f"r{n}", rebuild=False))
            rebuilt.append(await toggle(repos, f"b{n}", rebuild=True))
        start = time.perf_counter()
        await repos.style.scrub_after_erasure()
        scrub = time.perf_counter() - start
        await db.close()
    row_ms, rebuild_ms = statistics.median(by_row) * 1000, statistics.median(rebuilt) * 1000
    print(f"{works} works indexed")
    print(f"toggle by row      median {row_ms:8.2f} ms")
    print(f"toggle + rebuild   median {rebuild_ms:8.2f} ms")
    print(f"ratio rebuild / by row: {rebuild_ms / row_ms:.1f}x")
    print(f"erasure scrub (rebuild + WAL checkpoint): {scrub * 1000:.1f} ms, once per erasure")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
