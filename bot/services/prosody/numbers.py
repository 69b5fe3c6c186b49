"""Spell numbers out the way a singer would say them: "1999" -> "nineteen ninety-nine"."""

from __future__ import annotations

import re

__all__ = ["NUMBER_TOKEN", "number_to_words"]

#: A number token: plain digits, digits with thousands separators, or an ordinal ("3rd", "21st").
NUMBER_TOKEN = re.compile(r"^(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<suffix>st|nd|rd|th|s)?$")

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest or not hundreds:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def _cardinal(n: int) -> str:
    if n < 1000:
        return _below_thousand(n)
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            head = f"{_cardinal(high)} {name}"
            return f"{head} {_cardinal(rest)}" if rest else head
    raise AssertionError("unreachable")  # pragma: no cover


def _year(n: int) -> str | None:
    """Years are read in pairs ("nineteen ninety-nine"); None when n is not read as a year."""
    if not 1100 <= n <= 2099 or 2000 <= n <= 2009:
        return None
    high, low = divmod(n, 100)
    if low == 0:
        return f"{_below_hundred(high)} hundred"
    if low < 10:
        return f"{_below_hundred(high)} oh {_ONES[low]}"
    return f"{_below_hundred(high)} {_below_hundred(low)}"


def _ordinal(words: str) -> str:
    head, sep, last = words.rpartition(" ")
    stem_head, dash, unit = last.rpartition("-")
    if unit in _ORDINAL_WORDS:
        unit = _ORDINAL_WORDS[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    return f"{head}{sep}{stem_head}{dash}{unit}"


def number_to_words(token: str) -> str | None:
    """Spell out a number token, or None if ``token`` is not one.

    Four-digit numbers from 1100 to 2099 (except 2000-2009) are read as years, which is how
    they are nearly always sung; "1990s" becomes "nineteen nineties"; ordinals are spelled as
    ordinals ("21st" -> "twenty-first").
    """
    match = NUMBER_TOKEN.match(token.strip().lower())
    if match is None:
        return None
    digits = match["digits"].replace(",", "")
    suffix = match["suffix"]
    n = int(digits)
    if n >= 10**15:
        # Too long to be said as a number: read digit by digit.
        return " ".join(_ONES[int(d)] for d in digits)
    as_year = _year(n) if "," not in match["digits"] and suffix in (None, "s") else None
    words = as_year or _cardinal(n)
    if suffix == "s":
        last = words.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
        if last.endswith("y"):
            plural = last[:-1] + "ies"
        else:
            plural = last + ("es" if last.endswith(("x", "s")) else "s")
        return words[: len(words) - len(last)] + plural
    if suffix is not None:
        return _ordinal(words)
    return words
