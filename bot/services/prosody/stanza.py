"""Stanzas: rhyme-scheme detection, scheme and syllable checks, and parsing of user targets."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import UserInputError
from bot.i18n import _, ngettext
from bot.services.prosody.rhyme import RhymeClass, rhyme_class
from bot.services.prosody.syllables import line_syllables, stress_pattern, tokenize
from bot.services.prosody.zh import end_phrase, has_han, split_mixed

__all__ = [
    "MAX_SCHEME_LINES",
    "MAX_SYLLABLES",
    "LineAnalysis",
    "ProsodyInputError",
    "SyllableTarget",
    "analyze_stanza",
    "detect_scheme",
    "end_word",
    "parse_scheme",
    "parse_syllable_target",
    "scheme_fits",
]

MAX_SCHEME_LINES = 16
MAX_SYLLABLES = 30

#: (fewest, most) syllables a line may have.
SyllableTarget = tuple[int, int]


class ProsodyInputError(UserInputError, ValueError):
    """A rhyme scheme or syllable target a member typed that can't be used."""


def parse_scheme(text: str) -> str:
    """Validate a rhyme scheme such as "ABAB" or "aabb" and return it upper-cased.

    Spaces are allowed between stanzas ("ABAB CDCD") and removed; "X" is an ordinary letter.
    """
    cleaned = re.sub(r"[\s\-/|]+", "", text or "").upper()
    if not cleaned:
        raise ProsodyInputError(_("Give a rhyme scheme such as ABAB or AABB."))
    bad = sorted({ch for ch in cleaned if ch not in string.ascii_uppercase})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise ProsodyInputError(
            _("A rhyme scheme uses letters only (like ABAB); {shown} can't be used.", shown=shown)
        )
    if len(cleaned) > MAX_SCHEME_LINES:
        raise ProsodyInputError(
            _(
                "A rhyme scheme can cover at most {limit} lines; that one has {count}.",
                limit=MAX_SCHEME_LINES,
                count=len(cleaned),
            )
        )
    return cleaned


def parse_syllable_target(text: str | int) -> SyllableTarget:
    """Parse "8" or "6-8" (also "6–8", "6 to 8") into (fewest, most); both from 1 to 30."""
    raw = str(text).strip()
    match = re.fullmatch(r"(\d{1,3})(?:\s*(?:-|–|—|to|\.\.)\s*(\d{1,3}))?", raw)
    if match is None:
        raise ProsodyInputError(_("Give a syllable count as a number like 8, or a range like 6-8."))
    low = int(match[1])
    high = int(match[2]) if match[2] is not None else low
    for value in (low, high):
        if not 1 <= value <= MAX_SYLLABLES:
            raise ProsodyInputError(
                _(
                    "Syllables per line must be between 1 and {limit}; {value} is not.",
                    limit=MAX_SYLLABLES,
                    value=value,
                )
            )
    if low > high:
        raise ProsodyInputError(
            _(
                "In a range the smaller number comes first: {high}-{low}, not {low}-{high}.",
                high=high,
                low=low,
            )
        )
    return low, high


def end_word(line: str) -> str:
    """The last word of a line, lower-cased, without punctuation ("" for a blank line). A line
    ending in Chinese ends on the longest phrase ``pypinyin`` knows there (银行), else on its
    last character (霜), so a polyphonic character keeps its reading in the phrase."""
    words = tokenize(line)
    if not words:
        return ""
    last = split_mixed(words[-1])[-1] if has_han(words[-1]) else words[-1]
    if has_han(last):
        return end_phrase(last)
    return last.lower().strip("'")


_STRONG: frozenset[RhymeClass] = frozenset({"perfect", "multisyllabic", "identical"})


def _cluster(words: Sequence[str]) -> list[int]:
    """Group line-end words into rhyme groups; returns a group id per word.

    Perfect (and identical, multisyllabic) rhymes join groups first; a word left alone then
    pairs with the nearest later lone word it slant-rhymes with, and only after that with a
    group, so "time / light / rhyme / night" stays ABAB rather than collapsing on the shared
    vowel.
    """
    n = len(words)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    classes: dict[tuple[int, int], RhymeClass] = {}
    for i in range(n):
        for j in range(i + 1, n):
            if words[i] and words[j]:
                classes[i, j] = rhyme_class(words[i], words[j])
                if classes[i, j] in _STRONG:
                    union(i, j)

    def alone(i: int) -> bool:
        return sum(1 for k in range(n) if find(k) == find(i)) == 1

    for i in range(n):
        if not alone(i):
            continue
        for j in range(i + 1, n):
            if alone(j) and classes.get((i, j)) == "slant":
                union(i, j)
                break
    for i in range(n):
        if not alone(i):
            continue
        for j in (k for k in range(n) if k != i and not alone(k)):
            if classes.get((min(i, j), max(i, j))) == "slant":
                union(j, i)
                break
    return [find(i) for i in range(n)]


