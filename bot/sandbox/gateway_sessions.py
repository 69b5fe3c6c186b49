"""Gateway sessions and connections, and which dispatches a session receives.

A :class:`GatewaySession` outlives its :class:`GatewayConnection`: every dispatch is numbered and
kept so a RESUME on a new socket can replay it. The functions here decide what a session is sent:
the intent an event needs, the guild (and so the shard) it belongs to, and what its intents trim.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from dataclasses import dataclass, field

from aiohttp import web

from .constants import JSON, Intents

__all__ = ["GatewayConnection", "GatewaySession", "event_guild", "event_intent", "trim_for"]

_log = logging.getLogger(__name__)

_ALWAYS = 0
_MESSAGE_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"})


def event_intent(event: str, data: JSON) -> int:
    """The intent a dispatch needs, 0 when every session receives it."""
    if event in _MESSAGE_EVENTS:
        return Intents.GUILD_MESSAGES if data.get("guild_id") else Intents.DIRECT_MESSAGES
    if event.startswith("MESSAGE_REACTION"):
        return Intents.GUILD_MESSAGE_REACTIONS
    if event in ("GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE", "GUILD_MEMBER_UPDATE"):
        return Intents.GUILD_MEMBERS
    if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")):
        return Intents.GUILDS
    return _ALWAYS


@dataclass
class GatewaySession:
    """One identified session: its intents and every dispatch numbered so far."""

    session_id: str
    intents: int
    shard: tuple[int, int] | None = None
    seq: int = 0
    dispatched: list[tuple[int, str, JSON]] = field(default_factory=list)
    connection: GatewayConnection | None = None

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard else 0

    def receives_guild(self, guild_id: int | None) -> bool:
        """Whether this session's shard carries ``guild_id`` (None: a DM, shard 0's)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id


def event_guild(event: str, data: JSON) -> int | None:
    """The guild an event belongs to, None for DMs and guild-less events."""
    raw = data.get("id") if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") else None
    raw = raw or data.get("guild_id")
    return int(raw) if raw else None


class GatewayConnection:
    """One websocket: compresses (when asked) and serialises frames in order."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: str | None):
        self.ws = ws
        self.request = request
        self.compress = compress
        self._compressor = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.session: GatewaySession | None = None

    @property
    def closed(self) -> bool:
        return self.ws.closed

    async def send(self, payload: JSON) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                return
            try:
                if self._compressor is not None:
                    data = self._compressor.compress(text.encode())
                    data += self._compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as exc:
                _log.debug("gateway send failed: %s", exc)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()


def trim_for(session: GatewaySession, bot_id: str, event: str, data: JSON) -> JSON:
    """Trim a dispatch to what the session's intents entitle it to, as Discord does.

    Without GUILD_MEMBERS a GUILD_CREATE lists only the bot's own member; without
    MESSAGE_CONTENT other users' guild messages arrive without content (unless they mention
    the bot).
    """
    if event == "GUILD_CREATE" and not session.intents & Intents.GUILD_MEMBERS:
        own = [m for m in data.get("members", []) if m["user"]["id"] == bot_id]
        return data | {"members": own}
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or session.intents & (
        Intents.MESSAGE_CONTENT
    ):
        return data
    author = data.get("author", {}).get("id")
    mentioned = any(u.get("id") == bot_id for u in data.get("mentions", []))
    if author == bot_id or mentioned or not data.get("guild_id"):
        return data
    return data | {"content": "", "embeds": [], "attachments": [], "components": []}
