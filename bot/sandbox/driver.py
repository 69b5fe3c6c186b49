"""The :class:`Sandbox`: runs the REST server and the gateway, and drives them as users would."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .constants import ADMIN_PERMISSIONS, JSON
from .errors import SandboxError
from .faults import Fault
from .gateway import GatewayServer
from .handles import InteractionHandle
from .interaction_data import (
    SELECT_TYPES,
    AttachmentSpec,
    ChannelLike,
    CommandDataBuilder,
    MessageLike,
    UserLike,
    channel_id_of,
    make_attachment,
    modal_submit_components,
    user_of,
)
from .records import ChangeSignal, GatewayRecord, RecordedCall
from .routes import mentions_in
from .server import RateLimitRule, RestServer
from .state import SandboxState
from .stored import (
    StoredChannel,
    StoredGuild,
    StoredInteraction,
    StoredMember,
    StoredMessage,
    StoredRole,
    StoredUser,
    iter_components,
)

__all__ = ["Sandbox", "SandboxConfig"]

_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True)
class SandboxConfig:
    """Fixtures and knobs. The defaults give one guild, two text channels, an admin and three
    ordinary members."""

    token: str = "sandbox-token"
    bot_name: str = "Muse"
    guild_name: str = "Sandbox Guild"
    channel_names: tuple[str, ...] = ("general", "studio")
    admin_name: str = "admin"
    member_names: tuple[str, ...] = ("alice", "bob", "carol")
    interaction_timeout: float = 3.0
    heartbeat_interval_ms: int = 41250
    host: str = "127.0.0.1"
    port: int = 0
    shard_count: int = 1  # what GET /gateway/bot recommends


@dataclass
class _Fixtures:
    guild: StoredGuild
    admin: StoredMember
    members: list[StoredMember] = field(default_factory=list)
    channels: list[StoredChannel] = field(default_factory=list)


class Sandbox:
    """A local Discord: REST under ``/api/v10``, a gateway at ``/gateway``, and a test driver.

    Use ``async with Sandbox() as sandbox:`` (or ``await start()`` / ``await stop()``), then point
    discord.py at it with :func:`bot.endpoints.apply_discord_endpoints`
    (``sandbox.api_base``, ``sandbox.gateway_url``) and log in with ``sandbox.token``.
    """

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
        self._fixtures = self._build_fixtures()
        self._commands = CommandDataBuilder(self.state, self._resolve_channel)

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.rest.handle_attachment
        )
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.on_shutdown.append(self._on_shutdown)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        self.state.attachment_url_base = self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await self.gateway.close_all()
            await runner.cleanup()

    async def _on_shutdown(self, app: web.Application) -> None:
        await self.gateway.close_all()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

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

    def _build_fixtures(self) -> _Fixtures:
        cfg = self.config
        admin_user = self.state.add_user(cfg.admin_name)
        guild = self.state.add_guild(cfg.guild_name, owner=self.state.owner)
        admin_role = self.state.add_role(guild, "Admin", ADMIN_PERMISSIONS)
        admin = self.state.add_member(guild, admin_user, [admin_role])
        self.state.add_member(guild, self.state.owner)
        fixtures = _Fixtures(guild=guild, admin=admin)
        for name in cfg.member_names:
            fixtures.members.append(self.state.add_member(guild, self.state.add_user(name)))
        for name in cfg.channel_names:
            fixtures.channels.append(self.state.add_channel(guild, name))
        return fixtures

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

    async def add_guild(
        self,
        name: str,
        *,
        channel_names: Sequence[str] = ("general",),
        members: Iterable[UserLike] = (),
        shard: tuple[int, int] | None = None,
    ) -> StoredGuild:
        """Create a guild (the bot is in it) and announce it with GUILD_CREATE when connected.

        ``shard=(id, count)`` picks an id that Discord's formula puts on that shard."""
        guild = self.state.add_guild(name, owner=self.state.owner, shard=shard)
        self.state.add_member(guild, self.state.owner)
        for user in members:
            self.state.add_member(guild, user_of(user))
        for channel_name in channel_names:
            self.state.add_channel(guild, channel_name)
        await self.gateway.dispatch(
            "GUILD_CREATE", guild.payload(threads=[]) | {"unavailable": False}
        )
        return guild

    async def add_member(
        self,
        name: str,
        *,
        guild: StoredGuild | None = None,
        roles: Sequence[StoredRole] = (),
        admin: bool = False,
    ) -> StoredMember:
        """Create a user, join them to ``guild`` (default: the fixture guild), send
        GUILD_MEMBER_ADD."""
        guild = guild or self.guild
        role_list = list(roles)
        if admin:
            role_list.append(guild.role_named("Admin"))
        member = self.state.add_member(guild, self.state.add_user(name), role_list)
        await self.gateway.dispatch(
            "GUILD_MEMBER_ADD", member.payload() | {"guild_id": str(guild.id)}
        )
        return member

    async def remove_member(self, member: StoredMember) -> None:
        """The member leaves: GUILD_MEMBER_REMOVE."""
        guild = self.state.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        await self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    async def add_channel(self, name: str, *, guild: StoredGuild | None = None) -> StoredChannel:
        guild = guild or self.guild
        channel = self.state.add_channel(guild, name)
        await self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    async def set_permission_overwrite(
        self,
        channel: StoredChannel,
        target: StoredRole | StoredMember,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> None:
        """Give ``channel`` an overwrite for a role or a member (replacing any earlier one for
        it) and announce it with CHANNEL_UPDATE."""
        kind = 0 if isinstance(target, StoredRole) else 1
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if int(o["id"]) != target.id
        ] + [{"id": str(target.id), "type": kind, "allow": str(allow), "deny": str(deny)}]
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.payload())

    async def delete_channel(self, channel: StoredChannel) -> None:
        """Delete a channel (CHANNEL_DELETE, and THREAD_DELETE for each of its threads) or a
        thread (THREAD_DELETE). Later requests to it answer 404 Unknown Channel."""
        threads = [c for c in self.state.channels.values() if c.parent_id == channel.id]
        for thread in threads if not channel.is_thread else []:
            await self.delete_channel(thread)
        self.state.channels.pop(channel.id, None)
        guild = self.state.guild_of(channel) if channel.guild_id else None
        if guild is not None:
            guild.channels.pop(channel.id, None)
        if channel.is_thread:
            await self.gateway.dispatch(
                "THREAD_DELETE",
                {
                    "id": str(channel.id),
                    "guild_id": str(channel.guild_id),
                    "parent_id": str(channel.parent_id),
                    "type": channel.type,
                },
            )
        else:
            await self.gateway.dispatch("CHANNEL_DELETE", channel.payload())

    async def set_system_channel(self, channel: StoredChannel | None) -> None:
        """Make ``channel`` its server's system channel (None: no system channel): GUILD_UPDATE."""
        guild = self.guild if channel is None else self.state.guild_of(channel)
        assert guild is not None
        guild.system_channel_id = channel.id if channel is not None else None
        await self.gateway.dispatch("GUILD_UPDATE", guild.payload(threads=[]))

    async def remove_guild(self, guild: StoredGuild) -> None:
        """The bot is removed from ``guild`` (kicked, or the guild deleted): GUILD_DELETE
        without ``unavailable``. :meth:`rejoin_guild` brings it back."""
        self.state.guilds.pop(guild.id, None)
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def rejoin_guild(self, guild: StoredGuild) -> None:
        """The bot is added to ``guild`` again: GUILD_CREATE without ``unavailable``, as Discord
        sends for a join (discord.py's ``on_guild_join``)."""
        self.state.guilds[guild.id] = guild
        payload = guild.payload(threads=self.state.threads_of(guild))
        payload.pop("unavailable", None)
        await self.gateway.dispatch("GUILD_CREATE", payload)

    def dm_channel(self, user: UserLike) -> StoredChannel:
        return self.state.dm_channel_with(user_of(user))

    # -- recorded traffic -------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every REST call, in arrival order of their completion."""
        return self.rest.calls

    @property
    def unknown_routes(self) -> list[RecordedCall]:
        return [c for c in self.rest.calls if c.unknown_route]

    @property
    def gateway_records(self) -> list[GatewayRecord]:
        return self.gateway.records

    def dispatched(self, event: str) -> list[JSON]:
        """Payloads of every ``event`` sent to the bot (replays included)."""
        return [r.data for r in self.gateway.records if r.direction == "send" and r.event == event]

    def messages_in(
        self, channel: ChannelLike, *, include_deleted: bool = False
    ) -> list[StoredMessage]:
        return self.state.messages_in(channel_id_of(channel), include_deleted=include_deleted)

    def message(self, message_id: int) -> StoredMessage:
        return self.state.messages[message_id]

    def commands(self, guild: StoredGuild | None = None) -> list[JSON]:
        """The command definitions the bot synced (guild-scoped ones first when ``guild``)."""
        return [c.payload() for c in self.state.commands_for(guild.id if guild else None)]

    def rate_limit_edits(
        self, every_n: int = 3, *, retry_after: float = 0.05, is_global: bool = False
    ) -> RateLimitRule:
        """Answer every ``every_n``-th message edit with 429 from now on."""
        if every_n < 1:
            raise ValueError("every_n must be at least 1")
        rule = RateLimitRule(every_n=every_n, retry_after=retry_after, is_global=is_global)
        self.rest.edit_rate_limit = rule
        return rule

    def clear_rate_limits(self) -> None:
        self.rest.edit_rate_limit = None

    def inject_fault(
        self,
        pattern: str = r"^\w+ /channels/",
        *,
        status: int = 503,
        retry_after: float | None = None,
        drop: bool = False,
        after_effect: bool = False,
        seconds: float | None = None,
        count: int | None = None,
    ) -> Fault:
        """Fail matching REST requests (``"METHOD /path"`` searched with ``pattern``; the default
        is every channel route) from now on: answer ``status`` (429 with ``retry_after``), or
        drop the connection, before or ``after_effect`` of the request. It ends after
        ``seconds``, after ``count`` requests, or at :meth:`clear_faults`."""
        fault = Fault(
            pattern,
            status=status,
            retry_after=retry_after,
            drop=drop,
            after_effect=after_effect,
            until=time.monotonic() + seconds if seconds is not None else None,
            remaining=count,
        )
        self.rest.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.rest.faults.clear()

    # -- waiting ----------------------------------------------------------------------------

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Return the first truthy ``condition()``, re-checked on every sandbox change."""
        return await self.signal.wait_until(condition, timeout)

    async def wait_for(
        self,
        predicate: Callable[[RecordedCall], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> RecordedCall:
        """The first recorded REST call (from index ``since``) matching ``predicate``."""

        def find() -> RecordedCall | None:
            for call in self.rest.calls[since:]:
                if predicate(call):
                    return call
            return None

        result: RecordedCall = await self.wait_until(find, timeout)
        return result

    async def wait_for_event(
        self,
        event: str,
        predicate: Callable[[Any], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> Any:
        """The first gateway dispatch ``event`` sent to the bot (from record ``since``)."""

        def find() -> Any:
            for record in self.gateway.records[since:]:
                if (
                    record.direction == "send"
                    and record.event == event
                    and (predicate is None or predicate(record.data))
                ):
                    return record
            return None

        record: GatewayRecord = await self.wait_until(find, timeout)
        return record.data

    @property
    def connected(self) -> bool:
        """Whether a bot holds an identified (or resumed) gateway connection right now."""
        return self.gateway.current is not None

    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until a bot identified and has been sent READY and every GUILD_CREATE."""
        await self.wait_until(lambda: self.gateway.current is not None, timeout)

    async def wait_for_commands(
        self,
        *names: str,
        guild: StoredGuild | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Wait until the bot synced commands (including all ``names``, if given)."""
        guild_id = guild.id if guild else None

        def synced() -> bool:
            if not self.state.commands_synced:
                return False
            present = {c.name for c in self.state.commands_for(guild_id or self.guild.id)}
            return all(n in present for n in names)

        await self.wait_until(synced, timeout)
        return self.commands(guild or self.guild)

    # -- gateway control --------------------------------------------------------------------

    async def drop_gateway(self, code: int | None = None, *, shard_id: int | None = None) -> None:
        """Cut the bot's socket (no close frame unless ``code``); the bot should RESUME."""
        await self.gateway.drop(code, shard_id=shard_id)

    def hold_gateway(self) -> None:
        """Keep new gateway connections waiting before HELLO, so a dropped bot stays
        disconnected until :meth:`release_gateway`."""
        self.gateway.hold_connections()

    def release_gateway(self) -> None:
        self.gateway.release_connections()

    @property
    def connected_shards(self) -> set[int]:
        """The shard ids with a live gateway session (``{0}`` for an unsharded bot)."""
        return self.gateway.connected_shards

    async def send_reconnect(self) -> None:
        """Op 7 RECONNECT: the bot should reconnect and RESUME."""
        await self.gateway.send_reconnect()

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Op 9 INVALID_SESSION; with ``resumable=False`` the bot must IDENTIFY again."""
        await self.gateway.invalidate_session(resumable)

    # -- members acting -----------------------------------------------------------------------

    async def user_message(
        self,
        channel: ChannelLike | None = None,
        user: UserLike | None = None,
        content: str = "",
        *,
        attachments: Sequence[AttachmentSpec] = (),
        reply_to: MessageLike | None = None,
    ) -> StoredMessage:
        """A member posts a message (MESSAGE_CREATE)."""
        stored_channel = self._resolve_channel(channel)
        author = user_of(user or self.members[0])
        member = self.state.member(stored_channel.guild_id, author.id)
        if stored_channel.guild_id is not None and member is None:
            raise SandboxError(f"{author.username} is not a member of that guild")
        message = StoredMessage(
            id=self.state.new_id(),
            channel_id=stored_channel.id,
            guild_id=stored_channel.guild_id,
            author=author,
            content=content,
            mentions=mentions_in(self.state, content),
        )
        message.attachments = [
            make_attachment(self.state, stored_channel.id, a) for a in attachments
        ]
        if reply_to is not None:
            ref_id = reply_to.id if isinstance(reply_to, StoredMessage) else reply_to
            message.type = 19
            message.message_reference = {
                "message_id": str(ref_id),
                "channel_id": str(stored_channel.id),
            }
        self.state.add_message(message)
        data = message.payload(member=member, bot_id=self.bot_user.id)
        await self.gateway.dispatch("MESSAGE_CREATE", data)
        return message

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserLike | None = None,
        guild: StoredGuild | None = None,
        channel: ChannelLike | None = None,
        check_lengths: bool = True,
    ) -> InteractionHandle:
        """Run ``/name`` (``"potd setup"`` for sub-commands) as the bot synced it.

        Options are validated against the synced definition (required, choices, ranges). Users,
        members, channels and roles may be given as sandbox objects; attachments as
        ``(filename, bytes)`` or ``(filename, bytes, content_type)``. ``check_lengths=False``
        plays a modified client that sends text outside the option's declared lengths (up to
        Discord's own 6,000), to check the bot's own re-check.
        """
        self._commands.client_checks_lengths = check_lengths
        try:
            data = self._commands.build(name, options or {}, guild, channel, focused=None)
        finally:
            self._commands.client_checks_lengths = True
        return await self._interact(2, data, user=user, guild=guild, channel=channel)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        focused: str,
        *,
        user: UserLike | None = None,
        guild: StoredGuild | None = None,
        channel: ChannelLike | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Type into option ``focused`` and return the choices the bot offers (callback 8)."""
        data = self._commands.build(name, options or {}, guild, channel, focused=focused)
        handle = await self._interact(4, data, user=user, guild=guild, channel=channel)
        response_type = await handle.acknowledged(timeout)
        if response_type != 8 or handle.choices is None:
            raise SandboxError(f"autocomplete answered with callback type {response_type}")
        return handle.choices

    async def click(
        self,
        message: MessageLike,
        custom_id: str,
        user: UserLike | None = None,
        *,
        values: Sequence[str] | None = None,
    ) -> InteractionHandle:
        """Press a button (or choose ``values`` in a select menu) on a bot message."""
        stored = self._resolve_message(message)
        components = {c.get("custom_id"): c for c in iter_components(stored.components)}
        component = components.get(custom_id)
        if component is None:
            available = sorted(k for k in components if k)
            raise SandboxError(f"no component {custom_id!r} on message; has {available}")
        if component.get("disabled"):
            raise SandboxError(f"component {custom_id!r} is disabled")
        data: JSON = {"custom_id": custom_id, "component_type": int(component["type"])}
        if component["type"] in SELECT_TYPES:
            chosen = list(values or [])
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(chosen) <= high:
                raise SandboxError(f"select {custom_id!r} takes {low}..{high} values")
            if component["type"] == 3:
                allowed = {o["value"] for o in component.get("options", [])}
                if not set(chosen) <= allowed:
                    raise SandboxError(f"values {chosen} not among the options {sorted(allowed)}")
            data["values"] = chosen
        elif values is not None:
            raise SandboxError(f"component {custom_id!r} is not a select menu")
        channel = self.state.channels[stored.channel_id]
        guild = self.state.guild_of(channel)
        return await self._interact(
            3, data, user=user, guild=guild, channel=channel, message=stored
        )

    async def submit_modal(
        self,
        source: InteractionHandle | JSON,
        values: Mapping[str, str | Sequence[str]],
        user: UserLike | None = None,
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened (``source`` is the interaction that got
        callback type 9, or the modal payload)."""
        if isinstance(source, InteractionHandle):
            modal = source.modal
            if modal is None:
                raise SandboxError("that interaction was not answered with a modal")
            user = user or source.user
            channel = self.state.channels[source.stored.channel_id]
            message_id = source.stored.message_id
        else:
            modal = source
            channel = self.channel
            message_id = None
        components = modal_submit_components(modal, values)
        data = {"custom_id": modal["custom_id"], "components": components}
        message = self.state.messages.get(message_id) if message_id else None
        return await self._interact(
            5,
            data,
            user=user,
            guild=self.state.guild_of(channel),
            channel=channel,
            message=message,
        )

    # -- building interactions ----------------------------------------------------------------

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

    async def _interact(
        self,
        ix_type: int,
        data: JSON,
        *,
        user: UserLike | None,
        guild: StoredGuild | None,
        channel: ChannelLike | None,
        message: StoredMessage | None = None,
    ) -> InteractionHandle:
        if self.gateway.current is None:
            raise SandboxError("no bot is connected to the gateway")
        stored_channel = self._resolve_channel(channel)
        if guild is None:
            guild = self.state.guild_of(stored_channel)
        actor = user_of(user or self.members[0])
        ix_id = self.state.new_id()
        token = f"ix-{ix_id}-{secrets.token_urlsafe(16)}"
        bot_perms = guild.permissions_of(self.bot_user.id) if guild else 0
        payload: JSON = {
            "id": str(ix_id),
            "application_id": str(self.application_id),
            "type": ix_type,
            "data": data,
            "channel_id": str(stored_channel.id),
            "channel": stored_channel.payload(),
            "token": token,
            "version": 1,
            "locale": "en-US",
            "app_permissions": str(bot_perms),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": _ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            member = guild.members.get(actor.id)
            if member is None:
                raise SandboxError(f"{actor.username} is not a member of {guild.name}")
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            # As Discord does: the member's permissions in the channel the interaction came from.
            permissions = guild.permissions_in(stored_channel, actor.id)
            payload["member"] = member.payload(permissions=permissions)
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
        else:
            payload["user"] = actor.payload()
            payload["authorizing_integration_owners"] = {"0": str(actor.id)}
            payload["context"] = 1
        if message is not None:
            payload["message"] = message.payload(
                member=self.state.member(message.guild_id, message.author.id),
                bot_id=self.bot_user.id,
            )
        stored = StoredInteraction(
            id=ix_id,
            token=token,
            type=ix_type,
            channel_id=stored_channel.id,
            guild_id=guild.id if guild else None,
            user=actor,
            data=data,
            payload=payload,
            created_at=time.monotonic(),
            message_id=message.id if message else None,
        )
        self.state.interactions[ix_id] = stored
        self.state.interactions_by_token[token] = stored
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(self, stored)
