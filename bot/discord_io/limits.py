"""Discord's documented size limits, and fitting any outgoing payload inside them.

Every message, edit, follow-up, interaction response and modal Muse sends passes through
:func:`fit_request` (installed on the HTTP transport by :mod:`bot.discord_io.outgoing`), so no
reply can come back 400 for its size. Text over a limit is cut at a clean boundary (a paragraph,
line, sentence or word, never inside a code fence) and marked with "…"; lists over a limit keep
their first items. Nothing is ever refused. Cogs should still split long answers into several
messages themselves (:func:`bot.discord_io.split_text`): this is the net under them.

These functions work on the JSON payloads discord.py builds, so they see exactly what Discord
would, whichever discord.py helper produced it.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from .split import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text

__all__ = [
    "BUTTON_LABEL_LIMIT",
    "CONTENT_LIMIT",
    "CUSTOM_ID_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "EMBED_AUTHOR_LIMIT",
    "EMBED_DESCRIPTION_LIMIT",
    "EMBED_FIELDS_LIMIT",
    "EMBED_FIELD_NAME_LIMIT",
    "EMBED_FIELD_VALUE_LIMIT",
    "EMBED_FOOTER_LIMIT",
    "EMBED_TITLE_LIMIT",
    "EMBED_TOTAL_LIMIT",
    "FILES_PER_MESSAGE",
    "MODAL_TITLE_LIMIT",
    "TEXT_INPUT_LABEL_LIMIT",
    "TEXT_INPUT_PLACEHOLDER_LIMIT",
    "TEXT_INPUT_VALUE_LIMIT",
    "fit_message",
    "fit_modal",
    "fit_request",
    "shorten",
]

log = logging.getLogger(__name__)

EMBEDS_PER_MESSAGE = 10
FILES_PER_MESSAGE = 10
EMBED_TITLE_LIMIT = 256
EMBED_FIELDS_LIMIT = 25
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
ACTION_ROWS_LIMIT = 5
BUTTONS_PER_ROW = 5
BUTTON_LABEL_LIMIT = 80
SELECT_OPTIONS_LIMIT = 25
SELECT_OPTION_TEXT_LIMIT = 100
SELECT_PLACEHOLDER_LIMIT = 150
CUSTOM_ID_LIMIT = 100
MODAL_TITLE_LIMIT = 45
TEXT_INPUT_LABEL_LIMIT = 45
TEXT_INPUT_PLACEHOLDER_LIMIT = 100
TEXT_INPUT_VALUE_LIMIT = 4000
AUTOCOMPLETE_CHOICES_LIMIT = 25
CHOICE_TEXT_LIMIT = 100

_ELLIPSIS = "…"
_BLANK = "\u200b"  # Discord requires field names and values; this one shows nothing


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits, else its longest clean prefix that fits, ending with "…"."""
    if len(text) <= limit:
        return text
    if limit < 60:  # too short for a sensible boundary: cut at a word if one is near
        head = text[: limit - 1]
        space = head.rfind(" ")
        return (head[:space] if space > limit // 2 else head).rstrip() + _ELLIPSIS
    first = split_text(text[:limit], limit - 2)[0].rstrip()
    return first + "\n" + _ELLIPSIS if first.endswith("```") else first + " " + _ELLIPSIS


class _Changes:
    """What fitting changed, for one log line (sizes and field names only, never member text)."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def text(self, owner: dict[str, Any], key: str, limit: int, where: str) -> None:
        value = owner.get(key)
        if isinstance(value, str) and len(value) > limit:
            owner[key] = shorten(value, limit)
            self.notes.append(f"{where} {len(value)}>{limit}")

    def cap(self, owner: dict[str, Any], key: str, limit: int, where: str) -> None:
        items = owner.get(key)
        if isinstance(items, list) and len(items) > limit:
            owner[key] = items[:limit]
            self.notes.append(f"{where} {len(items)}>{limit} items")


def _embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        size += len(field.get("name") or "") + len(field.get("value") or "")
    return size


def _fit_embed(embed: dict[str, Any], changes: _Changes, where: str) -> None:
    changes.text(embed, "title", EMBED_TITLE_LIMIT, f"{where}.title")
    changes.text(embed, "description", EMBED_DESCRIPTION_LIMIT, f"{where}.description")
    for key, sub, limit in (("footer", "text", EMBED_FOOTER_LIMIT), ("author", "name", 256)):
        if isinstance(embed.get(key), dict):
            changes.text(embed[key], sub, limit, f"{where}.{key}.{sub}")
    changes.cap(embed, "fields", EMBED_FIELDS_LIMIT, f"{where}.fields")
    for number, field in enumerate(embed.get("fields") or []):
        for key, limit in (("name", EMBED_FIELD_NAME_LIMIT), ("value", EMBED_FIELD_VALUE_LIMIT)):
            value = field.get(key)
            if not isinstance(value, str) or not value.strip():
                field[key] = _BLANK
                changes.notes.append(f"{where}.fields.{number}.{key} empty")
            changes.text(field, key, limit, f"{where}.fields.{number}.{key}")


def _shrink_embeds(embeds: list[dict[str, Any]], changes: _Changes) -> None:
    """Bring all embeds together within 6,000 characters, taking from the last ones first."""
    excess = sum(_embed_size(e) for e in embeds) - EMBED_TOTAL_LIMIT
    if excess <= 0:
        return
    changes.notes.append(f"embeds total +{excess}")
    for embed in reversed(embeds):
        pieces: list[tuple[dict[str, Any], str, int]] = [
            (field, "value", 1) for field in reversed(embed.get("fields") or [])
        ]
        pieces.append((embed, "description", 0))
        for owner, key, floor in pieces:
            value = owner.get(key)
            if excess <= 0:
                return
            if not isinstance(value, str) or len(value) <= floor:
                continue
            keep = max(floor, len(value) - excess - 2)
            fitted = shorten(value, keep) if keep >= 2 else (_BLANK if floor else "")
            excess -= len(value) - len(fitted)
            owner[key] = fitted
        while excess > 0 and embed.get("fields"):
            dropped = embed["fields"].pop()
            excess -= len(dropped.get("name") or "") + len(dropped.get("value") or "")
    for embed in reversed(embeds):  # still over: titles and footers are all that is left
        for owner, key in ((embed, "title"), (embed.get("footer") or {}, "text")):
            value = owner.get(key)
            if excess > 0 and isinstance(value, str) and value:
                fitted = shorten(value, max(2, len(value) - excess - 2))
                excess -= len(value) - len(fitted)
                owner[key] = fitted


def _fit_component(component: dict[str, Any], changes: _Changes, where: str) -> None:
    changes.text(component, "custom_id", CUSTOM_ID_LIMIT, f"{where}.custom_id")
    changes.text(component, "label", BUTTON_LABEL_LIMIT, f"{where}.label")
    changes.text(component, "placeholder", SELECT_PLACEHOLDER_LIMIT, f"{where}.placeholder")
    changes.cap(component, "options", SELECT_OPTIONS_LIMIT, f"{where}.options")
    options = component.get("options")
    if isinstance(options, list):
        for number, option in enumerate(options):
            for key in ("label", "value", "description"):
                changes.text(option, key, SELECT_OPTION_TEXT_LIMIT, f"{where}.options.{number}")
        for key in ("min_values", "max_values"):
            if isinstance(component.get(key), int) and component[key] > len(options):
                component[key] = max(1, len(options))


def _fit_rows(rows: list[Any], changes: _Changes, where: str) -> list[Any]:
    if len(rows) > ACTION_ROWS_LIMIT:
        changes.notes.append(f"{where} {len(rows)}>{ACTION_ROWS_LIMIT} rows")
        rows = rows[:ACTION_ROWS_LIMIT]
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        changes.cap(row, "components", BUTTONS_PER_ROW, f"{where}.{index}")
        for number, child in enumerate(row.get("components") or []):
            if isinstance(child, dict):
                _fit_component(child, changes, f"{where}.{index}.{number}")
    return rows


def _fit_message(payload: dict[str, Any], changes: _Changes) -> None:
    changes.text(payload, "content", CONTENT_LIMIT, "content")
    embeds = payload.get("embeds")
    if isinstance(embeds, list):
        changes.cap(payload, "embeds", EMBEDS_PER_MESSAGE, "embeds")
        kept = [e for e in payload["embeds"] if isinstance(e, dict)]
        for index, embed in enumerate(kept):
            _fit_embed(embed, changes, f"embeds.{index}")
        _shrink_embeds(kept, changes)
    changes.cap(payload, "attachments", FILES_PER_MESSAGE, "attachments")
    if isinstance(payload.get("components"), list):
        payload["components"] = _fit_rows(payload["components"], changes, "components")


def fit_message(payload: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of a message payload (create or edit) within every limit, and what was changed."""
    fitted = copy.deepcopy(payload)
    changes = _Changes()
    _fit_message(fitted, changes)
    return fitted, changes.notes


def fit_modal(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of a modal's data within every limit, and what was changed."""
    fitted = copy.deepcopy(data)
    changes = _Changes()
    changes.text(fitted, "title", MODAL_TITLE_LIMIT, "modal.title")
    changes.text(fitted, "custom_id", CUSTOM_ID_LIMIT, "modal.custom_id")
    rows = fitted.get("components")
    if isinstance(rows, list):
        if len(rows) > ACTION_ROWS_LIMIT:
            changes.notes.append(f"modal {len(rows)}>{ACTION_ROWS_LIMIT} rows")
            fitted["components"] = rows = rows[:ACTION_ROWS_LIMIT]
        for index, row in enumerate(rows):
            children = row.get("components") or [] if isinstance(row, dict) else []
            if isinstance(row, dict) and isinstance(row.get("component"), dict):
                children = [row["component"]]  # a label component wrapping its input
            for child in children:
                _fit_text_input(child, changes, f"modal.{index}")
    return fitted, changes.notes


def _fit_text_input(child: dict[str, Any], changes: _Changes, where: str) -> None:
    changes.text(child, "label", TEXT_INPUT_LABEL_LIMIT, f"{where}.label")
    changes.text(child, "placeholder", TEXT_INPUT_PLACEHOLDER_LIMIT, f"{where}.placeholder")
    changes.text(child, "custom_id", CUSTOM_ID_LIMIT, f"{where}.custom_id")
    high = child.get("max_length")
    if isinstance(high, int) and high > TEXT_INPUT_VALUE_LIMIT:
        child["max_length"] = high = TEXT_INPUT_VALUE_LIMIT
    limit = high if isinstance(high, int) and high > 0 else TEXT_INPUT_VALUE_LIMIT
    if isinstance(child.get("min_length"), int) and child["min_length"] > limit:
        child["min_length"] = limit
    value = child.get("value")
    if isinstance(value, str) and len(value) > limit:
        child["value"] = value[:limit]  # a prefilled value is the member's own text: no marker
        changes.notes.append(f"{where}.value {len(value)}>{limit}")


def _fit_choices(data: dict[str, Any], changes: _Changes) -> None:
    changes.cap(data, "choices", AUTOCOMPLETE_CHOICES_LIMIT, "choices")
    for choice in data.get("choices") or []:
        if isinstance(choice, dict):
            changes.text(choice, "name", CHOICE_TEXT_LIMIT, "choices.name")
            changes.text(choice, "value", CHOICE_TEXT_LIMIT, "choices.value")


_MESSAGE_CALLBACKS = frozenset({4, 7})
_MODAL_CALLBACK = 9
_AUTOCOMPLETE_CALLBACK = 8


def fit_request(method: str, path: str, body: Any) -> tuple[Any, list[str]]:
    """Fit one REST request body by its route; bodies of other routes come back unchanged.

    ``path`` is the route template or the URL path (``/channels/{channel_id}/messages``,
    ``/interactions/{id}/{token}/callback``, ``/webhooks/{id}/{token}/messages/@original``).
    """
    if method not in ("POST", "PATCH") or not isinstance(body, dict):
        return body, []
    if path.endswith("/callback"):
        data = body.get("data")
        if not isinstance(data, dict):
            return body, []
        kind = body.get("type")
        if kind in _MESSAGE_CALLBACKS:
            fitted_data, notes = fit_message(data)
        elif kind == _MODAL_CALLBACK:
            fitted_data, notes = fit_modal(data)
        elif kind == _AUTOCOMPLETE_CALLBACK:
            fitted_data = copy.deepcopy(data)
            changes = _Changes()
            _fit_choices(fitted_data, changes)
            notes = changes.notes
        else:
            return body, []
        return ({**body, "data": fitted_data} if notes else body), notes
    if path.endswith("/threads") and isinstance(body.get("message"), dict):
        message, notes = fit_message(body["message"])
        fitted = {**body, "message": message}
        changes = _Changes()
        changes.text(fitted, "name", 100, "thread.name")
        return (fitted if notes or changes.notes else body), notes + changes.notes
    if "/messages" in path or path.startswith("/webhooks/"):
        fitted, notes = fit_message(body)
        return (fitted if notes else body), notes
    return body, []
