"""A local Discord-compatible server for offline runs and end-to-end tests.

The unmodified discord.py client logs into it over real sockets on 127.0.0.1: REST API v10 under
``/api/v10`` and a websocket gateway v10 at ``/gateway``. The same object drives it as Discord's
users would and records everything the bot sent, for assertions.

Usage::

    from bot.endpoints import apply_discord_endpoints
    from bot.sandbox import Sandbox

    async with Sandbox() as sandbox:
        apply_discord_endpoints(sandbox.api_base, sandbox.gateway_url)
        task = asyncio.create_task(bot.start(sandbox.token))
        await sandbox.wait_until_ready()
        await sandbox.wait_for_commands("write")

        ix = await sandbox.slash("write", {"prompt": "a lighthouse"}, user=sandbox.members[0])
        message = await ix.final_message()
        assert message.content and not sandbox.unknown_routes

Design:

* :class:`Sandbox` owns the state (:mod:`bot.sandbox.state`, its records in
  :mod:`bot.sandbox.stored`), the REST server (:mod:`bot.sandbox.server`, its routes in
  :mod:`bot.sandbox.routes`) and the gateway (:mod:`bot.sandbox.gateway`); the driver's parts are
  :mod:`~bot.sandbox.core`, :mod:`~bot.sandbox.world`, :mod:`~bot.sandbox.traffic` and
  :mod:`~bot.sandbox.acting`. Fixtures (:mod:`bot.sandbox.fixtures`): ``guild``, ``admin`` (has
  the "Admin" role: ADMINISTRATOR and MANAGE_GUILD), ``members`` (three ordinary members),
  ``channel``/``channels``; :class:`SandboxConfig` changes them.
* Members act with ``slash``, ``autocomplete``, ``click``, ``submit_modal`` and ``user_message``;
  each interaction returns an :class:`InteractionHandle` (``await response()``,
  ``await final_message()``, ``messages``, ``modal``, ``latency``).
* Discord's rules that matter to a bot are enforced: callbacks later than
  ``interaction_timeout`` (3 s) get 404/10062, a second acknowledgement 400/40060, the first
  follow-up or ``@original`` edit replaces a "thinking" placeholder, ephemeral is flag 64, empty or
  over-long messages get 400. ``rate_limit_edits(every_n=3)`` makes message edits answer 429.
* ``calls`` lists every REST request (``unknown_routes`` those the sandbox does not serve);
  ``gateway_records`` every gateway frame; ``wait_for``/``wait_for_event``/``wait_until`` wait on
  them. ``drop_gateway``, ``send_reconnect`` and ``invalidate_session`` exercise reconnects;
  ``hold_gateway``/``release_gateway`` keep a dropped bot disconnected for a while.
* Sharding: ``SandboxConfig(shard_count=N)`` is what ``GET /gateway/bot`` recommends; an IDENTIFY
  with ``shard: [id, count]`` gets only that shard's guilds and events (DMs on shard 0), and
  several sessions (one process or many) are served at once. ``add_guild(..., shard=(id, count))``
  places a guild on a shard; ``connected_shards`` tells which shards are connected.
"""

from __future__ import annotations

from .driver import Sandbox, SandboxConfig
from .errors import SandboxError
from .faults import Fault
from .handles import InteractionHandle
from .records import GatewayRecord, RecordedCall, UploadedFile
from .stored import (
    StoredAttachment,
    StoredChannel,
    StoredGuild,
    StoredMember,
    StoredMessage,
    StoredRole,
    StoredUser,
)

__all__ = [
    "Fault",
    "GatewayRecord",
    "InteractionHandle",
    "RecordedCall",
    "Sandbox",
    "SandboxConfig",
    "SandboxError",
    "StoredAttachment",
    "StoredChannel",
    "StoredGuild",
    "StoredMember",
    "StoredMessage",
    "StoredRole",
    "StoredUser",
    "UploadedFile",
]
