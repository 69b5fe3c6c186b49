"""A lyric line as sung syllables: the text under each note, its place in the word, its stress.

Counts and stresses come from the prosody package (the CMU dictionary, one-syllable function
words unstressed), so a melody has exactly as many notes as ``/lyrics syllables`` counts. The
written pieces come from hyphenation, merged or split until there is one per syllable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pyphen  # type: ignore[import-untyped]

from bot.services.prosody import stress_pattern, tokenize
from bot.services.prosody.zh import has_han, is_han, split_mixed

from .types import Syllabic

__all__ = ["Syllable", "line_syllables_of", "split_word"]


@dataclass(frozen=True, slots=True)
class Syllable:
    text: str
    syllabic: Syllabic
    stressed: bool


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=8192)
def split_word(word: str, count: int) -> tuple[str, ...]:
    """``count`` non-empty pieces that spell ``word`` in order (when it has enough letters)."""
    if count <= 1:
        return (word,)
    pieces = [p for p in _hyphenator().inserted(word).split("-") if p]
    while len(pieces) > count:  # join the shortest neighbours
        i = min(range(len(pieces) - 1), key=lambda k: len(pieces[k]) + len(pieces[k + 1]))
        pieces[i : i + 2] = [pieces[i] + pieces[i + 1]]
    while len(pieces) < count:
        i = max(range(len(pieces)), key=lambda k: len(pieces[k]))
        piece = pieces[i]
        if len(piece) < 2:
            break
        cut = _cut(piece)
        pieces[i : i + 1] = [piece[:cut], piece[cut:]]
    while len(pieces) < count:  # fewer letters than syllables ("1999"): hold the last piece
        pieces.append("~")
    return tuple(pieces)


def _cut(piece: str) -> int:
    """Where to split a piece: after its first vowel group when that leaves letters on both
    sides, else in the middle."""
    vowels = "aeiouyAEIOUY"
    i = 0
    while i < len(piece) and piece[i] not in vowels:
        i += 1
    while i < len(piece) and piece[i] in vowels:
        i += 1
    return i if 0 < i < len(piece) else len(piece) // 2


def line_syllables_of(line: str) -> list[Syllable]:
    """One entry per sung syllable of ``line``, in order. A Han character is a syllable of
    its own (sung on its own note, no hyphen to the next); Latin words between them are
    split as English."""
    out: list[Syllable] = []
    for token in tokenize(line):
        if has_han(token):
            for part in split_mixed(token):
                if has_han(part):
                    out.extend(Syllable(char, "single", True) for char in part if is_han(char))
                else:
                    out.extend(line_syllables_of(part))
            continue
        stresses = stress_pattern(token)
        if not stresses:
            continue
        pieces = split_word(token, len(stresses))
        last = len(stresses) - 1
        for i, digit in enumerate(stresses):
            syllabic: Syllabic
            if last == 0:
                syllabic = "single"
            elif i == 0:
                syllabic = "begin"
            elif i == last:
                syllabic = "end"
            else:
                syllabic = "middle"
            out.append(Syllable(pieces[i], syllabic, digit == "1"))
    return out
