"""What the bot did, and control over its connection: recorded calls and frames, waiting,
injected rate limits and faults, and gateway drops, reconnects and invalid sessions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .constants import JSON
from .core import SandboxCore
from .faults import Fault
from .interaction_data import ChannelLike, channel_id_of
from .records import GatewayRecord, RecordedCall
from .server import RateLimitRule
from .stored import StoredGuild, StoredMessage

__all__ = ["SandboxTraffic"]


class SandboxTraffic(SandboxCore):
    """Recorded traffic, waiting on it, and the faults and gateway events tests inject."""

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
