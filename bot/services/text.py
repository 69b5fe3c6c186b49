"""Cleaning and checking text that members type, before anything is stored or generated."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserInputError

__all__ = ["clean_text"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(
    value: str | None,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Remove control and zero-width characters, tidy whitespace, enforce the limits.

    Raises :class:`UserInputError` naming the field and the limit.
    """
    raw = value or ""
    if len(raw) > max_length * 4 + 100:  # hopeless: don't bother cleaning megabytes
        raise UserInputError(
            f"The {field} is {len(raw):,} characters long; the limit is {max_length:,}."
        )
    text = unicodedata.normalize("NFC", raw).translate(_ZERO_WIDTH)
    kept = []
    for char in text:
        if char in "\n\r" and multiline:
            kept.append("\n" if char == "\n" else "")
        elif char in "\n\r\t":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text).strip()
    if not text:
        if required:
            raise UserInputError(
                f"The {field} can't be empty (or only spaces and invisible characters)."
            )
        return ""
    if len(text) > max_length:
        raise UserInputError(
            f"The {field} is {len(text):,} characters long; the limit is {max_length:,}. "
            "Please shorten it."
        )
    return text
