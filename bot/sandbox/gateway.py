"""The sandbox's websocket gateway (v10): HELLO, IDENTIFY/READY, RESUME, heartbeats, dispatches.

discord.py asks for ``compress=zlib-stream`` (or ``zstd-stream`` when a zstd module is importable)
in the URL query. With zlib-stream the gateway keeps one compressor per connection and sends every
payload as a binary frame ending in a Z_SYNC_FLUSH marker, as Discord does. discord.py decompresses
only binary frames, so for any other value the gateway sends plain JSON text frames, which it also
accepts.

Sessions outlive connections: every dispatch is numbered and kept, so a RESUME on a new socket
replays what the bot missed and ends with RESUMED.

Sharding: an IDENTIFY with ``shard: [id, count]`` opens a session for that shard only. As on
Discord, it is sent the guilds with ``(guild_id >> 22) % count == id`` (READY's list and
GUILD_CREATEs) and only their events; direct messages go to shard 0. Several sessions (one per
shard, from one process or several) are served at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .constants import JSON, Intents
from .records import ChangeSignal, GatewayRecord
from .state import SandboxState

__all__ = ["GatewayConnection", "GatewayServer", "GatewaySession", "event_intent"]

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11
HEARTBEAT_ACK_DELAY = 0.25  # seconds: a round trip to Discord, see GatewayServer._ack_later

CLOSE_AUTHENTICATION_FAILED = 4004

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


class GatewayServer:
    """Serves ``/gateway`` and owns the sessions the bot identified."""

    def __init__(
        self,
        state: SandboxState,
        signal: ChangeSignal,
        *,
        gateway_url: Callable[[], str],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self._state = state
        self._signal = signal
        self._gateway_url = gateway_url
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.records: list[GatewayRecord] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.identify_payloads: list[JSON] = []
        self._hello_allowed = asyncio.Event()
        self._hello_allowed.set()
        self._ack_tasks: set[asyncio.Task[None]] = set()

    # -- public ---------------------------------------------------------------------------

    @property
    def current(self) -> GatewayConnection | None:
        """The newest open connection that carries a session."""
        for conn in reversed(self.connections):
            if not conn.closed and conn.session is not None:
                return conn
        return None

    def connection_for_shard(self, shard_id: int) -> GatewayConnection | None:
        """The newest open connection carrying ``shard_id``'s session."""
        for conn in reversed(self.connections):
            if not conn.closed and conn.session is not None and conn.session.shard_id == shard_id:
                return conn
        return None

    @property
    def connected_shards(self) -> set[int]:
        """Shard ids holding an identified (or resumed) open connection."""
        return {
            c.session.shard_id for c in self.connections if not c.closed and c.session is not None
        }

    def hold_connections(self) -> None:
        """New connections wait before HELLO (the bot stays disconnected) until released."""
        self._hello_allowed.clear()

    def release_connections(self) -> None:
        self._hello_allowed.set()

    @property
    def intents(self) -> int:
        conn = self.current
        return conn.session.intents if conn and conn.session else 0

    async def dispatch(self, event: str, data: JSON) -> None:
        """Number ``event`` in every session whose intents allow it and send it where connected."""
        needed = event_intent(event, data)
        guild_id = event_guild(event, data)
        for session in list(self.sessions.values()):
            if needed and not session.intents & needed:
                continue
            if not session.receives_guild(guild_id):
                continue
            payload = self._filter_for(session, event, data)
            session.seq += 1
            session.dispatched.append((session.seq, event, payload))
            conn = session.connection
            if conn is not None and not conn.closed:
                await self._send(
                    conn, {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": payload}
                )
        self._signal.notify()

    async def send_op(self, op: int, data: Any) -> None:
        """Send a raw opcode to the current connection."""
        conn = self.current
        if conn is None:
            raise RuntimeError("no bot is connected to the sandbox gateway")
        await self._send(conn, {"op": op, "d": data, "s": None, "t": None})

    async def send_reconnect(self) -> None:
        await self.send_op(OP_RECONNECT, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        conn = self.current
        if conn is None or conn.session is None:
            raise RuntimeError("no bot is connected to the sandbox gateway")
        await self.send_op(OP_INVALID_SESSION, resumable)
        if not resumable:
            self.sessions.pop(conn.session.session_id, None)
            conn.session.connection = None
            conn.session = None

    async def drop(self, code: int | None = None, *, shard_id: int | None = None) -> None:
        """Close the current socket (or ``shard_id``'s): abruptly (no close frame) when ``code``
        is None."""
        conn = self.current if shard_id is None else self.connection_for_shard(shard_id)
        if conn is None:
            raise RuntimeError("no bot is connected to the sandbox gateway")
        if conn.session is not None:
            conn.session.connection = None
            conn.session = None
        if code is None:
            conn.abort()
        else:
            await conn.ws.close(code=code)
        self._signal.notify()

    async def close_all(self) -> None:
        for conn in list(self.connections):
            if not conn.closed:
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=1001)

    # -- websocket handler ------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws, request, request.query.get("compress"))
        self.connections.append(conn)
        self._signal.notify()
        await self._hello_allowed.wait()
        await self._send(
            conn, {"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        )
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    await self._on_frame(conn, json.loads(msg.data.decode()))
                elif msg.type == WSMsgType.ERROR:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self._signal.notify()
        return ws

    async def _on_frame(self, conn: GatewayConnection, frame: JSON) -> None:
        op = frame.get("op")
        data = frame.get("d") or {}
        self.records.append(GatewayRecord("recv", int(op or 0), None, data, None))
        if op == OP_HEARTBEAT:
            self.heartbeat_count += 1
            self._ack_later(conn)
        elif op == OP_IDENTIFY:
            await self._identify(conn, data)
        elif op == OP_RESUME:
            await self._resume(conn, data)
        elif op == OP_REQUEST_MEMBERS:
            await self._members_chunk(conn, data)
        self._signal.notify()

    def _ack_later(self, conn: GatewayConnection) -> None:
        """Acknowledge a heartbeat after a short, network-like delay.

        discord.py's keep-alive thread records when it sent a heartbeat only after the loop
        confirms the send; an ACK answered instantly on 127.0.0.1 can be handled before that, so
        discord.py measures the latency from the previous heartbeat (one whole interval) and warns
        "Can't keep up ... 41.3s behind". Real Discord's ACK always takes a network round trip.
        """

        async def ack() -> None:
            await asyncio.sleep(HEARTBEAT_ACK_DELAY)
            await self._send(conn, {"op": OP_HEARTBEAT_ACK, "d": None})
            self._signal.notify()

        task = asyncio.create_task(ack(), name="sandbox-heartbeat-ack")
        self._ack_tasks.add(task)
        task.add_done_callback(self._ack_tasks.discard)

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        if data.get("token") != self._state.token:
            await conn.ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        self.identify_count += 1
        self.identify_payloads.append(data)
        shard = data.get("shard")
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            intents=int(data.get("intents", 0)),
            shard=(int(shard[0]), int(shard[1])) if shard and int(shard[1]) > 1 else None,
        )
        guilds = [g for g in self._state.guilds.values() if session.receives_guild(g.id)]
        self.sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        user = self._state.bot_user.payload() | {"verified": True, "mfa_enabled": False}
        ready: JSON = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self._gateway_url(),
            "application": {"id": str(self._state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._dispatch_to(session, "READY", ready)
        for guild in guilds:
            payload = guild.payload(threads=self._state.threads_of(guild))
            await self._dispatch_to(
                session, "GUILD_CREATE", self._filter_for(session, "GUILD_CREATE", payload)
            )

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self._state.token:
            await self._send(conn, {"op": OP_INVALID_SESSION, "d": False})
            return
        self.resume_count += 1
        old = session.connection
        session.connection = conn
        conn.session = session
        if old is not None and old is not conn and not old.closed:
            await old.ws.close(code=4000)
        last_seen = int(data.get("seq") or 0)
        for seq, event, payload in list(session.dispatched):
            if seq > last_seen:
                await self._send(conn, {"op": OP_DISPATCH, "t": event, "s": seq, "d": payload})
        await self._dispatch_to(session, "RESUMED", {})

    async def _members_chunk(self, conn: GatewayConnection, data: JSON) -> None:
        guild = self._state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None or conn.session is None:
            return
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self._dispatch_to(conn.session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_to(self, session: GatewaySession, event: str, data: JSON) -> None:
        session.seq += 1
        session.dispatched.append((session.seq, event, data))
        conn = session.connection
        if conn is not None:
            await self._send(conn, {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})

    async def _send(self, conn: GatewayConnection, payload: JSON) -> None:
        self.records.append(
            GatewayRecord(
                "send", int(payload["op"]), payload.get("t"), payload.get("d"), payload.get("s")
            )
        )
        await conn.send(payload)

    def _filter_for(self, session: GatewaySession, event: str, data: JSON) -> JSON:
        """Trim a dispatch to what the session's intents entitle it to, as Discord does.

        Without GUILD_MEMBERS a GUILD_CREATE lists only the bot's own member; without
        MESSAGE_CONTENT other users' guild messages arrive without content (unless they mention
        the bot).
        """
        bot_id = str(self._state.bot_user.id)
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
