"""Which lines of a drafted section go back to the model, and what each must fix.

Code, not the model, decides: :func:`plan_repairs` runs the stanza analysis and picks, for each
rhyme group, an anchor line the others must rhyme with; a line that fails is sent back with the
rule it broke and, for a broken rhyme, the dictionary rhymes its last word may be. The words
of each problem are prompt text, from ``phrases.toml`` (``[lyrics]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pronouncing  # type: ignore[import-untyped]

from bot.services.prompts import phrase
from bot.services.prosody import (
    LineAnalysis,
    analyze_stanza,
    end_word,
    find_rhymes,
    line_syllables,
    rhyme_class,
)

from .request import PartSpec

__all__ = [
    "END_CHOICES",
    "LineFix",
    "end_candidates",
    "expected_groups",
    "plan_repairs",
    "requested_fix",
]

_WORD = re.compile(r"^[a-z][a-z']*$")
END_CHOICES = 12


@dataclass(frozen=True, slots=True)
class LineFix:
    """One line to send back: 0-based ``index`` in its section, what it broke, and (for a
    rhyme) the partner word and the last words it may end with."""

    index: int
    text: str
    problems: tuple[str, ...]
    partner: str | None = None
    end_choices: tuple[str, ...] = ()
    requested: bool = False  # the member asked for this line to be rewritten

    @property
    def field(self) -> str:
        return f"line_{self.index + 1}"


def expected_groups(scheme: str, count: int) -> list[str]:
    """The rhyme group of each line; a short scheme repeats with fresh letters (ABAB over
    eight lines is ABAB CDCD), as in :func:`analyze_stanza`."""
    return [f"{scheme[i % len(scheme)]}{i // len(scheme)}" for i in range(count)]


def _rhymes(a: str, b: str) -> bool:
    """Whether two end words rhyme as the analysis counts it (a repeated word does too)."""
    return bool(a and b) and rhyme_class(a, b) != "none"


#: Rhymes code offers the model never include these (the dictionary has every word in it).
_UNSUITABLE_TEXT = """
    anus arse ass bitch boob boobs butt cock coon crap cum cunt damn dick dyke fag fuck homo
    jap kike nazi nigger piss poop porn prick pussy rape rapist retard semen sex shit slut spic
    tit tits twat whore"""
_UNSUITABLE = frozenset(_UNSUITABLE_TEXT.split())


def _clean_word(word: str) -> str | None:
    plain = word.lower()
    return plain if _WORD.match(plain) and plain not in _UNSUITABLE else None


def _known(word: str) -> bool:
    return bool(word) and bool(pronouncing.phones_for_word(word))


def end_candidates(anchor: str, used: set[str]) -> tuple[str, ...]:
    """Dictionary rhymes for ``anchor``, everyday words first, none already ending a line."""
    found: list[str] = []
    for kind in ("perfect", "slant"):
        # find_rhymes ranks everyday words first; asking for few keeps rare names out.
        for rhyme in find_rhymes(anchor, kind, limit=END_CHOICES + len(used)):
            word = _clean_word(rhyme.word)
            if (
                word
                and word not in used
                and word not in found
                and rhyme_class(anchor, word) not in ("none", "identical")
            ):
                found.append(word)
        if len(found) >= 4:
            break
    # find_rhymes returns shorter words first; keep them, they fit a syllable budget best.
    return tuple(found[:END_CHOICES])


def plan_repairs(
    lines: Sequence[str],
    part: PartSpec,
    *,
    only: set[int] | None = None,
) -> list[LineFix]:
    """The lines of a section that fail, and what each must fix. CPU-bound: run in a thread.

    Only lines the analysis marks as failing are sent. In each rhyme group the anchor is the
    line most others already rhyme with (then one ending on a dictionary word, then the first);
    a line of the group that rhymes with none of its partners is sent back to end on a rhyme
    for the anchor's last word, picked from dictionary rhymes (crude words left out). The
    anchor itself is sent back only for its syllables, keeping its last word, so a repair
    never breaks a rhyme that held.
    """
    analysis = analyze_stanza(lines, part.scheme, part.syllables)
    groups = expected_groups(part.scheme, len(analysis))
    ends = [a.end_word for a in analysis]
    used = {e for e in ends if e}
    fixes: list[LineFix] = []
    anchors: dict[str, int] = {}
    for group in dict.fromkeys(groups):
        members = [i for i, g in enumerate(groups) if g == group]
        if len(members) < 2:
            continue
        # Most rhymes first, then a real (dictionary) word, then the earliest line.
        scores = [
            (sum(_rhymes(ends[i], ends[j]) for j in members if j != i), _known(ends[i]))
            for i in members
        ]
        best = max(scores)
        anchors[group] = members[scores.index(best)]
    for i, line in enumerate(analysis):
        if only is not None and i not in only:
            continue
        problems: list[str] = []
        if not line.ok_syllables:
            problems.append(_syllable_problem(line, part))
        anchor = anchors.get(groups[i])
        partner: str | None = None
        choices: tuple[str, ...] = ()
        if anchor is not None and anchor != i and not line.ok_rhyme:
            partner = ends[anchor]
            problems.append(phrase("lyrics.no_rhyme_with", word=ends[i], partner=partner))
            choices = end_candidates(partner, used) if partner else ()
        elif anchor is not None and problems:
            kept = _clean_word(ends[i])
            choices = (kept,) if kept else ()
        if problems:
            fixes.append(LineFix(i, line.text, tuple(problems), partner, choices))
    return fixes


def _syllable_problem(line: LineAnalysis, part: PartSpec) -> str:
    low, high = part.syllables or (1, 30)
    want = str(low) if low == high else phrase("lyrics.want_range", low=low, high=high)
    return phrase("lyrics.wrong_syllables", count=line.syllables, want=want)


def requested_fix(lines: Sequence[str], part: PartSpec, index: int) -> LineFix:
    """The member wants line ``index`` rewritten: it may change, as long as it still rhymes
    where the scheme says so (its last word comes from rhymes of its partner)."""
    groups = expected_groups(part.scheme, len(lines))
    ends = [end_word(line) for line in lines]
    partners = [j for j, g in enumerate(groups) if g == groups[index] and j != index]
    own = _clean_word(ends[index])
    choices: tuple[str, ...] = ()
    partner: str | None = None
    if partners:
        rhymed = [j for j in partners if _rhymes(ends[index], ends[j])]
        partner = ends[(rhymed or partners)[0]]
        used = {e for j, e in enumerate(ends) if e and j != index}
        candidates = end_candidates(partner, used) if partner else ()
        choices = tuple(dict.fromkeys([*([own] if own and rhymed else []), *candidates]))
        choices = choices[:END_CHOICES]
    low, high = part.syllables or (1, 30)
    count = line_syllables(lines[index])
    problems = [phrase("lyrics.asked_for")]
    if not low <= count <= high:
        want = phrase("lyrics.want_range", low=low, high=high)
        problems.append(phrase("lyrics.wrong_syllables", count=count, want=want))
    return LineFix(index, lines[index], tuple(problems), partner, choices, requested=True)
