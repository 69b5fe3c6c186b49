"""``python -m bot.i18n.extract``: re-extract every string into ``muse.pot`` and update each
``.po`` (new strings arrive untranslated, changed ones fuzzy, removed ones obsolete).

Two sources: the gettext calls in the code (Babel, configured by ``babel.cfg``), and the slash
commands' names, descriptions, options and choices, each under its ``msgctxt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .catalog import DOMAIN, LOCALE_DIR, po_path
from .locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

__all__ = ["KEYWORDS", "build_template", "main"]

ROOT = Path(__file__).resolve().parents[2]
POT = LOCALE_DIR / f"{DOMAIN}.pot"

KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "N_": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "translate": (2,),
    "translate_plural": (2, 3),
}


def _method_map() -> list[tuple[str, str]]:
    methods = []
    for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and ":" in line:
            method, pattern = line.strip("[]").split(":", 1)
            methods.append((pattern.strip(), method.strip()))
    return methods


def build_template() -> Catalog:
    """Every translatable string Muse has, as a template catalog."""
    from bot.discord_io.translator import command_texts

    from .commands import all_commands, command_owner

    template = Catalog(project="Muse", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for filename, lineno, msgid, comments, context in extract_from_dir(
        str(ROOT),
        _method_map(),
        keywords=KEYWORDS,
    ):
        template.add(msgid, locations=[(filename, lineno)], auto_comments=comments, context=context)
    for root in all_commands():
        where = command_owner(root).replace(".", "/") + ".py"
        for text in command_texts([root]):
            known = template.get(text.message, context=text.context)
            if known is not None:
                known.auto_comments.append(f"/{text.command}")
                continue
            template.add(
                text.message,
                locations=[(where, 0)],
                auto_comments=[f"/{text.command}"],
                context=text.context,
            )
    return template


def main() -> int:
    template = build_template()
    with POT.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=True)
    print(f"{POT}: {len(template)} strings")
    for locale in SUPPORTED_LOCALES:
        if locale == DEFAULT_LOCALE:
            continue
        path = po_path(locale)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, domain=DOMAIN, project="Muse")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # the header: a fuzzy header would leave the plural forms out
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, ignore_obsolete=True)
        print(f"{path}: {len(catalog)} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
