"""Mandarin readings of Han characters from ``pypinyin`` (its dictionaries ship in the package).

Polyphonic characters are resolved by phrase: ``pypinyin`` segments a run of characters against
its phrase dictionary, so 银行 reads yín háng while 行走 reads xíng zǒu. A final (韵母) is given
in its strict form ("uang" for 光 guāng, "v" for 女 nǚ, "van" for 元 yuán), with two changes that
matter for rhyme: the apical vowel of zhi, chi, shi, ri, zi, ci, si is written "-i" (it does not
rhyme with the "i" of ji or li), and "o" after b, p, m, f is "uo" (bo rhymes with duo).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.constants import PHRASES_DICT

from .script import has_han, is_han

__all__ = ["Syllable", "char_readings", "end_phrase", "readings"]

_APICAL_INITIALS = frozenset({"zh", "ch", "sh", "r", "z", "c", "s"})
_LABIAL_INITIALS = frozenset({"b", "p", "m", "f"})
#: A phrase this long at most is looked up whole at a line's end.
_LONGEST_END = 4


@dataclass(frozen=True, slots=True)
class Syllable:
    """One character's reading: 光 -> guāng, final "uang", tone 1 (5 for the neutral tone)."""

    char: str
    marked: str  # pinyin with its tone mark, for showing: "guāng"
    final: str  # "uang", "-i", "v", "van"...
    tone: int  # 1 to 4, or 5 for the neutral tone

    @property
    def level(self) -> bool:
        """平: the first and second tones are level (平), the third and fourth oblique (仄)."""
        return self.tone in (1, 2)


def _unknown(chars: str) -> str:
    """What ``pypinyin`` gives a character it has no reading for (a rare one): no final, no
    tone, so it rhymes with nothing and fits either tone."""
    return "?"


def _final(initial: str, final: str) -> str:
    if final == "i" and initial in _APICAL_INITIALS:
        return "-i"
    if final == "o" and initial in _LABIAL_INITIALS:
        return "uo"
    return final or "n"  # 嗯 ǹg has no vowel: pypinyin gives no final


def _syllable(char: str, marked: str, numbered: str, initial: str) -> Syllable:
    tone = int(numbered[-1]) if numbered[-1:].isdigit() else 5
    final = numbered.rstrip("012345")
    return Syllable(char, marked, _final(initial, final), tone)


@lru_cache(maxsize=16384)
def readings(text: str) -> tuple[Syllable, ...]:
    """The reading of each Han character of ``text``, in order, resolved by phrase; anything
    that is not a Han character (punctuation, Latin words) is skipped."""
    out: list[Syllable] = []
    if not has_han(text):
        return ()
    chars = [ch for ch in text if is_han(ch)]
    joined = "".join(chars)
    marked = lazy_pinyin(joined, style=Style.TONE, errors=_unknown)
    finals = lazy_pinyin(
        joined, style=Style.FINALS_TONE3, neutral_tone_with_five=True, errors=_unknown
    )
    initials = lazy_pinyin(joined, style=Style.INITIALS, errors=_unknown)
    for char, mark, final, initial in zip(chars, marked, finals, initials, strict=False):
        out.append(_syllable(char, mark, final, initial))
    return tuple(out)


@lru_cache(maxsize=16384)
def char_readings(char: str, limit: int = 2) -> tuple[Syllable, ...]:
    """The commonest ``limit`` readings of one character alone (还: hái, huán)."""
    marked = pinyin(char, style=Style.TONE, heteronym=True, errors=_unknown)[0]
    numbered = pinyin(
        char,
        style=Style.FINALS_TONE3,
        heteronym=True,
        neutral_tone_with_five=True,
        errors=_unknown,
    )[0]
    plain = pinyin(char, style=Style.NORMAL, heteronym=True, errors=_unknown)[0]
    out = []
    for mark, final, bare in list(zip(marked, numbered, plain, strict=False))[:limit]:
        out.append(_syllable(char, mark, final, _initial_of(bare)))
    return tuple(out)


def _initial_of(bare: str) -> str:
    for initial in ("zh", "ch", "sh"):
        if bare.startswith(initial):
            return initial
    return bare[:1] if bare[:1] in "bpmfdtnlgkhjqxrzcs" else ""


def end_phrase(run: str) -> str:
    """The word a run of Han characters ends on: its longest ending that ``pypinyin`` knows as a
    phrase (银行, 月光), else its last character (霜)."""
    for size in range(min(_LONGEST_END, len(run)), 1, -1):
        if run[-size:] in PHRASES_DICT:
            return run[-size:]
    return run[-1:]
