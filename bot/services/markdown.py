"""The one Markdown escape. Member text placed in anything Muse renders as Markdown (Discord
messages and embeds, exported books) goes through :func:`escape_markdown`, so it reads back as
exactly the text the member wrote and never becomes structure: no bold, links, headings, lists,
spoilers, mentions-by-markup or code.
"""

from __future__ import annotations

import re

from .text import printable

__all__ = ["escape_line", "escape_markdown"]

# Inline markup of CommonMark and Discord (``~~`` strikethrough, ``||`` spoilers), entity starts
# (``&``), autolinks and HTML (``<``), and ``#`` (headings, including a trailing "#" run).
_INLINE = re.compile(r"([\\`*_\[\]<>&#|~])")
# Line starts that open a block: list items, setext underlines, ordered-list numbers.
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")


def escape_line(text: str) -> str:
    """One line of member text as Markdown that reads back as exactly that text (stripped)."""
    line = _INLINE.sub(r"\\\1", printable(text, multiline=False).strip())
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def escape_markdown(text: str) -> str:
    """Member text of any number of lines, each escaped with :func:`escape_line`."""
    return "\n".join(escape_line(line) for line in printable(text).split("\n"))
