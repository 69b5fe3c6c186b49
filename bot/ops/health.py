"""What ``/healthz`` checks: the gateway (every shard this process runs), the database (a real
write), the engine (loaded; for a remote engine, whether its server answers now)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["GatewayHealth", "HealthReport", "check_health"]

PROBE_KEY = "ops_health_probe"
DATABASE_TIMEOUT = 3.0
REMOTE_TIMEOUT = 5.0


class _RemoteState(Protocol):
    reachable: bool
    detail: str


@runtime_checkable
class RemoteProbe(Protocol):
    """An engine that talks to a server: it can say whether the server answers now."""

    async def probe(self) -> _RemoteState: ...


class GatewayHealth:
    """Which shards hold a live, identified (or resumed) gateway session.

    Fed by discord.py's events: READY/RESUMED mark a shard up, a disconnect marks it down. An
    unsharded bot is shard 0.
    """

    def __init__(self) -> None:
        self._up: dict[int, bool] = {}
        self.disconnects = 0

    def up(self, shard_id: int | None) -> None:
        self._up[shard_id or 0] = True

    def down(self, shard_id: int | None) -> None:
        if self._up.get(shard_id or 0, False):
            self.disconnects += 1
        self._up[shard_id or 0] = False

    def connected(self, expected: Iterable[int]) -> dict[int, bool]:
        return {shard: self._up.get(shard, False) for shard in expected}


@dataclass(frozen=True)
class HealthReport:
    gateway: dict[int, bool]
    database: bool
    engine: bool
    shutting_down: bool
    problems: list[str] = field(default_factory=list)
    remote: dict[str, Any] | None = None  # {"reachable": bool, "detail": str} for a remote engine

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "checks": {
                "gateway": {
                    "connected": bool(self.gateway) and all(self.gateway.values()),
                    "shards": {str(k): v for k, v in sorted(self.gateway.items())},
                },
                "database": {"writable": self.database},
                "engine": {"loaded": self.engine}
                | ({"remote": self.remote} if self.remote is not None else {}),
            },
            "problems": self.problems,
        }


def expected_shards(bot: MuseBot) -> list[int]:
    """The shards this process runs (``[0]`` without sharding)."""
    ids = getattr(bot, "shard_ids", None)
    if ids:
        return sorted(ids)
    count = bot.shard_count
    if isinstance(count, int) and count > 1 and hasattr(bot, "shards"):
        return list(range(count))
    return [0]


async def check_health(bot: MuseBot, gateway: GatewayHealth) -> HealthReport:
    problems: list[str] = []
    shards = gateway.connected(expected_shards(bot))
    down = [str(s) for s, ok in shards.items() if not ok]
    if down:
        problems.append(f"gateway: shard(s) {', '.join(down)} not connected")
    database = await _database_writable(bot)
    if not database:
        problems.append("database: not writable")
    try:
        engine = bool(bot.engine.stats().loaded)
    except Exception:
        engine = False
    if not engine:
        problems.append("engine: not loaded")
    remote = await _remote_state(bot.engine) if engine else None
    if remote is not None and not remote["reachable"]:
        problems.append(f"engine: the model server does not answer ({remote['detail']})")
    if bot.shutting_down:
        problems.append("shutting down")
    return HealthReport(shards, database, engine, bot.shutting_down, problems, remote)


async def _remote_state(engine: object) -> dict[str, Any] | None:
    """The remote model server's state now; None for an engine without a server."""
    if not isinstance(engine, RemoteProbe):
        return None
    try:
        state = await asyncio.wait_for(engine.probe(), REMOTE_TIMEOUT)
    except Exception as exc:  # a probe that fails is an answer, not a crash of /healthz
        return {"reachable": False, "detail": type(exc).__name__}
    return {"reachable": bool(state.reachable), "detail": str(state.detail)[:200]}


async def _database_writable(bot: MuseBot) -> bool:
    """A real write through the repository layer, bounded in time (a locked file fails)."""
    try:
        now = bot.clock.now()
        await asyncio.wait_for(
            bot.repos.state.set(PROBE_KEY, now.isoformat(), now), DATABASE_TIMEOUT
        )
        return True
    except Exception:
        return False