def detect_scheme(lines: Sequence[str]) -> str:
    """The rhyme scheme of ``lines`` ("ABAB", "AABB", "ABCB"...).

    Lines whose end words rhyme (perfect or slant) share a letter. Blank lines split stanzas
    and appear as a single space ("ABAB CDCD"); leading and trailing blank lines are dropped.
    """
    texts = [line for line in lines if line.strip()]
    groups = _cluster([end_word(line) for line in texts])
    letters: dict[int, str] = {}
    for group in groups:
        if group not in letters:
            letters[group] = _letter(len(letters))
    scheme_letters = iter(letters[g] for g in groups)
    out: list[str] = []
    for line in lines:
        if line.strip():
            out.append(next(scheme_letters))
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


@dataclass(frozen=True, slots=True)
class LineAnalysis:
    """One line of a stanza checked against the requested scheme and syllable target."""

    text: str
    syllables: int
    stress: str
    end_word: str
    rhyme_letter: str
    ok_syllables: bool
    ok_rhyme: bool
    notes: tuple[str, ...] = ()


def _expected_letters(scheme: str, count: int) -> list[str]:
    """The scheme letter each line should have; a short scheme repeats with fresh letters
    per repetition ("ABAB" over 8 lines means ABAB CDCD), so stanzas don't rhyme across."""
    pattern = parse_scheme(scheme)
    return [f"{pattern[i % len(pattern)]}{i // len(pattern) or ''}" for i in range(count)]


def _normalize_target(syllables: int | tuple[int, int] | None) -> SyllableTarget | None:
    if syllables is None:
        return None
    if isinstance(syllables, int):
        return parse_syllable_target(syllables)
    low, high = syllables
    return parse_syllable_target(f"{low}-{high}")


def analyze_stanza(
    lines: Sequence[str],
    scheme: str | None = None,
    syllables: int | tuple[int, int] | None = None,
) -> list[LineAnalysis]:
    """Check each non-blank line: its syllables against ``syllables`` (a count or a range) and
    its end word against the lines sharing its letter in ``scheme``. Without a scheme the
    detected one is reported and every line passes the rhyme check."""
    texts = [line.strip() for line in lines if line.strip()]
    target = _normalize_target(syllables)
    ends = [end_word(text) for text in texts]
    if scheme is not None:
        letters = _expected_letters(scheme, len(texts))
    else:
        letters = [ch for ch in detect_scheme(texts) if ch != " "]
    results: list[LineAnalysis] = []
    for i, text in enumerate(texts):
        notes: list[str] = []
        count = line_syllables(text)
        ok_syllables = True
        if target is not None:
            low, high = target
            want = str(low) if low == high else f"{low}-{high}"
            if count < low:
                ok_syllables = False
                notes.append(
                    ngettext(
                        "{n} syllable, fewer than {want}",
                        "{n} syllables, fewer than {want}",
                        count,
                        want=want,
                    )
                )
            elif count > high:
                ok_syllables = False
                notes.append(
                    ngettext(
                        "{n} syllable, more than {want}",
                        "{n} syllables, more than {want}",
                        count,
                        want=want,
                    )
                )
        ok_rhyme = True
        if scheme is not None:
            partners = [j for j in range(len(texts)) if j != i and letters[j] == letters[i]]
            if partners and not any(
                ends[i] and ends[j] and rhyme_class(ends[i], ends[j]) != "none" for j in partners
            ):
                ok_rhyme = False
                others = ", ".join(f'"{ends[j]}"' for j in partners)
                notes.append(
                    _('"{word}" does not rhyme with {others}', word=ends[i], others=others)
                )
        results.append(
            LineAnalysis(
                text=text,
                syllables=count,
                stress=stress_pattern(text),
                end_word=ends[i],
                rhyme_letter=letters[i][0],
                ok_syllables=ok_syllables,
                ok_rhyme=ok_rhyme,
                notes=tuple(notes),
            )
        )
    return results


def scheme_fits(expected: str, lines: Sequence[str]) -> bool:
    """True when every line rhymes with a partner in ``expected`` (a repeating scheme is fine)
    and the number of non-blank lines is a whole number of repetitions of it."""
    pattern = parse_scheme(expected)
    texts = [line for line in lines if line.strip()]
    if not texts or len(texts) % len(pattern):
        return False
    return all(line.ok_rhyme for line in analyze_stanza(texts, pattern))
