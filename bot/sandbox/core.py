"""The sandbox's core: its parts (state, REST server, gateway), its addresses and its fixtures.

:class:`SandboxCore` is what the rest of the driver builds on: :mod:`.world` changes the world,
:mod:`.traffic` reads and waits on what the bot did, :mod:`.acting` plays the members, and
:class:`~bot.sandbox.driver.Sandbox` combines them and runs the servers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .errors import SandboxError
from .fixtures import SandboxConfig, build_fixtures
from .gateway import GatewayServer
from .interaction_data import ChannelLike, CommandDataBuilder, MessageLike, channel_id_of
from .records import ChangeSignal, RecordedCall
from .server import RestServer
from .state import SandboxState
from .stored import StoredChannel, StoredGuild, StoredMember, StoredMessage, StoredUser

__all__ = ["SandboxCore"]


class SandboxCore:
    """The parts of a sandbox and what every driver module needs from them."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState(bot_name=self.config.bot_name, token=self.config.token)
        self.signal = ChangeSignal()
        self.gateway = GatewayServer(
            self.state,
            self.signal,
            gateway_url=lambda: self.gateway_url,
            heartbeat_interval_ms=self.config.heartbeat_interval_ms,
        )
        self.rest = RestServer(
            self.state,
            self.gateway,
            self.signal,
            gateway_url=lambda: self.gateway_url,
            interaction_timeout=self.config.interaction_timeout,
            shard_count=self.config.shard_count,
        )
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._fixtures = build_fixtures(self.state, self.config)
        self._commands = CommandDataBuilder(self.state, self._resolve_channel)

    # -- addresses and identity -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._port:
            raise SandboxError("the sandbox is not started")
        return f"http://{self.config.host}:{self._port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.config.host}:{self._port}/gateway"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def bot_user(self) -> StoredUser:
        return self.state.bot_user

    # -- fixtures ---------------------------------------------------------------------------

    @property
    def guild(self) -> StoredGuild:
        return self._fixtures.guild

    @property
    def admin(self) -> StoredMember:
        """A member with the "Admin" role (ADMINISTRATOR and MANAGE_GUILD)."""
        return self._fixtures.admin

    @property
    def members(self) -> list[StoredMember]:
        """The ordinary members, without any role besides @everyone."""
        return list(self._fixtures.members)

    @property
    def channel(self) -> StoredChannel:
        """The first text channel of the fixture guild."""
        return self._fixtures.channels[0]

    @property
    def channels(self) -> list[StoredChannel]:
        return list(self._fixtures.channels)

    # -- recorded calls and waiting ---------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every REST call, in arrival order of their completion."""
        return self.rest.calls

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Return the first truthy ``condition()``, re-checked on every sandbox change."""
        return await self.signal.wait_until(condition, timeout)

    # -- resolving what tests pass -----------------------------------------------------------

    def _resolve_channel(self, channel: ChannelLike | None) -> StoredChannel:
        if channel is None:
            return self.channel
        stored = self.state.channels.get(channel_id_of(channel))
        if stored is None:
            raise SandboxError(f"unknown channel {channel!r}")
        return stored

    def _resolve_message(self, message: MessageLike) -> StoredMessage:
        message_id = message.id if isinstance(message, StoredMessage) else message
        stored = self.state.messages.get(message_id)
        if stored is None or stored.deleted:
            raise SandboxError(f"unknown message {message_id}")
        return stored
