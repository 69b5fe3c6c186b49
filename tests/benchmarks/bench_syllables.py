"""Out-of-dictionary syllable counting: pyphen hyphenation vs the vowel-group rule, side by side.

Run with ``python tests/benchmarks/bench_syllables.py``. The words are the hand-labelled ones in
``tests/data/syllables_words.tsv`` that the CMU dictionary lacks and that are plain letters
(numbers, hyphenated and apostrophe forms go through deterministic steps before any fallback).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.services.prosody import count_syllables  # noqa: E402
from bot.services.prosody._cmu import in_dictionary  # noqa: E402
from bot.services.prosody.syllables import (  # noqa: E402
    decomposed_syllables,
    pyphen_syllables,
    vowel_group_syllables,
)

WORDS = ROOT / "tests" / "data" / "syllables_words.tsv"


def load_out_of_dictionary() -> list[tuple[str, int]]:
    rows = []
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, count = line.split("\t")[:2]
        if word.isalpha() and not in_dictionary(word):
            rows.append((word, int(count)))
    return rows


def main() -> None:
    rows = load_out_of_dictionary()

    def combined_max(word: str) -> int:
        return max(pyphen_syllables(word), vowel_group_syllables(word))

    counters: dict[str, Callable[[str], int]] = {
        "pyphen hyphenation": pyphen_syllables,
        "vowel-group rule": vowel_group_syllables,
        "max(pyphen, vowel rule)": combined_max,
        "decomposition, then pyphen": lambda w: decomposed_syllables(w, pyphen_syllables),
        "decomposition, then vowel rule": lambda w: decomposed_syllables(w, vowel_group_syllables),
        "count_syllables (shipped)": count_syllables,
    }
    print(f"{len(rows)} out-of-dictionary words\n")
    print(f"{'counter':34} {'exact':>7} {'within 1':>9} {'us/word':>8}")
    for name, counter in counters.items():
        start = time.perf_counter()
        results = [(word, expected, counter(word)) for word, expected in rows]
        per_word = (time.perf_counter() - start) / len(rows) * 1e6
        exact = sum(got == expected for _, expected, got in results) / len(rows)
        near = sum(abs(got - expected) <= 1 for _, expected, got in results) / len(rows)
        print(f"{name:34} {exact:7.1%} {near:9.1%} {per_word:8.1f}")
    if "-v" in sys.argv:
        print("\nword                 label pyphen vowel shipped")
        for word, expected in rows:
            got = (pyphen_syllables(word), vowel_group_syllables(word), count_syllables(word))
            mark = "" if got[2] == expected else "  <- miss"
            print(f"{word:20} {expected:5} {got[0]:6} {got[1]:5} {got[2]:7}{mark}")


if __name__ == "__main__":
    main()
