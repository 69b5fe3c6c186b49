"""Spelling rules for syllables: the vowel-group rule (the last step of ``count_syllables``)
and pyphen's hyphenation count, kept only for the benchmark that compares them."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pyphen  # type: ignore[import-untyped]

__all__ = ["SIBILANT_ENDINGS", "pyphen_syllables", "strip_accents", "vowel_group_syllables"]


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_vowel(word: str, i: int) -> bool:
    ch = word[i]
    if ch in "aeio":
        return True
    if ch == "u":
        # "qu" and "gu" before a vowel: the u is a glide ("quiet", "language").
        return not (i > 0 and word[i - 1] in "qg" and i + 1 < len(word) and word[i + 1] in "aeiouy")
    if ch == "y":
        # "y" opening a word or a syllable ("yes", "crayon", "beyond") is a consonant.
        return i > 0 and not (i + 1 < len(word) and word[i + 1] in "aeiou")
    return False


# Vowel pairs usually said as two syllables ("dial", "radio", "video", "dual", "stadium"),
# unless a soft consonant before them merges them ("special", "nation", "vision", "region").
_HIATUS = ("ia", "io", "eo", "ua", "uo", "iu", "ii")
_SOFTENERS = "ctsgx"
SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh", "ce", "ge", "se", "ze")


def vowel_group_syllables(word: str, *, final_e_sounded: bool = False) -> int:
    """Count syllables by vowel groups, with English's common exceptions.

    Silent final e ("make"), but "-le" after a consonant is a syllable ("table"); "-es" and
    "-ed" are silent except after sibilants and t/d ("makes" / "boxes", "jumped" / "wanted");
    "y" is a vowel except before a vowel or at the start; hiatus pairs ("ia", "io", ...) split;
    "-ier"/"-iest" after a consonant add one; a final "-sm" adds one ("prism").
    """
    w = "".join(ch for ch in strip_accents(word.lower()) if "a" <= ch <= "z")
    if not w:
        return 0
    flags = [_is_vowel(w, i) for i in range(len(w))]
    count = sum(1 for i, v in enumerate(flags) if v and (i == 0 or not flags[i - 1]))
    if count == 0:
        return 1  # "hmm", "skrrt", "shh": still one beat
    for i in range(len(w) - 1):
        if flags[i] and flags[i + 1] and w[i : i + 2] in _HIATUS:
            if i > 0 and w[i - 1] in _SOFTENERS and w[i] == "i":
                continue
            if w[i : i + 2] == "ua" and i > 0 and w[i - 1] in "qg":
                continue
            count += 1
    if re.search(r"[^aeiou]i(?:er|ers|est)$", w) and len(w) > 4:
        count += 1
    if w.endswith("sm"):
        count += 1
    if count > 1 and not final_e_sounded:
        count -= _silent_ending(w, flags)
    return max(1, count)


def _silent_ending(w: str, flags: list[bool]) -> int:
    """1 when the word's last vowel group is a silent e ("make", "makes", "jumped")."""
    n = len(w)
    if w.endswith("e") and n >= 3 and not flags[n - 2]:
        consonant_le = w.endswith("le") and not flags[n - 3]
        return 0 if consonant_le else 1
    if w.endswith("es") and n >= 4 and not flags[n - 3]:
        if w[:-1].endswith(SIBILANT_ENDINGS) or (w.endswith("les") and not flags[n - 4]):
            return 0
        return 1
    if w.endswith("ed") and n >= 4 and not flags[n - 3]:
        consonant_led = w.endswith("led") and not flags[n - 4] and not w.endswith("lled")
        if w[n - 3] in "td" or consonant_led:
            return 0
        return 1
    return 0


@cache
def _pyphen_dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def pyphen_syllables(word: str) -> int:
    """Count syllables as hyphenation points + 1 (LibreOffice en_US patterns, via pyphen).

    Kept for comparison only: it measures worse than ``vowel_group_syllables`` (module doc).
    """
    w = "".join(ch for ch in strip_accents(word.lower()) if ch.isalpha())
    if not w:
        return 0
    return len(_pyphen_dictionary().positions(w)) + 1
