"""``python -m bot.i18n.coverage``: the share of each catalog translated, overall and by module."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from .catalog import DOMAIN, po_path
from .locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

__all__ = ["Coverage", "catalog_coverage", "is_translated", "main"]


def is_translated(message: Message) -> bool:
    """A usable translation: every plural form filled, not marked fuzzy."""
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(strings)


@dataclass
class Coverage:
    locale: str
    total: int = 0
    translated: int = 0
    by_module: Counter[str] = field(default_factory=Counter)
    missing_by_module: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def _module(location: str) -> str:
    parts = location.replace("\\", "/").split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else location


def catalog_coverage(locale: str) -> Coverage:
    with po_path(locale).open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    result = Coverage(locale)
    for message in catalog:
        if not message.id:
            continue  # the header
        result.total += 1
        done = is_translated(message)
        result.translated += done
        modules = {_module(filename) for filename, _ in message.locations} or {"?"}
        for module in modules:
            result.by_module[module] += 1
            if not done:
                result.missing_by_module[module] += 1
    return result


def main() -> int:
    for locale in SUPPORTED_LOCALES:
        if locale == DEFAULT_LOCALE:
            continue
        cov = catalog_coverage(locale)
        print(f"{locale}: {cov.translated}/{cov.total} strings translated ({cov.share:.1%})")
        for module in sorted(cov.by_module):
            total, missing = cov.by_module[module], cov.missing_by_module[module]
            print(f"  {module:<28} {total - missing:>4}/{total:<4} translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
