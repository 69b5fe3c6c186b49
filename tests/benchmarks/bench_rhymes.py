"""Rhyme search: quality against ``pronouncing.rhymes()`` and speed, cold and warm. Run by hand:

.venv/bin/python tests/benchmarks/bench_rhymes.py

Quality: 1,000 dictionary words sampled with a fixed seed. For each, the reference is
``pronouncing.rhymes(word)`` restricted to letters-only words (the only words Muse suggests).
Recall@20 counts, for words whose reference has at least 20 rhymes, how many of Muse's top 20
perfect rhymes are in the reference, out of 20; precision is the share of everything Muse
suggested (top 20) that the reference lists. ``pronouncing`` also demands the same stress digit
on the last stressed vowel ("infomercial" ends ER2, "commercial" ER1); a second precision line
ignores that digit, as Muse does. Words answered with nothing are counted too.
"""

from __future__ import annotations

import random
import re
import statistics
import time

import pronouncing  # type: ignore[import-untyped]

from bot.services.prosody import find_rhymes
from bot.services.prosody._cmu import plain_words

WORDS = ("river", "dream", "fire", "morning", "heart", "night", "shadow", "ocean")
SAMPLE = 1000
SEED = 16
TOP = 20


def _parts(word: str) -> set[str]:
    """``pronouncing``'s rhyming parts of every pronunciation, stress digits removed."""
    return {
        re.sub(r"\d", "", pronouncing.rhyming_part(p)) for p in pronouncing.phones_for_word(word)
    }


def quality() -> None:
    letters_only = plain_words()
    sample = random.Random(SEED).sample(sorted(letters_only), SAMPLE)
    recalls: list[float] = []
    small_recalls: list[float] = []
    suggested = correct = stress_only = empty = 0
    for word in sample:
        reference = {w for w in pronouncing.rhymes(word) if w in letters_only and w != word}
        ours = [r.word for r in find_rhymes(word, "perfect", limit=TOP)]
        hits = sum(1 for w in ours if w in reference)
        suggested += len(ours)
        correct += hits
        stress_only += sum(1 for w in ours if w not in reference and _parts(w) & _parts(word))
        if reference and not ours:
            empty += 1
        if len(reference) >= TOP:
            recalls.append(hits / TOP)
        elif reference:
            small_recalls.append(hits / len(reference))
    print(f"perfect rhymes of {SAMPLE} CMU words (seed {SEED}) against pronouncing.rhymes():")
    print(
        f"  recall within top {TOP} (reference >= {TOP}, {len(recalls)} words): "
        f"{statistics.fmean(recalls):.4f}"
    )
    print(
        f"  recall (reference 1-{TOP - 1} rhymes, {len(small_recalls)} words):    "
        f"{statistics.fmean(small_recalls):.4f}"
    )
    print(
        f"  precision ({suggested} suggestions):                      "
        f"{correct / max(suggested, 1):.4f}"
    )
    print(
        f"  precision, stress digits ignored:                    "
        f"{(correct + stress_only) / max(suggested, 1):.4f}"
    )
    print(f"  words with reference rhymes but no answer: {empty}")


def speed() -> None:
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


def main() -> None:
    speed()
    quality()


if __name__ == "__main__":
    main()
