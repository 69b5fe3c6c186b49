"""Rhymes: classify a pair of words and find rhymes for a word in the CMU dictionary.

Definitions (on CMU phones, stress digits ignored when comparing):

* rhyming part: from the last stressed vowel (primary or secondary) to the end;
* identical: the same word, homophones, or one word's whole sound, its opening consonants
  included, closes the other ("light" / "delight", "stand" / "understand"). A word that
  starts on its stressed vowel, or whose opening consonants are only part of the other word's
  ("eyes" / "lies", "art" / "heart", "love" / "glove"), makes a perfect rhyme;
* perfect: the same rhyming part ("heart" / "apart");
* multisyllabic: a perfect rhyme whose vowels also match back to the penultimate stressed
  vowel ("hesitation" / "meditation", "sugar honey" / "butter money" when phrases are given);
* slant: the same last stressed vowel with a different ending ("time" / "light"), or the same
  consonants after different vowels ("love" / "move", "table" / "trouble"); either way both
  endings must have as many syllables ("song" / "playing" is not a slant rhyme).

Words the dictionary lacks borrow the ending of the dictionary word that shares their longest
spelled ending ("blorptastic" sounds like "fantastic" from "tastic" on).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from bot.services.prosody._cmu import (
    VOWELS,
    all_entries,
    last_stressed_index,
    phones_for_word,
    plain_words,
    rhymes_for,
    strip_stress,
)
from bot.services.prosody._freq import zipf
from bot.services.prosody.syllables import tokenize
from bot.services.prosody.zh import find_zh_rhymes, has_han, zh_rhyme_class

__all__ = [
    "Rhyme",
    "RhymeClass",
    "RhymeKind",
    "find_rhymes",
    "group_by_syllables",
    "pronunciations",
    "rhyme_class",
    "rhymes_with",
    "rhyming_part",
]

RhymeClass = Literal["perfect", "slant", "multisyllabic", "none", "identical"]
RhymeKind = Literal["perfect", "slant", "multisyllabic"]

Phones = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rhyme:
    """One suggestion from ``find_rhymes``."""

    word: str
    syllables: int
    kind: RhymeKind


def _rhyme_tail(phones: Sequence[str]) -> Phones:
    index = last_stressed_index(phones)
    return tuple(strip_stress(p) for p in phones[index:]) if index is not None else ()


def _is_vowel(phone: str) -> bool:
    return strip_stress(phone) in VOWELS


@cache
def _spelled_endings() -> dict[str, str]:
    """Map each 3-to-6-letter word ending to one dictionary word that has it (shortest wins)."""
    endings: dict[str, str] = {}
    for word in sorted(plain_words(), key=lambda w: (len(w), w)):
        for k in range(3, min(6, len(word)) + 1):
            endings.setdefault(word[-k:], word)
    return endings


@lru_cache(maxsize=4096)
def _word_pronunciations(word: str) -> tuple[tuple[str, ...], ...]:
    """Stressed phone tuples for one word; unknown words borrow a dictionary word's ending."""
    found = phones_for_word(word)
    if found:
        return tuple(tuple(p.split()) for p in found)
    letters = "".join(ch for ch in word.lower() if ch.isalpha())
    endings = _spelled_endings()
    for k in range(min(6, len(letters)), 2, -1):
        donor = endings.get(letters[-k:])
        if donor is not None and donor != letters:
            donor_phones = phones_for_word(donor)[0].split()
            index = last_stressed_index(donor_phones) or 0
            return (tuple(donor_phones[index:]),)
    return ()


def pronunciations(text: str) -> list[tuple[str, ...]]:
    """Stressed phone tuples for a word or short phrase (phrases: first pronunciation each)."""
    words = [w.lower() for w in tokenize(text)]
    if not words:
        return []
    if len(words) == 1:
        return list(_word_pronunciations(words[0]))
    joined: list[str] = []
    for word in words:
        options = _word_pronunciations(word)
        if not options:
            return []
        joined.extend(options[0])
    return [tuple(joined)]


