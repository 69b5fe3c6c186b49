"""Discord's checks of a command's localisations, as ``PUT .../commands`` applies them.

Localised names follow the rules of names (lower case where the script has case, 1-32 letters,
digits, ``-`` and ``_``, unique among siblings in every language); localised descriptions and
choice names are 1-100 characters; every key is one of Discord's locales.
"""

from __future__ import annotations

import re
from typing import Any

from .base import ApiError, form_error

__all__ = ["DISCORD_LOCALES", "check_localizations"]

DISCORD_LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)
_NAME = re.compile(r"[-_\w]{1,32}")

JSON = dict[str, Any]


def _check_map(where: str, value: object, *, names: bool) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise form_error(where, "Expected an object of locale to text")
    for locale, text in value.items():
        if locale not in DISCORD_LOCALES:
            raise form_error(where, f"Invalid locale {locale!r}")
        if not isinstance(text, str):
            raise form_error(f"{where}.{locale}", "Expected a string")
        if names and (not _NAME.fullmatch(text) or text != text.lower()):
            raise form_error(f"{where}.{locale}", f"Invalid localized name {text!r}")
        if not names and not 1 <= len(text) <= 100:
            raise form_error(f"{where}.{locale}", "Must be between 1 and 100 in length.")
    return dict(value)


def _check_siblings(where: str, items: list[JSON]) -> None:
    """No two options (or sub-commands) may share a name in any language."""
    seen: dict[str, set[str]] = {}
    for item in items:
        localized = item.get("name_localizations") or {}
        for locale in DISCORD_LOCALES:
            name = str(localized.get(locale, item.get("name", "")))
            taken = seen.setdefault(locale, set())
            if name in taken:
                raise form_error(where, f"Duplicate name {name!r} in {locale}")
            taken.add(name)


def check_localizations(definition: JSON, where: str = "") -> None:
    """Raise Discord's 400 for a command (or option) whose localisations Discord refuses."""
    prefix = f"{where}." if where else ""
    _check_map(f"{prefix}name_localizations", definition.get("name_localizations"), names=True)
    _check_map(
        f"{prefix}description_localizations",
        definition.get("description_localizations"),
        names=False,
    )
    options = definition.get("options") or []
    if not isinstance(options, list):
        raise ApiError(400, 50035, "Invalid Form Body")
    _check_siblings(f"{prefix}options", options)
    for index, option in enumerate(options):
        check_localizations(option, f"{prefix}options.{index}")
        for n, choice in enumerate(option.get("choices") or []):
            _check_map(
                f"{prefix}options.{index}.choices.{n}.name_localizations",
                choice.get("name_localizations"),
                names=False,
            )
