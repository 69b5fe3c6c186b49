"""Muse's languages: gettext catalogs (Babel) and the calls that wrap every user-facing string.

See docs/I18N.md. English is the source language (the msgids); ``locale/<code>/LC_MESSAGES/
muse.po`` holds each translation. Nothing here imports Discord, so services use it too.
"""

from .api import (
    N_,
    LazyString,
    _,
    current_locale,
    ngettext,
    pgettext,
    set_current_locale,
    translate,
    translate_plural,
    use_locale,
)
from .catalog import translations
from .locales import (
    DEFAULT_LOCALE,
    LOCALE_NAMES,
    SUPPORTED_LOCALES,
    discord_code,
    normalize_locale,
)

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALE_NAMES",
    "N_",
    "SUPPORTED_LOCALES",
    "LazyString",
    "_",
    "current_locale",
    "discord_code",
    "ngettext",
    "normalize_locale",
    "pgettext",
    "set_current_locale",
    "translate",
    "translate_plural",
    "translations",
    "use_locale",
]