def rhyming_part(word: str) -> str:
    """The CMU phones from the last stressed vowel on, stress removed: "apart" -> "AA R T"."""
    options = pronunciations(word)
    return " ".join(_rhyme_tail(options[0])) if options else ""


def _multi_key(phones: Sequence[str]) -> tuple[Phones, Phones] | None:
    """Vowels from the penultimate stressed vowel on, plus the rhyming part; None if < 2."""
    stressed = [i for i, p in enumerate(phones) if p[-1] in "12"]
    if len(stressed) < 2:
        return None
    vowels = tuple(strip_stress(p) for p in phones[stressed[-2] :] if _is_vowel(p))
    return vowels, _rhyme_tail(phones)


def _consonants_after_stress(tail: Phones) -> Phones:
    return tuple(p for p in tail[1:] if p not in VOWELS)


def _closes(a: Phones, b: Phones) -> bool:
    """True when the whole of the shorter sound ends the longer one and its opening consonants
    are all the longer one has there: "light" closes "delight" (D IH L | L AY T), but "lies"
    only shares "eyes" ending (L | AY Z) and "glove" has G before "love"."""
    shorter, longer = sorted((a, b), key=len)
    if not any(p in VOWELS for p in shorter) or longer[len(longer) - len(shorter) :] != shorter:
        return False
    before = len(longer) - len(shorter) - 1
    return before < 0 or longer[before] in VOWELS


def _classify(a: Sequence[str], b: Sequence[str], *, known: bool = True) -> RhymeClass:
    """Classify two phone sequences; ``known=False`` when one was borrowed from another word
    (only its ending is real, so "the whole of one closes the other" proves nothing)."""
    plain_a, plain_b = tuple(strip_stress(p) for p in a), tuple(strip_stress(p) for p in b)
    if known and _closes(plain_a, plain_b):
        return "identical"
    tail_a, tail_b = _rhyme_tail(a), _rhyme_tail(b)
    if not tail_a or not tail_b:
        return "none"
    if tail_a == tail_b:
        key_a, key_b = _multi_key(a), _multi_key(b)
        if key_a is not None and key_a == key_b:
            return "multisyllabic"
        return "perfect"
    if sum(p in VOWELS for p in tail_a) != sum(p in VOWELS for p in tail_b):
        return "none"  # "song" / "playing": one beat against two is not heard as a rhyme
    if tail_a[0] == tail_b[0]:
        return "slant"
    coda_a, coda_b = _consonants_after_stress(tail_a), _consonants_after_stress(tail_b)
    if coda_a and coda_a == coda_b:
        return "slant"
    return "none"


_RANK: dict[RhymeClass, int] = {
    "identical": 4,
    "multisyllabic": 3,
    "perfect": 2,
    "slant": 1,
    "none": 0,
}


def rhyme_class(a: str, b: str) -> RhymeClass:
    """How ``a`` and ``b`` (words or short phrases) rhyme: the best over their pronunciations.
    Chinese rhymes by pinyin final (see ``zh.rhyme``); Chinese never rhymes with English."""
    if has_han(a) or has_han(b):
        return zh_rhyme_class(a, b) if has_han(a) and has_han(b) else "none"
    words_a = [w.lower().strip("'") for w in tokenize(a)]
    words_b = [w.lower().strip("'") for w in tokenize(b)]
    if not words_a or not words_b:
        return "none"
    if words_a == words_b:
        return "identical"
    known = all(phones_for_word(w) for w in [*words_a, *words_b])
    best: RhymeClass = "none"
    for pa in pronunciations(a):
        for pb in pronunciations(b):
            found = _classify(pa, pb, known=known)
            if _RANK[found] > _RANK[best]:
                best = found
    return best


def rhymes_with(a: str, b: str, *, allow_slant: bool = True) -> bool:
    """True when ``a`` and ``b`` rhyme (identical and slant rhymes count unless excluded)."""
    found = rhyme_class(a, b)
    return found != "none" and (allow_slant or found != "slant")


