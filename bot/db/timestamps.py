"""How moments cross the repository boundary: repositories take and return aware ``datetime``
values and store them as UTC text in one format, the one SQLite's
``strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`` writes, so stored values compare as text in SQL.
The moment always comes from the service's injected clock, never from SQLite's ``'now'``.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_db", "from_db_optional", "to_db", "to_db_optional"]


def to_db(moment: datetime) -> str:
    """``2026-12-06T05:08:42.123Z``: UTC, milliseconds. A naive moment is taken as UTC."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def to_db_optional(moment: datetime | None) -> str | None:
    """:func:`to_db`, passing ``None`` through."""
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    """An aware UTC ``datetime`` from any format Muse has stored: ``...Z``, ``+00:00`` offsets,
    or naive text (taken as UTC), with or without fractions of a second."""
    value = text.strip().replace(" ", "T", 1)
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def from_db_optional(text: str | None) -> datetime | None:
    """:func:`from_db`, passing ``None`` and empty text through as ``None``."""
    return from_db(text) if text else None
