"""``python -m bot.i18n.compile``: build each ``.mo`` from its ``.po`` (run by ``make``)."""

from __future__ import annotations

import sys

from .catalog import compile_catalog, mo_path, po_path
from .locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

__all__ = ["main"]


def main() -> int:
    for locale in SUPPORTED_LOCALES:
        if locale == DEFAULT_LOCALE or not po_path(locale).exists():
            continue
        data = compile_catalog(locale)
        target = mo_path(locale)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
            print(f"compiled {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