# --- searching the dictionary -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    by_vowel: dict[str, list[tuple[str, Phones]]]
    by_coda: dict[Phones, list[tuple[str, Phones]]]
    by_multi: dict[tuple[Phones, Phones], list[str]]


_index_lock = threading.Lock()
_index: _Index | None = None

# Web text makes some abbreviations and names frequent ("gov", "ned"), but people rarely inflect
# them; an inflection that is itself in use ("gloves", "shoved") marks an everyday word.
_FAMILY = ("s", "ed", "ing", "er", "ly", "ness")
_IN_USE = 2.5  # Zipf: about once in three million words


@lru_cache(maxsize=65536)
def _commonness(word: str) -> float:
    """How common ``word`` is for a writer: its wordfreq Zipf frequency (0 to about 7.5), plus
    half a point per inflection in use (at most two), so "glove" (3.7 + 1) outranks "gov" (4.0,
    whose "govs" is rare)."""
    stem = word[:-1] if word.endswith("e") else word
    forms = {word + s if s[0] not in "aeiou" else stem + s for s in _FAMILY}
    in_use = sum(1 for form in forms if zipf(form) >= _IN_USE)
    # Two-letter words collect accidental "families" ("us" + "ed" = "used").
    return round(zipf(word) + 0.5 * min(in_use, 2 if len(word) > 2 else 0), 2)


def _build_index() -> _Index:
    words = plain_words()
    by_vowel: dict[str, list[tuple[str, Phones]]] = defaultdict(list)
    by_coda: dict[Phones, list[tuple[str, Phones]]] = defaultdict(list)
    by_multi: dict[tuple[Phones, Phones], list[str]] = defaultdict(list)
    for word, phones in all_entries():
        if word not in words:
            continue
        split = tuple(phones.split())
        # One pass instead of _rhyme_tail/_multi_key: this loop runs over ~130k entries.
        plain = [p[:-1] if p[-1].isdigit() else p for p in split]
        stressed = [i for i, p in enumerate(split) if p[-1] in "12"]
        if not stressed:
            vowels_at = [i for i, p in enumerate(split) if p[-1] == "0"]
            if not vowels_at:
                continue
            stressed = vowels_at[-1:]
        tail = tuple(plain[stressed[-1] :])
        by_vowel[tail[0]].append((word, split))
        coda = tuple(p for p in tail[1:] if p not in VOWELS)
        if coda:
            by_coda[coda].append((word, split))
        if len(stressed) >= 2 and split[stressed[0]][-1] in "12":
            vowels = tuple(p for p in plain[stressed[-2] :] if p in VOWELS)
            by_multi[vowels, tail].append(word)
    return _Index(dict(by_vowel), dict(by_coda), dict(by_multi))


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = _build_index()
    return _index


def _syllables(phones: Sequence[str]) -> int:
    return sum(1 for p in phones if p[-1].isdigit())


