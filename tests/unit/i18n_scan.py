"""Finds user-facing string literals that are not wrapped for translation.

A string is user-facing when it is passed to something that shows it in Discord: a message
(``send``, ``send_message``, ``reply_private``, ``edit``…), an embed and its parts, a button,
select, modal or text input, or a domain error raised for a member. It is wrapped when it is the
first argument of ``_``, ``ngettext``, ``pgettext``, ``N_`` or ``gettext_noop``. Strings with no
letters (emoji, punctuation, Markdown) and keyword arguments that are not text (``custom_id``,
``url``) are fine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "call_name", "unwrapped_strings"]

SHOWN_BY = {
    "send",
    "send_message",
    "reply_private",
    "edit_original_response",
    "edit_message",
    "edit",
    "Embed",
    "add_field",
    "set_field_at",
    "set_footer",
    "set_author",
    "Button",
    "Select",
    "SelectOption",
    "TextInput",
    "Modal",
    "UserInputError",
    "NotAllowed",
    "NotFound",
    "MuseError",
    "ModelError",
}
TEXT_KEYWORDS = {
    "content",
    "title",
    "description",
    "name",
    "value",
    "text",
    "label",
    "placeholder",
    "message",
}
WRAPPERS = {"_", "ngettext", "pgettext", "N_", "gettext_noop", "translate", "translate_plural"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}({self.text!r})"


def call_name(func: ast.expr) -> str:
    """The called name: ``f`` for ``f(...)`` and ``obj.f(...)``; "" otherwise."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _has_words(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _literals(node: ast.expr) -> Iterator[str]:
    """The literal text in an expression that is not inside a wrapper call."""
    if isinstance(node, ast.Call) and call_name(node.func) in WRAPPERS:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                yield part.value
            elif isinstance(part, ast.FormattedValue):
                yield from _literals(part.value)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.Call) and call_name(node.func) == "join":
        for arg in node.args:
            yield from _literals(arg)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _literals(item)


def unwrapped_strings(path: Path, root: Path) -> list[Finding]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(root))
    found: list[Finding] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or call_name(node.func) not in SHOWN_BY:
            continue
        shown = list(node.args) + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for argument in shown:
            for text in _literals(argument):
                if _has_words(text):
                    found.append(Finding(where, node.lineno, call_name(node.func), text))
    return found


# Calls whose string arguments are not shown to members as Muse's own prose.
_NOT_PROSE = {
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "getLogger",
    "DeliveryRetry",
    "RuntimeError",
    "ValueError",
    "TypeVar",
    "compile",
    "get",
    "pop",
    # Command metadata: localised by the command translator from the same catalog.
    "describe",
    "Group",
    "command",
    "Choice",
}


def sentence_literals(path: Path, root: Path) -> list[Finding]:
    """Every literal that reads like prose (a space and four letters) and is neither wrapped,
    nor a docstring, nor an argument of a call in ``_NOT_PROSE``: in a wrapped module such a
    string is either user-facing and unwrapped, or has to be explained in an allowlist."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(root))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # docstrings and bare strings
        if isinstance(node, ast.Call) and (
            call_name(node.func) in WRAPPERS or call_name(node.func) in _NOT_PROSE
        ):
            skip.update(id(sub) for sub in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        text = node.value
        if id(node) in skip or " " not in text.strip() or sum(c.isalpha() for c in text) < 4:
            continue
        found.append(Finding(where, node.lineno, "literal", text))
    return found
