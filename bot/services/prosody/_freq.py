"""How common an English word is, from wordfreq's word list (shipped inside the package).

The list is read from the installed package, never from the network; loading it takes a few
hundred milliseconds, so it happens once, lazily, behind a lock.
"""

from __future__ import annotations

import math
import threading

__all__ = ["zipf"]

_load_lock = threading.Lock()
_frequencies: dict[str, float] | None = None


def _table() -> dict[str, float]:
    global _frequencies
    if _frequencies is None:
        with _load_lock:
            if _frequencies is None:
                import wordfreq  # here, not at start-up: it takes 0.1 s to import

                _frequencies = wordfreq.get_frequency_dict("en", wordlist="best")
    return _frequencies


def zipf(word: str) -> float:
    """The Zipf frequency of a lower-case word (log10 per billion words; 0.0 when unknown):
    about 7 for "of", 5 for "love", 3.7 for "glove", 1.5 for "labov"."""
    frequency = _table().get(word.lower(), 0.0)
    return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0
