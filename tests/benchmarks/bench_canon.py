"""What a story's canon adds to building a story prompt.

Measured side by side, on this machine, in one run: building the AI partner's prompt from the
latest six passages (about 1,700 characters of text) without a canon, and with a full canon
(50 entries, 8 triggers each, two of them phrases: the most a story may have), where selecting
the entries that came up (whole-word matching of every name and trigger, ordering, the budget)
is part of the cost.
Printed: microseconds per prompt for each, and their ratio (goal: the full canon costs at most
10 times a prompt without one: well under a millisecond next to the seconds the model takes).

    .venv/bin/python tests/benchmarks/bench_canon.py [--rounds 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.services.story import prompts
from bot.services.story.canon import canon_budget, canon_slot
from bot.services.story.limits import CANON_ENTRIES_LIMIT, CANON_TRIGGERS_LIMIT
from bot.services.story.types import CanonEntry, SegmentRecord, StoryRecord

T0 = datetime(2031, 1, 1, tzinfo=UTC)
GOAL = 10.0


def _story() -> StoryRecord:
    return StoryRecord(
        1, 1, 1, 1, "The Lighthouse", "mystery", 1, 86400, 300, None, None, True, False, "open",
        3, 10, 0, 1.0, T0, T0, None, 0, 0, "Anna keeps the lamp; a boat is missing.", 4, T0,
        None,
    )  # fmt: skip


def _passages() -> list[SegmentRecord]:
    text = (
        "The keeper climbed the stairs while the gulls screamed over the rocks below, and the "
        "lamp flickered twice before it steadied. "
    ) * 2
    return [
        SegmentRecord(n, 1, n, 3, "member", 5, "w", None, f"{text} Name{n * 7} was there.", 50,
                      True, T0)
        for n in range(1, 7)
    ]  # fmt: skip


def _triggers(n: int) -> tuple[str, ...]:
    """Eight triggers: six words and two two-word phrases (which are searched for, not
    looked up)."""
    words = [f"trig{n}x{t}" for t in range(CANON_TRIGGERS_LIMIT - 2)]
    return (*words, f"old trig{n}", f"the {n}th keeper")


def _canon() -> list[CanonEntry]:
    return [
        CanonEntry(
            n, 1, "character", f"Name{n}",
            f"Name{n} is one of the villagers; they remember the storm of the year {1900 + n}.",
            _triggers(n), 5, "w", T0, T0,
        )
        for n in range(1, CANON_ENTRIES_LIMIT + 1)
    ]  # fmt: skip


def _per_prompt(rounds: int, with_canon: bool) -> float:
    story, recent, entries = _story(), _passages(), _canon()
    budget = canon_budget(4096)
    start = time.perf_counter()
    for _ in range(rounds):
        canon = canon_slot(entries, recent, budget) if with_canon else None
        prompts.segment_messages(story, recent, words=150, canon=canon)
    return (time.perf_counter() - start) / rounds * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    _per_prompt(50, True)  # warm the template and regex caches
    plain = min(_per_prompt(args.rounds, False) for _ in range(3))
    full = min(_per_prompt(args.rounds, True) for _ in range(3))
    chosen = canon_slot(_canon(), _passages(), canon_budget(4096)) or ""
    print(f"entries that came up and fit: {len(chosen.splitlines())} ({len(chosen)} characters)")
    print(f"prompt without canon: {plain:8.1f} µs")
    print(f"prompt with a full canon: {full:8.1f} µs")
    ratio = full / plain
    print(f"ratio: {ratio:.2f} (goal <= {GOAL:g}) {'OK' if ratio <= GOAL else 'MISSED'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
