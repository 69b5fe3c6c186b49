"""The calls that wrap a user-facing string: ``_``, ``ngettext``, ``pgettext``, the lazy ``N_``.

The language is the *current locale*, a context variable: the command tree sets it once per
interaction (``bot.discord_io.language``), a scheduled post sets it for its server with
:func:`use_locale`. Each asyncio task has its own copy, so two members answered at the same time
never see each other's language, and a service called by the cog sees the cog's language without
passing it through every signature. Code that has a locale in hand can also call
:func:`translate` / :func:`translate_plural` with it explicitly.

Placeholders are named and filled by the call (``_("Hi {name}", name=member)``), never by
formatting member text: a member's ``{`` is data, not a template.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Any

from .catalog import translations
from .locales import DEFAULT_LOCALE, normalize_locale

__all__ = [
    "N_",
    "LazyString",
    "_",
    "current_locale",
    "ngettext",
    "pgettext",
    "set_current_locale",
    "translate",
    "translate_plural",
    "use_locale",
]

log = logging.getLogger(__name__)

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "muse_locale", default=DEFAULT_LOCALE
)


def current_locale() -> str:
    """The locale of what is being answered now (English outside any interaction)."""
    return _current.get()


def set_current_locale(locale: str | None) -> contextvars.Token[str]:
    """Set the current locale for the rest of this task (the command tree's one call)."""
    return _current.set(normalize_locale(locale) or DEFAULT_LOCALE)


@contextlib.contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Render a block in one language: ``with use_locale(server_locale): render(post)``."""
    token = set_current_locale(locale)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _fill(text: str, values: dict[str, Any], english: str) -> str:
    """Fill the placeholders; a translation that names one the code doesn't give (a
    translator's typo) falls back to the English rather than failing the reply."""
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        if text == english:
            raise  # the code's own message is wrong: a bug to see, not to hide
        log.warning("the translation of %r has bad placeholders; answering in English", english)
        return english.format(**values)


def translate(locale: str | None, message: str, /, **values: Any) -> str:
    """``message`` in ``locale``, its ``{named}`` placeholders filled from ``values``."""
    catalog = translations(normalize_locale(locale) or DEFAULT_LOCALE)
    return _fill(catalog.gettext(message), values, message)


def translate_plural(
    locale: str | None, singular: str, plural: str, n: int, /, **values: Any
) -> str:
    """The catalog's plural form for ``n`` in ``locale``; ``{n}`` is filled with ``n``."""
    catalog = translations(normalize_locale(locale) or DEFAULT_LOCALE)
    english = singular if n == 1 else plural
    return _fill(catalog.ngettext(singular, plural, n), {"n": n, **values}, english)


def _(message: str, /, **values: Any) -> str:
    """``message`` in the current locale: ``_("Saved {title}.", title=escaped)``."""
    return translate(_current.get(), message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """``ngettext("{n} turn left", "{n} turns left", count)``: plural forms from the catalog."""
    return translate_plural(_current.get(), singular, plural, n, **values)


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """A message whose English is ambiguous, told apart for translators by ``context``."""
    catalog = translations(_current.get())
    return _fill(catalog.pgettext(context, message), values, message)


class LazyString:
    """A module-level string translated when it is used, in the locale current at that time.

    ``N_("…")`` marks it for extraction; ``str(lazy)`` (or an f-string, or ``lazy.format(...)``)
    gives the translation. Choices and option descriptions handed to discord.py stay plain
    strings: the command translator localises those from the same catalog.
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return translate(_current.get(), self.message)

    def __repr__(self) -> str:
        return f"N_({self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyString) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)

    def format(self, **values: Any) -> str:
        return translate(_current.get(), self.message, **values)


def N_(message: str, /) -> LazyString:
    """Mark a module-level string for the catalog; it is translated each time it is shown."""
    return LazyString(message)
