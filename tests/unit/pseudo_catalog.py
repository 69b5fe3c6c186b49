"""A pseudo catalog for the localisation tests: every translated message comes back in brackets
(``⟦…⟧``), so English left outside a bracket is a string that skipped the catalog."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator, Set

import discord

__all__ = ["Brackets", "embed_texts", "loose_words"]


class Brackets(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"


_INNER = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[A-Za-z]{2,}")
_TIMESTAMP = re.compile(r"<t:\d+:[A-Za-z]>")


def loose_words(text: str, *, allowed: Set[str] = frozenset()) -> set[str]:
    """Latin words outside every bracket (placeholders filled inside a bracket count as in),
    less Discord timestamps and the member text or data in ``allowed`` (lower case)."""
    while (stripped := _INNER.sub(" ", text)) != text:
        text = stripped
    return {w for w in _WORD.findall(_TIMESTAMP.sub(" ", text)) if w.lower() not in allowed}


def embed_texts(embeds: list[discord.Embed]) -> Iterator[str]:
    """Every text of some embeds a member reads."""
    for embed in embeds:
        yield embed.title or ""
        yield embed.description or ""
        yield embed.footer.text or ""
        for field in embed.fields:
            yield field.name or ""
            yield field.value or ""
