"""Common Chinese words and how often they occur: the frequency dictionary that ``jieba``
ships (``jieba/dict.txt``, about 350,000 words counted over a large corpus).

The file is read from the installed package, never from the network, and without importing
``jieba`` (its segmenter is not needed). Only the most frequent words are kept: a rhyme
suggestion should be a word a writer would use. Reading and indexing them takes a second or two,
so it happens once, lazily, behind a lock (``warm_up`` does it at start-up).
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

from .readings import readings
from .script import is_han

__all__ = ["COMMON_WORDS", "Entry", "entries"]

#: How many of the most frequent words rhyme suggestions come from.
COMMON_WORDS = 30000
_LONGEST = 4


@dataclass(frozen=True, slots=True)
class Entry:
    """A common word with its frequency and the reading of its last two characters."""

    word: str
    frequency: int
    final: str
    tone: int
    before: str  # the final of the character before the last ("" for one character)


_lock = threading.Lock()
_entries: tuple[Entry, ...] | None = None


def _dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the jieba package (its word list) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _load() -> tuple[Entry, ...]:
    rows: list[tuple[str, int]] = []
    with _dictionary().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word = parts[0]
            if len(word) <= _LONGEST and all(is_han(ch) for ch in word):
                rows.append((word, int(parts[1])))
    rows.sort(key=lambda row: (-row[1], row[0]))
    out = []
    for word, frequency in rows[:COMMON_WORDS]:
        syllables = readings(word)
        if len(syllables) != len(word):
            continue
        last = syllables[-1]
        before = syllables[-2].final if len(syllables) > 1 else ""
        out.append(Entry(word, frequency, last.final, last.tone, before))
    return tuple(out)


def entries() -> tuple[Entry, ...]:
    """The common words, most frequent first."""
    global _entries
    if _entries is None:
        with _lock:
            if _entries is None:
                _entries = _load()
    return _entries
