"""What a member asks ``/lyrics draft`` for, validated before any work: the song's structure,
the rhyme scheme and line count of each section, and the syllables per line.

Everything here is pure and raises :class:`~bot.services.prosody.ProsodyInputError` (a
``UserInputError``) with a message the member can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.i18n import _
from bot.services.bounds import check_length
from bot.services.prosody import (
    ProsodyInputError,
    SyllableTarget,
    parse_scheme,
    parse_syllable_target,
)
from bot.services.text import clean_text

from .sections import section_label, section_name

__all__ = [
    "DEFAULT_STRUCTURE",
    "DEFAULT_SYLLABLES",
    "GENRE_LIMIT",
    "MAX_LINES_PER_SECTION",
    "MAX_SECTIONS",
    "MAX_TOTAL_LINES",
    "MIN_LINES_PER_SECTION",
    "MOOD_LIMIT",
    "REPEATING_KINDS",
    "RHYME_SCHEME_LIMIT",
    "SECTION_KINDS",
    "STRUCTURE_LIMIT",
    "SYLLABLES_OPTION_LIMIT",
    "TOPIC_LIMIT",
    "PartSpec",
    "SongSpec",
    "default_scheme",
    "parse_per_section",
    "parse_structure",
    "song_spec",
]

#: Section kinds a song may have, in the order they're usually listed.
SECTION_KINDS: tuple[str, ...] = (
    "intro",
    "verse",
    "pre-chorus",
    "chorus",
    "bridge",
    "hook",
    "refrain",
    "outro",
)
#: Sections sung the same way every time they come back: drafted once, reused.
REPEATING_KINDS = frozenset({"pre-chorus", "chorus", "hook", "refrain"})
DEFAULT_STRUCTURE: tuple[str, ...] = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
DEFAULT_SYLLABLES: SyllableTarget = (6, 10)
_DEFAULT_SCHEMES = {"verse": "ABAB", "bridge": "ABCB"}

MAX_SECTIONS = 12
MIN_LINES_PER_SECTION = 2
MAX_LINES_PER_SECTION = 12
#: New lines drafted for one song (repeated sections count once). Keeps a draft within what
#: one Discord message can show line by line, and within a minute of a small model's time.
MAX_TOTAL_LINES = 32

TOPIC_LIMIT = 200
GENRE_LIMIT = 40
MOOD_LIMIT = 40
#: Option lengths for the parsed options: room for every section named, with its value.
STRUCTURE_LIMIT = 200
RHYME_SCHEME_LIMIT = 200
SYLLABLES_OPTION_LIMIT = 200

_ALIASES = {
    "prechorus": "pre-chorus",
    "pre": "pre-chorus",
    "verses": "verse",
    "choruses": "chorus",
    "v": "verse",
    "c": "chorus",
    "b": "bridge",
    "pc": "pre-chorus",
}

T = TypeVar("T")

_PRE_CHORUS = re.compile(r"\bpre[\s_]+chorus\b")
_NAME_SEPARATORS = re.compile(r"[\s,;/|>→+]+")
# "verse2: 8-10" -> ("verse2", "8-10"). Linear on any input: a name may only start where no
# name character precedes it (so a run of n letters is tried once, not n times), and the
# possessive quantifiers never give back what they took.
_SECTION_VALUE = re.compile(
    r"(?<![a-z0-9\-])([a-z][a-z\-]*+\d*+)\s*+[:=]\s*+([^\s,;:=]++(?:\s*+(?:-|–|to)\s*+\d++)?)"
)


@dataclass(frozen=True, slots=True)
class PartSpec:
    """One section to draft. Repeated choruses share one part; each verse is its own."""

    key: str  # "verse 1", "chorus"
    kind: str  # "verse"
    label: str  # "Verse 1"
    scheme: str  # "ABAB"
    lines: int
    syllables: SyllableTarget | None

    @property
    def shown_label(self) -> str:
        """The label a member reads, in the current language ("Verse 1", "Chorus")."""
        return section_label(self.key)


@dataclass(frozen=True, slots=True)
class SongSpec:
    """A validated request: the parts to draft and the order the song sings them in."""

    topic: str
    genre: str | None
    mood: str | None
    order: tuple[str, ...]  # part keys in song order
    parts: tuple[PartSpec, ...]

    def part(self, key: str) -> PartSpec:
        for part in self.parts:
            if part.key == key:
                return part
        raise KeyError(key)

    @property
    def total_lines(self) -> int:
        return sum(p.lines for p in self.parts)


def _canonical(word: str) -> str:
    name = word.strip().lower().rstrip("0123456789").strip(" -")
    name = _ALIASES.get(name, name)
    if name not in SECTION_KINDS:
        known = ", ".join(SECTION_KINDS)
        shown = word.strip()[:30] or _("(nothing)")
        raise ProsodyInputError(
            _(
                "I don't know a song section called {name}. Use: {known}.",
                name=repr(shown),
                known=known,
            )
        )
    return name


def _split_names(text: str) -> list[str]:
    flat = _PRE_CHORUS.sub("pre-chorus", text.strip().lower())
    return [t for t in _NAME_SEPARATORS.split(flat) if t]


def parse_structure(text: str | None) -> tuple[str, ...]:
    """ "verse, chorus, verse, chorus, bridge, chorus" (commas, spaces or arrows) to kinds."""
    if text is None or not text.strip():
        return DEFAULT_STRUCTURE
    names = [_canonical(t) for t in _split_names(text)]
    if not names:
        raise ProsodyInputError(_("Give the structure as section names, like: verse, chorus."))
    if len(names) > MAX_SECTIONS:
        raise ProsodyInputError(
            _(
                "A song can have at most {limit} sections; that structure has {count}.",
                limit=MAX_SECTIONS,
                count=len(names),
            )
        )
    return tuple(names)


def parse_per_section(
    text: str | None,
    kinds: Sequence[str],
    parse: Callable[[str], T],
    *,
    what: str,
) -> tuple[T | None, dict[str, T]]:
    """Either one value for every section ("AABB") or per section ("verse:ABAB chorus:AABB").

    Returns (value for all sections or None, {kind: value}). A section named that the
    structure doesn't have is an error, so a typo never silently does nothing.
    """
    if text is None or not text.strip():
        return None, {}
    raw = text.strip()
    if not re.search(r"[:=]", raw):
        return parse(raw), {}
    flat = _PRE_CHORUS.sub("pre-chorus", raw.lower())
    pairs: list[tuple[str, str]] = []
    gaps: list[str] = []
    position = 0
    for match in _SECTION_VALUE.finditer(flat):
        pairs.append((match.group(1), match.group(2)))
        gaps.append(flat[position : match.start()])
        position = match.end()
    gaps.append(flat[position:])
    leftover = "".join(gaps)
    if not pairs or re.sub(r"[\s,;]+", "", leftover):
        raise ProsodyInputError(_per_section_help(what))
    values: dict[str, T] = {}
    present = set(kinds)
    for name, value in pairs:
        kind = _canonical(name)
        if kind not in present:
            raise ProsodyInputError(_not_in_structure(what, kind, kinds))
        if kind in values:
            raise ProsodyInputError(_given_twice(what, kind))
        values[kind] = parse(value)
    return None, values


def _per_section_help(what: str) -> str:
    if what == "rhyme scheme":
        return _(
            "Give the rhyme scheme for all sections (like ABAB) or per section "
            "(like verse:ABAB chorus:AABB)."
        )
    return _(
        "Give the syllables per line for all sections (like 8) or per section "
        "(like verse:8 chorus:6)."
    )


def _not_in_structure(what: str, kind: str, kinds: Sequence[str]) -> str:
    values = {
        "section": section_name(kind),
        "structure": ", ".join(section_name(k) for k in dict.fromkeys(kinds)),
    }
    if what == "rhyme scheme":
        return _(
            "Your structure has no {section}, so a rhyme scheme for it can't be used "
            "(the structure is: {structure}).",
            **values,
        )
    return _(
        "Your structure has no {section}, so a syllables per line for it can't be used "
        "(the structure is: {structure}).",
        **values,
    )


def _given_twice(what: str, kind: str) -> str:
    if what == "rhyme scheme":
        return _("The rhyme scheme for {section} is given twice.", section=section_name(kind))
    return _("The syllables per line for {section} is given twice.", section=section_name(kind))


def _rhyme_scheme(text: str) -> str:
    scheme = parse_scheme(text)
    if len(scheme) < MIN_LINES_PER_SECTION:
        raise ProsodyInputError(_("A rhyme scheme needs at least two letters, like AA or ABAB."))
    if len(scheme) > MAX_LINES_PER_SECTION:
        raise ProsodyInputError(
            _(
                "A section can have at most {limit} lines, so its rhyme scheme can have at most "
                "{limit} letters; {scheme} has {count}.",
                limit=MAX_LINES_PER_SECTION,
                scheme=scheme,
                count=len(scheme),
            )
        )
    return scheme


def default_scheme(kind: str, lines: int | None) -> str:
    """ABAB for verses, ABCB for bridges, couplets (AABB) for the rest; fitted to ``lines``."""
    preferred = _DEFAULT_SCHEMES.get(kind, "AABB")
    if lines is None or lines % len(preferred) == 0:
        return preferred
    letters = "ABCDEFGHIJKL"
    pairs = [letters[i // 2] for i in range(lines - lines % 2)]
    if lines % 2:  # an odd line out rhymes with the last couplet
        pairs.append(pairs[-1] if pairs else "A")
    return "".join(pairs)


def _fits(scheme: str, lines: int, label: str, *, given: bool) -> None:
    if lines % len(scheme) == 0:
        return
    divisors = [n for n in range(MIN_LINES_PER_SECTION, lines + 1) if lines % n == 0]
    values = {
        "scheme": scheme,
        "section": label.lower(),
        "letters": len(scheme),
        "lines": lines,
        "hint": _(" or ").join(str(n) for n in divisors[:3]),
    }
    if given:
        raise ProsodyInputError(
            _(
                "The rhyme scheme {scheme} for {section} has {letters} letters, which doesn't "
                "fit sections of {lines} lines. Use a scheme of {hint} letters, or set lines "
                "to a multiple of {letters}.",
                **values,
            )
        )
    raise ProsodyInputError(
        _(
            "The rhyme scheme {scheme} (the default) for {section} has {letters} letters, which "
            "doesn't fit sections of {lines} lines. Use a scheme of {hint} letters, or set "
            "lines to a multiple of {letters}.",
            **values,
        )
    )


def song_spec(
    *,
    topic: str,
    genre: str | None = None,
    mood: str | None = None,
    structure: str | None = None,
    rhyme_scheme: str | None = None,
    syllables: str | int | None = None,
    lines: int | None = None,
) -> SongSpec:
    """Validate a whole ``/lyrics draft`` request; raises before anything is generated."""
    clean_topic = clean_text(topic, field="topic", max_length=TOPIC_LIMIT)
    clean_genre = clean_text(genre, field="genre", max_length=GENRE_LIMIT, required=False)
    clean_mood = clean_text(mood, field="mood", max_length=MOOD_LIMIT, required=False)
    check_length(structure, field="structure", max_length=STRUCTURE_LIMIT)
    check_length(rhyme_scheme, field="rhyme scheme", max_length=RHYME_SCHEME_LIMIT)
    if isinstance(syllables, str):
        check_length(syllables, field="syllables", max_length=SYLLABLES_OPTION_LIMIT)
    kinds = parse_structure(structure)
    if lines is not None and not MIN_LINES_PER_SECTION <= lines <= MAX_LINES_PER_SECTION:
        raise ProsodyInputError(
            _(
                "Lines per section must be between {low} and {high}; {lines} is not.",
                low=MIN_LINES_PER_SECTION,
                high=MAX_LINES_PER_SECTION,
                lines=lines,
            )
        )
    scheme_all, scheme_by = parse_per_section(
        rhyme_scheme, kinds, _rhyme_scheme, what="rhyme scheme"
    )
    syll_text = None if syllables is None else str(syllables)
    syll_all, syll_by = parse_per_section(
        syll_text, kinds, parse_syllable_target, what="syllables per line"
    )
    counts = {kind: kinds.count(kind) for kind in kinds}
    seen: dict[str, int] = {}
    order: list[str] = []
    parts: list[PartSpec] = []
    for kind in kinds:
        seen[kind] = seen.get(kind, 0) + 1
        if kind in REPEATING_KINDS or counts[kind] == 1:
            key = kind
            label = kind.title()
        else:
            key = f"{kind} {seen[kind]}"
            label = f"{kind.title()} {seen[kind]}"
        order.append(key)
        if any(p.key == key for p in parts):
            continue
        given = scheme_by.get(kind) or scheme_all
        scheme = given or default_scheme(kind, lines)
        count = lines if lines is not None else len(scheme)
        _fits(scheme, count, section_label(key), given=given is not None)
        target = syll_by.get(kind) or syll_all or DEFAULT_SYLLABLES
        parts.append(PartSpec(key, kind, label, scheme, count, target))
    spec = SongSpec(
        topic=clean_topic,
        genre=clean_genre or None,
        mood=clean_mood or None,
        order=tuple(order),
        parts=tuple(parts),
    )
    if spec.total_lines > MAX_TOTAL_LINES:
        raise ProsodyInputError(
            _(
                "That song needs {count} new lines (repeated choruses count once); "
                "I draft at most {limit} at a time. Use fewer sections or shorter ones.",
                count=spec.total_lines,
                limit=MAX_TOTAL_LINES,
            )
        )
    return spec
