"""JSON-schema helpers for structured output from small models.

Measured on SmolLM2-135M: an unbounded string or array lets the model loop until ``max_tokens``
cuts it off mid-string (invalid JSON); with ``maxLength`` on every string and ``maxItems`` on every
array the same request finishes in a few dozen tokens. :func:`bound_schema` adds such bounds
wherever a schema left them out, so no caller can forget.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["bound_schema"]


def bound_schema(
    schema: dict[str, Any], *, max_string: int = 300, max_items: int = 8
) -> dict[str, Any]:
    """A copy of ``schema`` in which every string and array has an upper bound."""
    bounded = copy.deepcopy(schema)
    _walk(bounded, max_string, max_items)
    return bounded


def _walk(node: Any, max_string: int, max_items: int) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, max_string, max_items)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "const" not in node:
        node.setdefault("maxLength", max_string)
    if kind == "array":
        node.setdefault("maxItems", max_items)
    for value in node.values():
        if isinstance(value, dict | list):
            _walk(value, max_string, max_items)
