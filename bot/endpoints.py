"""Point discord.py at any Discord-compatible endpoint (the local sandbox, a proxy, a mock).

discord.py has no public option for this. It builds every REST URL from the class attribute
``discord.http.Route.BASE``; the webhook adapter (which carries interaction callbacks, follow-ups
and ``@original`` edits) imports that same ``Route`` class, so one assignment covers both. A plain
:class:`discord.Client` connects its gateway to ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``
(a :class:`yarl.URL`) without asking ``GET /gateway`` first, and falls back to it after an
INVALID_SESSION, while RESUMEs go to the ``resume_gateway_url`` the READY payload named.

The patch is process-wide (class attributes) and idempotent: applying the same endpoints twice is a
no-op, and :func:`restore_discord_endpoints` puts Discord's defaults back.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

__all__ = [
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY",
    "apply_discord_endpoints",
    "current_discord_endpoints",
    "restore_discord_endpoints",
]

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def apply_discord_endpoints(api_base: str, gateway: str) -> None:
    """Send discord.py's REST calls to ``api_base`` and its gateway connections to ``gateway``.

    ``api_base`` includes the version, e.g. ``http://127.0.0.1:5000/api/v10`` (a trailing slash is
    dropped). ``gateway`` is a ``ws://`` or ``wss://`` URL without query; discord.py appends
    ``?v=10&encoding=json&compress=...`` itself.
    """
    base = api_base.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"api_base must be an http(s) URL, got {api_base!r}")
    url = yarl.URL(gateway)
    if url.scheme not in ("ws", "wss"):
        raise ValueError(f"gateway must be a ws(s) URL, got {gateway!r}")
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = url


def restore_discord_endpoints() -> None:
    """Point discord.py back at the real Discord."""
    apply_discord_endpoints(DISCORD_API_BASE, DISCORD_GATEWAY)


def current_discord_endpoints() -> tuple[str, str]:
    """The (api_base, gateway) pair discord.py uses right now."""
    return discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
