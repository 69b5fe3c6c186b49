"""Loading the compiled catalogs, compiling from the ``.po`` when the ``.mo`` is missing or stale.

``make`` compiles every ``.po`` to its ``.mo`` at install (``python -m bot.i18n.compile``). A fresh
``pip install -e .`` has no ``.mo`` yet, and a translator's edit leaves an old one behind: in both
cases the catalog is compiled in memory from the ``.po`` so the bot never speaks a stale language.
"""

from __future__ import annotations

import functools
import gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

__all__ = ["DOMAIN", "LOCALE_DIR", "compile_catalog", "mo_path", "po_path", "translations"]

log = logging.getLogger(__name__)

DOMAIN = "muse"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_catalog(locale: str) -> bytes:
    """The ``.mo`` bytes of a locale's ``.po`` (fuzzy entries left out, as msgfmt does)."""
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _is_fresh(locale: str) -> bool:
    mo, po = mo_path(locale), po_path(locale)
    return mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime)


@functools.cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog of a supported locale; English (the msgids) for anything else.

    Read once per process: a catalog is immutable while the bot runs.
    """
    if locale == DEFAULT_LOCALE or locale not in SUPPORTED_LOCALES:
        return gettext.NullTranslations()
    if _is_fresh(locale):
        with mo_path(locale).open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po_path(locale).exists():
        log.warning("no catalog for %s: replies stay English", locale)
        return gettext.NullTranslations()
    log.info("compiling the %s catalog from its .po (run `make` to build the .mo)", locale)
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(locale)))