# Consonants of one manner sound alike at the end of a line ("love" / "stuff", "time" / "line").
_MANNER = {
    **dict.fromkeys(["P", "B", "T", "D", "K", "G"], "stop"),
    **dict.fromkeys(["F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "HH"], "fricative"),
    **dict.fromkeys(["M", "N", "NG"], "nasal"),
    **dict.fromkeys(["L", "R"], "liquid"),
    **dict.fromkeys(["CH", "JH"], "affricate"),
}


def _closeness(query_tail: Phones, tail: Phones) -> int:
    """How near a slant rhyme is (higher is nearer): the same vowel counts most, then the same
    consonants after it, then a shared last sound; endings of a different length count less."""
    suffix = 0
    for x, y in zip(reversed(query_tail), reversed(tail), strict=False):
        if x != y:
            break
        suffix += 1
    same_vowel = query_tail[:1] == tail[:1]
    coda = _consonants_after_stress(query_tail)
    same_coda = bool(coda) and coda == _consonants_after_stress(tail)
    last_a, last_b = query_tail[-1], tail[-1]
    kin = last_a != last_b and _MANNER.get(last_a, last_a) == _MANNER.get(last_b, last_b)
    length_gap = abs(len(query_tail) - len(tail))
    return 3 * same_vowel + 2 * same_coda + min(suffix, 2) + kin - length_gap


def find_rhymes(word: str, kind: RhymeKind = "perfect", limit: int = 30) -> list[Rhyme]:
    """Rhymes for ``word``, best first by closeness and commonness, then returned grouped by
    syllable count (ascending) so a caller can ``itertools.groupby`` on ``.syllables``."""
    if limit <= 0:
        return []
    if has_han(word):
        return [Rhyme(w, n, k) for w, n, k in find_zh_rhymes(word, kind, limit)]
    query = word.strip().lower()
    options = pronunciations(query)
    if not options:
        return []
    own = set(map(tuple, (p.split() for p in phones_for_word(query))))
    known = bool(own)
    candidates: dict[str, tuple[tuple[float, ...], Rhyme]] = {}

    def offer(candidate: str, phones: Phones, found: RhymeKind, closeness: int) -> None:
        if candidate == query or phones in own:
            return
        if any(_classify(p, phones, known=known) == "identical" for p in options):
            return
        common = _commonness(candidate)
        key = (-closeness, -common, _syllables(phones), len(candidate))
        current = candidates.get(candidate)
        if current is None or key < current[0]:
            candidates[candidate] = (key, Rhyme(candidate, _syllables(phones), found))

    words = plain_words()
    for phones in options:
        tail = _rhyme_tail(phones)
        if not tail:
            continue
        if kind == "perfect":
            pool = rhymes_for(query) if phones_for_word(query) else []
            for candidate in pool:
                if candidate in words:
                    for cand_phones in phones_for_word(candidate):
                        split = tuple(cand_phones.split())
                        if _rhyme_tail(split) == tail:
                            offer(candidate, split, "perfect", 0)
            if not pool:
                for candidate, split in _get_index().by_vowel.get(tail[0], []):
                    if _rhyme_tail(split) == tail:
                        offer(candidate, split, "perfect", 0)
        elif kind == "multisyllabic":
            key = _multi_key(phones)
            if key is None:
                continue
            for candidate in _get_index().by_multi.get(key, []):
                for cand_phones in phones_for_word(candidate):
                    split = tuple(cand_phones.split())
                    if _multi_key(split) == key:
                        offer(candidate, split, "multisyllabic", 0)
        else:
            coda = _consonants_after_stress(tail)
            index = _get_index()
            pools: Iterable[tuple[str, Phones]] = index.by_vowel.get(tail[0], [])
            if coda:
                pools = [*pools, *index.by_coda.get(coda, [])]
            for candidate, split in pools:
                if _classify(phones, split, known=known) == "slant":
                    offer(candidate, split, "slant", _closeness(tail, _rhyme_tail(split)))
    ranked = sorted(candidates.values(), key=lambda item: (item[0], item[1].word))
    chosen = [rhyme for _, rhyme in ranked[:limit]]
    order = {rhyme.word: i for i, rhyme in enumerate(chosen)}
    return sorted(chosen, key=lambda r: (r.syllables, order[r.word]))


def warm_up() -> None:
    """Load the dictionary and build the rhyme index now (about a second of CPU), e.g. from
    start-up via ``asyncio.to_thread``, so the first member's request doesn't pay for it."""
    _get_index()
    _spelled_endings()
    zipf("warm")


def group_by_syllables(rhymes: Iterable[Rhyme]) -> dict[int, list[str]]:
    """``find_rhymes`` output as {syllables: [words in rank order]}."""
    grouped: dict[int, list[str]] = {}
    for rhyme in rhymes:
        grouped.setdefault(rhyme.syllables, []).append(rhyme.word)
    return grouped
