"""Rhyme search speed, cold (index build) and warm, per kind. Run by hand:

.venv/bin/python tests/benchmarks/bench_rhymes.py
"""

from __future__ import annotations

import statistics
import time

from bot.services.prosody import find_rhymes

WORDS = ("river", "dream", "fire", "morning", "heart", "night", "shadow", "ocean")


def main() -> None:
    for kind in ("perfect", "slant", "multisyllabic"):
        start = time.perf_counter()
        find_rhymes("light", kind, limit=20)  # type: ignore[arg-type]
        cold = time.perf_counter() - start
        warm = []
        for word in WORDS:
            start = time.perf_counter()
            find_rhymes(word, kind, limit=20)  # type: ignore[arg-type]
            warm.append(time.perf_counter() - start)
        print(
            f"{kind:14s} first call {cold * 1000:7.1f} ms   "
            f"warm median {statistics.median(warm) * 1000:6.1f} ms over {len(WORDS)} words"
        )


if __name__ == "__main__":
    main()
