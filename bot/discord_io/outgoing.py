"""The one choke point for what Muse sends: every REST body passes :func:`fit_request`.

discord.py sends through two transports: the bot's :class:`discord.http.HTTPClient` (channel
messages, edits, threads) and the webhook adapter (interaction responses, follow-ups, edits of
the original response, modals). :func:`install_outgoing_guard` wraps the ``request`` method of
both, so whichever helper a cog calls (``send_message``, ``followup.send``,
``edit_original_response``, ``send_modal``, ``channel.send``, ``message.edit``...), the payload
is fitted within Discord's limits just before it leaves. Over-limit parts are logged by field
name and size only.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from discord.http import HTTPClient
from discord.webhook.async_ import async_context

from .limits import FILES_PER_MESSAGE, fit_request

__all__ = ["fit_form", "install_outgoing_guard"]

log = logging.getLogger(__name__)

_GUARDED = "_muse_outgoing_guard"


def fit_form(
    method: str, path: str, form: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Fit a multipart body: its ``payload_json`` part, and at most 10 files."""
    fitted: list[dict[str, Any]] = []
    notes: list[str] = []
    for part in form:
        name = str(part.get("name", ""))
        if name == "payload_json" and isinstance(part.get("value"), str):
            body, changed = fit_request(method, path, json.loads(part["value"]))
            if changed:
                part = {**part, "value": json.dumps(body, separators=(",", ":"))}
                notes.extend(changed)
        elif name.startswith("files[") and _file_index(name) >= FILES_PER_MESSAGE:
            notes.append(f"dropped {name}")
            continue
        fitted.append(part)
    return fitted, notes


def _file_index(name: str) -> int:
    digits = name[len("files[") : -1]
    return int(digits) if digits.isdigit() else 0


def _report(path: str, notes: list[str]) -> None:
    if notes:
        shown = "; ".join(notes[:8]) + (f"; and {len(notes) - 8} more" if len(notes) > 8 else "")
        log.warning("fitted an outgoing %s within Discord's limits: %s", path, shown)


def _guard_http(request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(request)
    async def guarded(route: Any, *args: Any, **kwargs: Any) -> Any:
        method, path = route.method, route.path
        if "json" in kwargs:
            kwargs["json"], notes = fit_request(method, path, kwargs["json"])
            _report(path, notes)
        if kwargs.get("form"):
            kwargs["form"], notes = fit_form(method, path, list(kwargs["form"]))
            _report(path, notes)
            if kwargs.get("files"):
                kwargs["files"] = list(kwargs["files"])[:FILES_PER_MESSAGE]
        return await request(route, *args, **kwargs)

    return guarded


def _guard_webhook(request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(request)
    async def guarded(route: Any, *args: Any, **kwargs: Any) -> Any:
        method, path = route.method, route.path
        if kwargs.get("payload") is not None:
            kwargs["payload"], notes = fit_request(method, path, kwargs["payload"])
            _report(path, notes)
        if kwargs.get("multipart"):
            kwargs["multipart"], notes = fit_form(method, path, kwargs["multipart"])
            _report(path, notes)
            if kwargs.get("files"):
                kwargs["files"] = list(kwargs["files"])[:FILES_PER_MESSAGE]
        return await request(route, *args, **kwargs)

    return guarded


def install_outgoing_guard(http: HTTPClient) -> None:
    """Fit every body this client, and the shared webhook adapter, sends. Idempotent."""
    if not getattr(http, _GUARDED, False):
        setattr(http, "request", _guard_http(http.request))  # noqa: B010 (an instance wrap)
        setattr(http, _GUARDED, True)
    adapter = async_context.get()
    if not getattr(adapter, _GUARDED, False):
        setattr(adapter, "request", _guard_webhook(adapter.request))  # noqa: B010
        setattr(adapter, _GUARDED, True)
