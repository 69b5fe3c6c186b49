"""Local times, IANA timezones and when a server's post is due.

Times are computed from the server's timezone with :mod:`zoneinfo`, so a 09:00 post stays at 09:00
local time across daylight-saving changes. A posting time that does not exist on a given day (it
falls in a spring-forward gap) is read with the offset before the change, i.e. one hour later
on the wall clock, on that one day.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.errors import UserInputError
from bot.i18n import _

__all__ = [
    "LATE_AFTER",
    "ON_TIME_WINDOW",
    "due_date",
    "format_post_time",
    "next_post_at",
    "parse_post_time",
    "resolve_timezone",
    "scheduled_at",
    "suggest_timezones",
    "timezone_choices",
    "timezone_names",
]

# A post made within this long of its time is on time (the cron job fires a moment late).
LATE_AFTER = timedelta(minutes=10)
# Even with a grace window of 0, a post is due for this long after its time.
ON_TIME_WINDOW = timedelta(minutes=15)

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Africa/Lagos",
)


def parse_post_time(value: str) -> time:
    """``09:00``, ``9:30``, ``21.15``, ``9am``, ``9:30 pm`` → a time; anything else is refused."""
    match = _TIME.match(value or "")
    if not match:
        raise UserInputError(
            _(
                "I can't read {value} as a time. Use 24-hour HH:MM, e.g. 09:00 or 18:30.",
                value=repr(value[:40]),
            )
        )
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise UserInputError(_("With am/pm the hour must be between 1 and 12."))
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UserInputError(
            _("{value} is not a time of day (00:00 to 23:59).", value=repr(value[:40]))
        )
    return time(hour, minute)


def format_post_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name zoneinfo knows (from tzdata), sorted, without legacy aliases."""
    names = zoneinfo.available_timezones()
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    kept = {n for n in names if "/" in n and not n.startswith(legacy) and n != "posixrules"}
    kept.add("UTC")
    return tuple(sorted(kept))


_LONGEST_ZONE_NAME = 32


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    # Listing tzdata walks the package on every call (10-40 ms): once per process is enough.
    return {n.casefold(): n for n in zoneinfo.available_timezones()}


def resolve_timezone(value: str) -> ZoneInfo:
    """The zone for an exact IANA name (case-insensitive); otherwise a message with the closest
    names."""
    cleaned = (value or "").strip().replace(" ", "_")
    if cleaned:
        exact = _zones_by_folded_name().get(cleaned.casefold())
        if exact is not None:
            try:
                return ZoneInfo(exact)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
    close = suggest_timezones(cleaned)
    if close:
        raise UserInputError(
            _(
                "{value} is not an IANA timezone (like Europe/Berlin or America/New_York). Did "
                "you mean {names}?",
                value=repr(value[:60]),
                names=", ".join(close),
            )
        )
    raise UserInputError(
        _(
            "{value} is not an IANA timezone (like Europe/Berlin or America/New_York).",
            value=repr(value[:60]),
        )
    )


def suggest_timezones(value: str, limit: int = 3) -> list[str]:
    if not value:
        return list(COMMON_ZONES[:limit])
    # No zone name is longer than 32 characters; a longer query only costs time (fuzzy scoring
    # grows with its length).
    matches = process.extract(
        value[:_LONGEST_ZONE_NAME],
        timezone_names(),
        scorer=fuzz.WRatio,
        limit=limit,
        score_cutoff=50,
    )
    return [name for name, _score, _index in matches]


def timezone_choices(current: str, limit: int = 25) -> list[str]:
    """Autocomplete: zones containing what was typed, best first; common zones when empty."""
    typed = current.strip().replace(" ", "_").casefold()
    if not typed:
        return list(COMMON_ZONES[:limit])
    names = timezone_names()
    starts = [n for n in names if n.casefold().startswith(typed)]
    city = [n for n in names if n.casefold().split("/")[-1].startswith(typed) and n not in starts]
    contains = [n for n in names if typed in n.casefold() and n not in starts and n not in city]
    found = (starts + city + contains)[:limit]
    if not found:
        found = suggest_timezones(typed, limit=min(limit, 5))
    return found


def scheduled_at(local_date: date, post_time: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``post_time`` on ``local_date`` in ``tz``."""
    return datetime.combine(local_date, post_time, tzinfo=tz).astimezone(UTC)


def due_date(
    now: datetime, post_time: time, tz: ZoneInfo, grace: timedelta
) -> tuple[date, datetime] | None:
    """The local date whose post is due at ``now`` and its scheduled instant, or None.

    A post is due from its time until the grace window (at least ``ON_TIME_WINDOW``) has passed.
    Yesterday is checked too, for a late-evening post time and a bot that came back after
    midnight.
    """
    window = max(grace, ON_TIME_WINDOW)
    today = now.astimezone(tz).date()
    for day in (today, today - timedelta(days=1)):
        at = scheduled_at(day, post_time, tz)
        if at <= now < at + window:
            return day, at
    return None


def next_post_at(now: datetime, post_time: time, tz: ZoneInfo) -> datetime:
    today = now.astimezone(tz).date()
    for offset in range(3):
        at = scheduled_at(today + timedelta(days=offset), post_time, tz)
        if at > now:
            return at
    return scheduled_at(today + timedelta(days=3), post_time, tz)
