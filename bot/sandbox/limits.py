"""Discord's documented size limits on what a bot sends, checked the way Discord checks them.

Each check returns the first violation as ``(field path, message)`` or None; the REST server
turns it into a 400 with code 50035 (Invalid Form Body, BASE_TYPE_MAX_LENGTH), as Discord does.
Written from Discord's documentation, independently of the bot's own fitting code in
:mod:`bot.discord_io.limits`, so the end-to-end tests check one against the other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["message_violation", "modal_violation"]

Violation = tuple[str, str]

_EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}


def _too_long(path: str, value: Any, limit: int) -> Violation | None:
    if isinstance(value, str) and len(value) > limit:
        return path, f"Must be {limit} or fewer in length."
    return None


def _count(path: str, items: Any, limit: int) -> Violation | None:
    if isinstance(items, list) and len(items) > limit:
        return path, f"Must be {limit} or fewer in length."
    return None


def _embed_violation(index: int, embed: Any) -> tuple[Violation | None, int]:
    """The embed's first violation and its characters toward the 6,000 total."""
    if not isinstance(embed, dict):
        return None, 0
    path = f"embeds.{index}"
    total = 0
    for key, limit in _EMBED_TEXT_LIMITS.items():
        value = embed.get(key)
        if (found := _too_long(f"{path}.{key}", value, limit)) is not None:
            return found, 0
        total += len(value) if isinstance(value, str) else 0
    for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
        value = (embed.get(key) or {}).get(sub)
        if (found := _too_long(f"{path}.{key}.{sub}", value, limit)) is not None:
            return found, 0
        total += len(value) if isinstance(value, str) else 0
    fields = embed.get("fields") or []
    if (found := _count(f"{path}.fields", fields, 25)) is not None:
        return found, 0
    for number, field in enumerate(fields):
        for key, limit in (("name", 256), ("value", 1024)):
            value = field.get(key) if isinstance(field, dict) else None
            where = f"{path}.fields.{number}.{key}"
            if not isinstance(value, str) or not value.strip():
                return (where, "This field is required"), 0
            if (found := _too_long(where, value, limit)) is not None:
                return found, 0
            total += len(value)
    return None, total


def _component_violation(path: str, component: Any) -> Violation | None:
    if not isinstance(component, dict):
        return None
    checks: list[Violation | None] = [
        _too_long(f"{path}.custom_id", component.get("custom_id"), 100),
        _too_long(f"{path}.label", component.get("label"), 80),
        _too_long(f"{path}.placeholder", component.get("placeholder"), 150),
        _count(f"{path}.options", component.get("options"), 25),
    ]
    for number, option in enumerate(component.get("options") or []):
        for key in ("label", "value", "description"):
            checks.append(_too_long(f"{path}.options.{number}.{key}", option.get(key), 100))
    return next((c for c in checks if c is not None), None)


def _rows_violation(rows: Any, *, per_row: int = 5) -> Violation | None:
    if (found := _count("components", rows, 5)) is not None:
        return found
    for index, row in enumerate(rows or []):
        children = row.get("components") if isinstance(row, dict) else None
        if (found := _count(f"components.{index}.components", children, per_row)) is not None:
            return found
        for number, child in enumerate(children or []):
            found = _component_violation(f"components.{index}.components.{number}", child)
            if found is not None:
                return found
    return None


def message_violation(
    content: str, embeds: list[Any], components: list[Any], attachments: int
) -> Violation | None:
    """The first limit a message breaks: content, embeds, components or attachments."""
    if (found := _too_long("content", content, 2000)) is not None:
        return found
    if (found := _count("embeds", embeds, 10)) is not None:
        return found
    total = 0
    for index, embed in enumerate(embeds):
        found, size = _embed_violation(index, embed)
        if found is not None:
            return found
        total += size
    if total > 6000:
        return "embeds", "Embed size exceeds maximum size of 6000"
    if attachments > 10:
        return "attachments", "Must be 10 or fewer in length."
    return _rows_violation(components)


def modal_violation(data: dict[str, Any]) -> Violation | None:
    """The first limit a modal breaks: title, custom ids, text inputs."""
    if (found := _too_long("data.title", data.get("title"), 45)) is not None:
        return found
    if (found := _too_long("data.custom_id", data.get("custom_id"), 100)) is not None:
        return found
    rows = data.get("components") or []
    if (found := _count("data.components", rows, 5)) is not None:
        return found
    for index, row in enumerate(rows):
        for number, child in enumerate(row.get("components") or [row.get("component") or {}]):
            path = f"data.components.{index}.components.{number}"
            for key, limit in (("label", 45), ("placeholder", 100), ("value", 4000)):
                if (found := _too_long(f"{path}.{key}", child.get(key), limit)) is not None:
                    return found
            if (found := _too_long(f"{path}.custom_id", child.get("custom_id"), 100)) is not None:
                return found
            low, high = child.get("min_length", 0), child.get("max_length", 4000)
            if isinstance(high, int) and not 1 <= high <= 4000:
                return f"{path}.max_length", "Must be between 1 and 4000."
            if isinstance(low, int) and not 0 <= low <= 4000:
                return f"{path}.min_length", "Must be between 0 and 4000."
    return None
