"""Checking a poem against a fixed form: syllables, rhyme, refrains and meter, line by line.

The counts come from the same CMU-based code as the lyric studio, with the tolerance verse needs:

* **Syllables**: a line passes when *some* reading of it fits the target: any pronunciation the
  dictionary lists ("ev-ery" or "ev-ry", "tem-per-ate" or "tem-prate"), and the two elisions
  poets have always used, a diphthong before "-er" said as one beat ("fire", "hour", "power")
  and "-ven" after a vowel ("heav'n", "ev'n", "giv'n"). ``syllables`` is the dictionary's first
  count; ``counted`` is the reading that fitted (or the first count when none did).
* **Rhyme**: lines sharing a letter rhyme with the line most of them rhyme with (the anchor); a
  repeated word is not a rhyme, and an eye rhyme of the same spelled ending counts ("temperate"
  / "date", "dimm'd" / "untrimm'd"), since older verse rhymes on spellings sound has left.
  A refrain copy is judged by its source line, so a villanelle's refrains can't carry each other.
* **Refrains**: a copy must repeat its source word for word (case and punctuation aside).
* **Meter** (iambic): a word of two or more syllables must take its dictionary stress on an
  even syllable (the line's first word may invert); one-syllable words are never held against a
  line, since their stress depends on the sentence. One stray stress is allowed per line
  ("perfumes" has moved its stress since Shakespeare). Checked only when the line has exactly
  the form's count, otherwise the positions mean nothing: ``meter_ok`` is then None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import _, ngettext
from bot.services.prosody._cmu import phones_for_word
from bot.services.prosody.forms import FormSpec
from bot.services.prosody.rhyme import rhyme_class
from bot.services.prosody.stanza import SyllableTarget, end_word
from bot.services.prosody.syllables import tokenize, word_stresses
from bot.services.prosody.zh import ToneCheck, check_jueju, has_han

__all__ = [
    "LineCheck",
    "PoemCheck",
    "check_poem",
    "line_readings",
    "rhymes_in_verse",
    "split_poem",
    "unknown_words",
]

_VOWEL = re.compile(r"[AEIOU][A-Z]?[012]")
_DIPHTHONG_ER = re.compile(r"\b(?:AY|AW|OW|OY)[12] ER0\b")
_VEN = re.compile(r"[012] V AH0 N$")
_STRAY_STRESSES = 1


@dataclass(frozen=True, slots=True)
class LineCheck:
    """One line of a poem against its form. ``number`` is 1-based."""

    number: int
    text: str
    syllables: int
    counted: int
    target: SyllableTarget | None
    letter: str | None
    refrain_of: int | None  # the 1-based line this one repeats
    ok_syllables: bool = True
    ok_rhyme: bool = True
    ok_refrain: bool = True
    meter_ok: bool | None = None
    extra: bool = False  # beyond the form's last line
    rhyme_with: int | None = None  # 0-based line it must rhyme with, when its rhyme misses
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class PoemCheck:
    form: FormSpec
    lines: tuple[LineCheck, ...]
    problems: tuple[str, ...] = ()  # about the whole poem (its line count)
    tones: ToneCheck | None = None  # the 平仄 of a Chinese form of four 5- or 7-character lines

    @property
    def ok(self) -> bool:
        return not self.problems and all(line.ok for line in self.lines)

    @property
    def failing(self) -> tuple[int, ...]:
        """0-based indexes of the lines that miss."""
        return tuple(i for i, line in enumerate(self.lines) if not line.ok)


def split_poem(text: str) -> list[str]:
    """A poem's lines: one per text line, and " / " also separates lines (Discord's slash
    options are single-line, so "An old pond / a frog jumps in / splash" is three lines). A
    slash without spaces around it ("and/or") stays inside its line; blank lines are dropped."""
    lines: list[str] = []
    for raw in text.splitlines():
        lines.extend(part.strip() for part in re.split(r"\s+/\s+", raw))
    return [line for line in lines if line]


def _word_readings(token: str) -> tuple[int, int]:
    """Fewest and most syllables ``token`` may have in verse."""
    first = len(word_stresses(token))
    counts = {first}
    for phones in phones_for_word(token.lower().strip("'")):
        full = len(_VOWEL.findall(phones))
        counts.add(full)
        elided = full - len(_DIPHTHONG_ER.findall(phones)) - bool(_VEN.search(phones))
        counts.add(max(1, elided))
    return min(counts), max(counts)


def line_readings(line: str) -> tuple[int, int]:
    """Fewest and most syllables ``line`` may be read with (see the module docstring)."""
    low = high = 0
    for token in tokenize(line):
        a, b = _word_readings(token)
        low, high = low + a, high + b
    return low, high


def unknown_words(line: str) -> int:
    """How many words of ``line`` the dictionary lacks (a made-up or foreign word's count is a
    guess, so a line of known words is the safer choice)."""
    return sum(
        1
        for token in tokenize(line)
        if not has_han(token) and not phones_for_word(token.lower().strip("'"))
    )


def _spelled_rime(word: str) -> str:
    letters = re.sub(r"[^a-z]", "", word.lower())
    match = re.search(r"[aeiouy]+[^aeiouy]*e?$", letters)
    return match.group(0) if match else ""


def rhymes_in_verse(a: str, b: str) -> bool:
    """Whether two end words rhyme for a form: a perfect, slant or multisyllabic rhyme, or an
    eye rhyme on the same spelled ending of two letters or more; never the same word twice."""
    if not a or not b or a == b:
        return False
    if rhyme_class(a, b) not in ("none", "identical"):
        return True
    rime = _spelled_rime(a)
    return len(rime) >= 2 and rime == _spelled_rime(b)


def _meter_misses(line: str) -> list[str] | None:
    """Words whose dictionary stress falls off the iambic beat; None when nothing is known."""
    position = 0
    misses: list[str] = []
    for n, token in enumerate(tokenize(line)):
        stresses = word_stresses(token)
        options = [p for p in phones_for_word(token.lower()) if len(_VOWEL.findall(p)) > 1]
        if len(stresses) > 1 and options and n > 0:
            beats = {
                position + i + 1
                for p in options
                if len(_VOWEL.findall(p)) == len(stresses)
                for i, v in enumerate(_VOWEL.findall(p))
                if v.endswith("1")
            }
            if beats and not any(b % 2 == 0 for b in beats):
                misses.append(token)
        position += len(stresses)
    return misses


def _fits(target: SyllableTarget, readings: tuple[int, int]) -> bool:
    return readings[0] <= target[1] and readings[1] >= target[0]


def _counted(first: int, target: SyllableTarget | None, readings: tuple[int, int]) -> int:
    if target is None or target[0] <= first <= target[1] or not _fits(target, readings):
        return first
    return max(target[0], readings[0]) if first < target[0] else min(target[1], readings[1])


def _want(target: SyllableTarget) -> str:
    low, high = target
    return str(low) if low == high else f"{low}-{high}"


def _anchors(form: FormSpec, ends: Sequence[str], count: int) -> dict[str, int]:
    """For each rhyme letter, the written (non-copy) line most others of its letter rhyme with."""
    anchors: dict[str, int] = {}
    for letter in dict.fromkeys(form.scheme[:count]):
        members = [i for i in range(count) if form.letter(i) == letter and i not in form.refrains]
        scores = [
            sum(rhymes_in_verse(ends[i], ends[j]) for j in members if j != i) for i in members
        ]
        if members:
            anchors[letter] = members[scores.index(max(scores))]
    return anchors


def _rhyme_problem(form: FormSpec, i: int, ends: Sequence[str], anchors: dict[str, int]) -> str:
    letter = form.letter(i)
    if letter is None:
        return ""
    anchor = anchors.get(letter, i)
    members = [j for j in range(len(ends)) if form.letter(j) == letter and j not in form.refrains]
    if anchor == i:
        if len(members) < 2 or any(rhymes_in_verse(ends[i], ends[j]) for j in members if j != i):
            return ""
        return _('"{word}" rhymes with no other {letter} line', word=ends[i], letter=letter)
    if rhymes_in_verse(ends[i], ends[anchor]):
        return ""
    if ends[i] == ends[anchor]:
        return _(
            '"{word}" repeats line {line}\'s word instead of rhyming with it',
            word=ends[i],
            line=anchor + 1,
        )
    return _(
        '"{word}" does not rhyme with "{other}" (line {line})',
        word=ends[i] or _("(nothing)"),
        other=ends[anchor],
        line=anchor + 1,
    )


def _words(text: str) -> list[str]:
    return [w.lower() for w in tokenize(text)]


def check_poem(lines: Sequence[str], form: FormSpec) -> PoemCheck:
    """Check ``lines`` (blank ones ignored) against ``form``. CPU-bound: run it in a thread."""
    texts = [line.strip() for line in lines if line.strip()]
    size = form.lines if form.lines is not None else len(texts)
    problems: list[str] = []
    if form.lines is not None and len(texts) != form.lines:
        problems.append(
            ngettext(
                "A {form} has {lines} lines; this has {n}.",
                "A {form} has {lines} lines; this has {n}.",
                len(texts),
                form=form.shown_label.lower(),
                lines=form.lines,
            )
        )
    elif not form.min_lines <= len(texts) <= form.max_lines:
        problems.append(
            ngettext(
                "Give {low} to {high} lines; this has {n}.",
                "Give {low} to {high} lines; this has {n}.",
                len(texts),
                low=form.min_lines,
                high=form.max_lines,
            )
        )
    ends = [end_word(text) for text in texts]
    known = min(size, len(texts))
    anchors = _anchors(form, ends, known)
    checks: list[LineCheck] = []
    for i, text in enumerate(texts):
        first = len("".join(word_stresses(t) for t in tokenize(text)))
        readings = line_readings(text)
        if i >= size:
            checks.append(
                LineCheck(i + 1, text, first, first, None, None, None, extra=True,
                          problems=(_("extra line: the form ends at line {line}", line=size),))
            )  # fmt: skip
            continue
        target = form.target(i)
        why: list[str] = []
        ok_syllables = target is None or _fits(target, readings)
        if target is not None and not ok_syllables:
            why.append(
                ngettext(
                    "{n} character, needs {want}",
                    "{n} characters, needs {want}",
                    first,
                    want=_want(target),
                )
                if form.script == "han"
                else ngettext(
                    "{n} syllable, needs {want}",
                    "{n} syllables, needs {want}",
                    first,
                    want=_want(target),
                )
            )
        source = form.source_of(i)
        ok_refrain = source == i or source >= len(texts) or _words(text) == _words(texts[source])
        if not ok_refrain:
            why.append(_("should repeat line {line} word for word", line=source + 1))
        rhyme_why = _rhyme_problem(form, source, ends, anchors) if source < len(texts) else ""
        anchor = anchors.get(form.letter(source) or "")
        if rhyme_why:
            why.append(
                rhyme_why
                if source == i
                else _("as line {line}: {problem}", line=source + 1, problem=rhyme_why)
            )
        meter_ok: bool | None = None
        if form.meter == "iambic" and target is not None and first == target[1]:
            misses = _meter_misses(text) or []
            meter_ok = len(misses) <= _STRAY_STRESSES
            if not meter_ok:
                shown = ", ".join(f'"{w}"' for w in misses)
                why.append(_("stress falls off the iambic beat on {words}", words=shown))
        checks.append(
            LineCheck(
                number=i + 1,
                text=text,
                syllables=first,
                counted=_counted(first, target, readings),
                target=target,
                letter=form.letter(i),
                refrain_of=source + 1 if source != i else None,
                ok_syllables=ok_syllables,
                ok_rhyme=not rhyme_why,
                ok_refrain=ok_refrain,
                meter_ok=meter_ok,
                rhyme_with=anchor if rhyme_why and anchor != source else None,
                problems=tuple(why),
            )
        )
    tones = check_jueju(texts) if form.script == "han" else None
    return PoemCheck(form, tuple(checks), tuple(problems), tones)
