"""Cleaning and checking text that members type, before anything is stored or generated.

Everything a member types (titles, segments, drafts, topics, display names...) goes through
``clean_text`` (or ``clean_display_name``, the same cleaning for names that must never be
refused), so every file Muse writes (EPUB/XHTML, Markdown, JSON, MIDI meta text) can rely on it:

* kept: what people really write: emoji with their zero-width joiners and variation selectors
  (👩‍👩‍👧‍👦, ❤️), subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿), combining marks, CJK, right-to-left scripts and the
  direction marks that go with them (U+200E, U+200F, U+061C);
* removed: what no export format accepts: C0 and C1 controls (a tab becomes a space; newlines
  stay in multi-line fields), lone surrogates, the 66 Unicode noncharacters (U+FFFE, U+FFFF,
  U+FDD0-U+FDEF and the last two of every plane), private-use characters, and invisible
  format characters (zero-width space, soft hyphen, word joiner, byte order mark, stray tags);
* neutralised: bidirectional embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069) are removed, so no text can reverse what follows it (the "evil.txt"
  trick) and no export holds an unbalanced one.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserInputError
from bot.i18n import _, pgettext

__all__ = ["NAME_LIMIT", "clean_display_name", "clean_text", "is_noncharacter", "printable"]

#: Display names are stored and printed at most this long.
NAME_LIMIT = 100

_ZWJ, _ZWNJ = "\u200d", "\u200c"
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A black flag, tag letters, a cancel tag: England, Scotland, Wales (the tags are otherwise
# invisible and can smuggle text, so they are kept only here).
_TAG_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
# A joiner only means something between two visible characters.
_STRAY_JOINERS = re.compile(r"[\u200c\u200d]+(?=\s|$)|(?:^|(?<=\s))[\u200c\u200d]+")
_JOINER_RUNS = re.compile(r"([\u200c\u200d])[\u200c\u200d]+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def is_noncharacter(char: str) -> bool:
    """True for the 66 code points Unicode reserves as never-to-be-interchanged."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _keep(char: str) -> bool:
    if char in (_ZWJ, _ZWNJ) or char in _DIRECTION_MARKS:
        return True
    if char in _BIDI_CONTROLS or is_noncharacter(char):
        return False
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")


def _scrub(text: str, *, multiline: bool) -> str:
    """The character-level cleaning shared by every field (no limits, no whitespace tidying)."""
    kept: list[str] = []
    position = 0
    for flag in _TAG_FLAG.finditer(text):
        kept.append(_scrub_plain(text[position : flag.start()], multiline=multiline))
        kept.append(flag.group())
        position = flag.end()
    kept.append(_scrub_plain(text[position:], multiline=multiline))
    # NFC after removal: a lone surrogate can't be normalised, and a removed control must not
    # leave a combining mark that composes across it.
    cleaned = unicodedata.normalize("NFC", "".join(kept))
    cleaned = _JOINER_RUNS.sub(r"\1", cleaned)
    return _STRAY_JOINERS.sub("", cleaned)


def _scrub_plain(text: str, *, multiline: bool) -> str:
    kept = []
    for char in text:
        if char == "\n" or char == "\r":
            kept.append(("\n" if char == "\n" else "") if multiline else " ")
        elif char == "\t":
            kept.append(" ")
        elif _keep(char):
            kept.append(char)
    return "".join(kept)


def _tidy_spaces(text: str, *, multiline: bool) -> str:
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", text).strip()


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Clean what a member typed (see the module doc), tidy whitespace, enforce the limits.

    Raises :class:`UserInputError` naming the field and the limit.
    """
    raw = value or ""
    if len(raw) > max_length * 4 + 100:  # hopeless: don't bother cleaning megabytes
        raise UserInputError(
            _(
                "The {field} is {length} characters long; the limit is {limit}.",
                field=pgettext("option name", field),
                length=f"{len(raw):,}",
                limit=f"{max_length:,}",
            )
        )
    text = _tidy_spaces(_scrub(raw, multiline=multiline), multiline=multiline)
    if not text:
        if required:
            raise UserInputError(
                _(
                    "The {field} can't be empty (or only spaces and invisible characters).",
                    field=pgettext("option name", field),
                )
            )
        return ""
    if len(text) > max_length:
        raise UserInputError(
            _(
                "The {field} is {length} characters long; the limit is {limit}. Please shorten it.",
                field=pgettext("option name", field),
                length=f"{len(text):,}",
                limit=f"{max_length:,}",
            )
        )
    return text


def printable(text: str, *, multiline: bool = True) -> str:
    """The character cleaning of ``clean_text`` without limits or refusals, for writers of
    files: text stored before a cleaning rule existed, or written by the model, gets the same
    guarantees as text cleaned on the way in (no controls, noncharacters, surrogates or bidi
    overrides)."""
    return _scrub(text, multiline=multiline)


def clean_display_name(value: str | None, *, fallback: str = "a writer") -> str:
    """A member's display name, cleaned like ``clean_text`` and cut to ``NAME_LIMIT``.

    Names come from Discord, not from a field the member filled in for us, so they are never
    refused: a name with nothing printable left becomes ``fallback``.
    """
    text = _tidy_spaces(_scrub((value or "")[: NAME_LIMIT * 4], multiline=False), multiline=False)
    if len(text) > NAME_LIMIT:
        text = _STRAY_JOINERS.sub("", text[:NAME_LIMIT].rstrip())
    return text or fallback
