"""Out-of-dictionary words built from dictionary parts: compounds ("doom" + "scrolling"),
productive prefixes ("hyper" + "pop") and a stem plus a productive suffix ("zoom" + "ified")."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.prosody._cmu import first_phones, plain_words, stress_digits
from bot.services.prosody._freq import zipf
from bot.services.prosody.spelling import SIBILANT_ENDINGS, vowel_group_syllables

__all__ = ["beats", "decompose_stresses", "decomposed_syllables"]


# Productive suffixes with their stresses, for "dictionary stem + suffix" words.
_SUFFIXES: dict[str, str] = {
    "y": "0",
    "ey": "0",
    "ie": "0",
    "ies": "0",
    "ish": "0",
    "ify": "00",
    "ified": "00",
    "ifies": "00",
    "able": "00",
    "ables": "00",
    "ably": "00",
    "tastic": "10",
    "icious": "10",
    "ous": "0",
    "ness": "0",
    "less": "0",
    "ful": "0",
    "ly": "0",
    "er": "0",
    "ers": "0",
    "est": "0",
    "ing": "0",
    "ings": "0",
    "ster": "0",
    "core": "1",
    "ism": "00",
    "ist": "0",
    "ed": "",
    "es": "",
    "s": "",
}
_PREFIXES = (
    "anti",
    "cyber",
    "de",
    "dis",
    "hyper",
    "mega",
    "mis",
    "non",
    "out",
    "over",
    "pre",
    "re",
    "sub",
    "super",
    "ultra",
    "un",
    "under",
)


def _dictionary_stresses(word: str) -> str | None:
    if word not in plain_words():
        return None
    phones = first_phones(word)
    return beats(phones) if phones else None


def _suffix_stresses(stem: str, suffix: str) -> str | None:
    stresses = _SUFFIXES.get(suffix)
    if stresses is None:
        return None
    if suffix == "ed":
        return "0" if stem.endswith(("t", "d")) else ""
    if suffix == "es":
        return "0" if stem.endswith(SIBILANT_ENDINGS) else ""
    return stresses


def _stem_stresses(stem: str, suffix: str) -> str | None:
    """Stresses of a stem as it appears before ``suffix`` (doubled consonant, dropped e)."""
    found = _dictionary_stresses(stem)
    if found is None and suffix[0] in "aeiouy":
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
            found = _dictionary_stresses(stem[:-1])  # "instagramm|able"
        if found is None:
            found = _dictionary_stresses(stem + "e")  # "lov|able"
    return found


# Compounds are made of everyday words ("doom" + "scrolling"); a rare dictionary word that
# happens to end the spelling ("stay" + "cation", said like "cat-ion") misleads.
_COMPOUND_PART_ZIPF = 3.0


def _common(word: str) -> bool:
    return zipf(word) >= _COMPOUND_PART_ZIPF


def _is_doubled_before_suffix(stem: str, suffix: str) -> bool:
    return (
        len(stem) > 3
        and stem[-1] == stem[-2]
        and stem[-1] not in "aeiouy"
        and suffix in ("ed", "ing", "er", "ers", "est", "y", "ies", "able")
    )


def decompose_stresses(word: str, depth: int) -> str | None:
    """Stresses of ``word`` built from dictionary parts, or None. Tried in order of trust:
    two dictionary words, dictionary stem + suffix, decomposable stem + suffix, prefix + rest."""
    if depth > 2:
        return None
    splits = [(word[:i], word[i:]) for i in range(len(word) - 1, 2, -1)]
    for stem, rest in splits:
        # A doubled consonant before a vowel suffix is English spelling, not two words
        # ("stann|ed" is "stan" + "ed", not "stan" + "ned"; "hashtagg|ed", not "hashtag" + "ged").
        if _is_doubled_before_suffix(stem, rest):
            suffix_stresses = _suffix_stresses(stem, rest)
            head = _dictionary_stresses(stem[:-1])
            if suffix_stresses is not None and head is not None:
                return head + suffix_stresses
    for stem, rest in splits:
        if len(rest) >= 3 and _common(stem) and _common(rest):
            head, tail = _dictionary_stresses(stem), _dictionary_stresses(rest)
            if head is not None and tail is not None:
                return head + tail
    for stem, rest in splits:
        suffix_stresses = _suffix_stresses(stem, rest)
        if suffix_stresses is not None and (head := _stem_stresses(stem, rest)) is not None:
            return head + suffix_stresses
    if depth < 2:
        for stem, rest in splits:
            suffix_stresses = _suffix_stresses(stem, rest)
            if suffix_stresses is not None and rest not in ("s", "es", "ed"):
                head = decompose_stresses(stem, depth + 1)
                if head is not None:
                    return head + suffix_stresses
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            rest = word[len(prefix) :]
            tail = _dictionary_stresses(rest) or decompose_stresses(rest, depth + 1)
            if tail is not None:
                return "0" * vowel_group_syllables(prefix) + tail
    return None


def decomposed_syllables(word: str, fallback: Callable[[str], int] | None = None) -> int:
    """Syllables of an out-of-dictionary word via dictionary parts, else ``fallback``."""
    stresses = decompose_stresses(word.lower(), 0)
    if stresses is not None and stresses:
        return len(stresses)
    return (fallback or vowel_group_syllables)(word)


def beats(phones: str) -> str:
    # A few entries ("hmm", "shh") have no vowel phone; sung, they still take one beat.
    return stress_digits(phones) or "1"
