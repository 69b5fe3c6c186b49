"""Length bounds on free-text options that are parsed rather than stored.

Each limit is declared once, next to the service that parses the option; the cog puts the same
constant in the command schema (so Discord's client enforces it) and the service calls
:func:`check_length` (so a client that ignores the schema gets the same answer). Text that is
stored goes through :func:`bot.services.text.clean_text`, which checks its limit itself.
"""

from __future__ import annotations

from bot.errors import UserInputError
from bot.i18n import _

__all__ = ["check_length", "record_id"]


def check_length(value: str | None, *, field: str, max_length: int) -> str | None:
    """Return ``value`` unchanged, or raise :class:`UserInputError` when it is too long."""
    if value is not None and len(value) > max_length:
        raise UserInputError(
            _(
                "The {field} is {length} characters long; the limit is {limit}.",
                field=field,
                length=format(len(value), ","),
                limit=format(max_length, ","),
            )
        )
    return value


_LARGEST_ID = 2**63 - 1  # SQLite's largest integer; a bigger one raises OverflowError


def record_id(text: str) -> int | None:
    """A record id a member typed or picked, or None: ASCII digits within SQLite's range.

    ``str.isdigit`` alone accepts "²" and "٣" (``int`` then raises) and any number of digits
    (SQLite then overflows), so both are refused here.
    """
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= _LARGEST_ID else None
