"""The languages Muse speaks and how Discord's locale codes map onto them."""

from __future__ import annotations

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALE_NAMES",
    "SUPPORTED_LOCALES",
    "discord_code",
    "normalize_locale",
]

DEFAULT_LOCALE = "en"
"""English is the source language: every msgid is English, so it needs no catalog."""

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "zh_CN")

LOCALE_NAMES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
"""Each language named in itself, as a member choosing it would look for it."""

_DISCORD_CODES = {"en": "en-US", "zh_CN": "zh-CN"}


def normalize_locale(code: object) -> str | None:
    """The supported locale a Discord or gettext code means (``"zh-CN"``, ``"zh_CN"``,
    ``"en-GB"``), or None for a language Muse does not speak (``"zh-TW"``, ``"fr"``, empty)."""
    text = str(code or "").strip().replace("-", "_")
    if not text:
        return None
    language, _, region = text.partition("_")
    language = language.lower()
    if language == "en":
        return "en"
    if language == "zh" and region.upper() in ("CN", "HANS", "SG", ""):
        return "zh_CN"
    return None


def discord_code(locale: str) -> str:
    """The code Discord uses for a supported locale (``"zh_CN"`` -> ``"zh-CN"``)."""
    return _DISCORD_CODES.get(locale, locale.replace("_", "-"))
