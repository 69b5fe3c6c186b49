"""The sandbox's websocket gateway (v10): HELLO, IDENTIFY/READY, RESUME, heartbeats, dispatches.

discord.py asks for ``compress=zlib-stream`` (or ``zstd-stream`` when a zstd module is importable)
in the URL query. With zlib-stream the gateway keeps one compressor per connection and sends every
payload as a binary frame ending in a Z_SYNC_FLUSH marker, as Discord does. discord.py decompresses
only binary frames, so for any other value the gateway sends plain JSON text frames, which it also
accepts.

Sessions outlive connections (:mod:`bot.sandbox.gateway_sessions`): every dispatch is numbered and
kept, so a RESUME on a new socket replays what the bot missed and ends with RESUMED.

Sharding: an IDENTIFY with ``shard: [id, count]`` opens a session for that shard only. As on
Discord, it is sent the guilds with ``(guild_id >> 22) % count == id`` (READY's list and
GUILD_CREATEs) and only their events; direct messages go to shard 0. Several sessions (one per
shard, from one process or several) are served at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .constants import (
    CLOSE_AUTHENTICATION_FAILED,
    JSON,
    OP_DISPATCH,
    OP_HEARTBEAT,
    OP_HEARTBEAT_ACK,
    OP_HELLO,
    OP_IDENTIFY,
    OP_INVALID_SESSION,
    OP_RECONNECT,
    OP_REQUEST_MEMBERS,
    OP_RESUME,
)
from .gateway_sessions import GatewayConnection, GatewaySession, event_guild, event_intent, trim_for
from .records import ChangeSignal, GatewayRecord
from .state import SandboxState

__all__ = ["HEARTBEAT_ACK_DELAY", "GatewayServer"]

HEARTBEAT_ACK_DELAY = 0.25  # seconds: a round trip to Discord, see GatewayServer._ack_later


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
            payload = trim_for(session, str(self._state.bot_user.id), event, data)
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
                session,
                "GUILD_CREATE",
                trim_for(session, str(self._state.bot_user.id), "GUILD_CREATE", payload),
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
