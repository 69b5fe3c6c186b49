"""Fair share of the model: how many generations a member and a server may have at once.

One member must not be able to fill the engine's whole queue (``MUSE_QUEUE_DEPTH``) with /write or
Regenerate and leave everyone else with "busy". Every interaction that starts a generation (slash
command, button or modal) first takes a :class:`Lease` from :class:`FairShare`:

* at most ``per_member`` leases in flight per member (across servers: a member in three servers
  does not get three times the share);
* at most ``per_guild`` leases in flight per server;
* at most ``burst`` starts per member in any ``cooldown`` seconds, so a member cannot keep the
  queue topped up by pressing Regenerate as fast as each one ends.

A refusal raises :class:`RateLimited`, which says when to try again, before anything is written.
Rejections are counted by reason for ``/muse status`` and the metrics endpoint. Leases are released
when the interaction ends; one that is never released (a task killed mid-way) expires after
``max_hold`` seconds, so a lost release cannot lock a member out for good.
"""

from __future__ import annotations

import math
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from bot.errors import UserInputError
from bot.i18n import _, ngettext
from bot.settings import Settings

__all__ = ["REASONS", "FairShare", "FairShareConfig", "Lease", "RateLimited"]

# The fixed label set of rejections (metrics labels stay bounded).
REASONS = ("member_busy", "server_busy", "cooldown")


class RateLimited(UserInputError):
    """A generation was refused to keep the model fair.

    ``retry_after`` is in seconds; the message ends where the Discord layer appends the time to
    try again (" <relative timestamp>."), so the text reads whole either way.
    """

    def __init__(self, reason: str, retry_after: float, message: str) -> None:
        self.reason = reason
        self.retry_after = max(1.0, retry_after)
        super().__init__(
            _(
                "{lead} in about {seconds} seconds.",
                lead=message,
                seconds=math.ceil(self.retry_after),
            )
        )
        self.lead = message


@dataclass(frozen=True, slots=True)
class FairShareConfig:
    per_member: int = 2
    per_guild: int = 16
    burst: int = 4
    cooldown: float = 60.0
    max_hold: float = 600.0
    enabled: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> FairShareConfig:
        per_guild = settings.guild_generations or max(1, settings.queue_depth // 2)
        return cls(
            per_member=settings.member_generations,
            per_guild=per_guild,
            # A cooldown of 0 turns the burst limit off.
            burst=settings.generation_burst if settings.generation_cooldown > 0 else 1 << 30,
            cooldown=settings.generation_cooldown,
            # A lease outlives the slowest possible generation (plus its queue wait) before
            # it is taken back as lost.
            max_hold=2 * settings.generation_timeout + 60.0,
        )


@dataclass(slots=True)
class Lease:
    key: Hashable
    user_id: int
    guild_id: int | None
    started: float


class FairShare:
    """Admission control in front of the engine's queue, per member and per server."""

    def __init__(
        self, config: FairShareConfig, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config
        self._now = monotonic
        self._leases: dict[Hashable, Lease] = {}
        self._starts: dict[int, deque[float]] = {}
        self._ended: OrderedDict[Hashable, Lease] = OrderedDict()
        self.rejections: Counter[str] = Counter({reason: 0 for reason in REASONS})
        self.admitted = 0
        # Typical time a generation holds its lease: tells a refused member when a slot frees up.
        self._typical_hold = 15.0

    # -- reading ---------------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        self._expire()
        return len(self._leases)

    def member_in_flight(self, user_id: int) -> int:
        return sum(1 for lease in self._leases.values() if lease.user_id == user_id)

    def guild_in_flight(self, guild_id: int) -> int:
        return sum(1 for lease in self._leases.values() if lease.guild_id == guild_id)

    # -- admission -------------------------------------------------------------------------------

    def admit(self, key: Hashable, *, user_id: int, guild_id: int | None) -> Lease:
        """Take a lease for ``key`` (an interaction id) or raise :class:`RateLimited`."""
        if key in self._leases:
            return self._leases[key]
        now = self._now()
        if not self.config.enabled:
            return self._grant(key, user_id, guild_id, now)
        self._expire()
        mine = [lease for lease in self._leases.values() if lease.user_id == user_id]
        if len(mine) >= self.config.per_member:
            raise self._refuse(
                "member_busy",
                self._slot_free_at(mine, now),
                ngettext(
                    "You already have {n} piece being written. Let it finish first, then try again",
                    "You already have {n} pieces being written. Let one finish first, then try "
                    "again",
                    len(mine),
                ),
            )
        if guild_id is not None:
            theirs = [lease for lease in self._leases.values() if lease.guild_id == guild_id]
            if len(theirs) >= self.config.per_guild:
                raise self._refuse(
                    "server_busy",
                    self._slot_free_at(theirs, now),
                    _(
                        "Muse is writing for many members of this server right now. Please try "
                        "again"
                    ),
                )
        starts = self._recent_starts(user_id, now)
        if len(starts) >= self.config.burst:
            retry = starts[0] + self.config.cooldown - now
            raise self._refuse(
                "cooldown",
                retry,
                _(
                    "That's {n} requests in a short while: give others a turn. You can ask again",
                    n=len(starts),
                ),
            )
        starts.append(now)
        return self._grant(key, user_id, guild_id, now)

    def release(self, key: Hashable) -> None:
        """End a lease (idempotent: releasing twice, or a refused key, does nothing)."""
        lease = self._leases.pop(key, None)
        if lease is None:
            return
        self._ended[key] = lease
        while len(self._ended) > 1024:
            self._ended.popitem(last=False)
        held = self._now() - lease.started
        if 0 < held < self.config.max_hold:
            self._typical_hold = 0.8 * self._typical_hold + 0.2 * held

    def refund(self, key: Hashable) -> None:
        """The interaction was refused for its input before anything was generated: its start
        does not count towards the member's cooldown (a typo is not a request)."""
        lease = self._leases.get(key) or self._ended.pop(key, None)
        if lease is None:
            return
        starts = self._starts.get(lease.user_id)
        if starts and lease.started in starts:
            starts.remove(lease.started)

    # -- internals -------------------------------------------------------------------------------

    def _grant(self, key: Hashable, user_id: int, guild_id: int | None, now: float) -> Lease:
        lease = Lease(key, user_id, guild_id, now)
        self._leases[key] = lease
        self.admitted += 1
        return lease

    def _refuse(self, reason: str, retry_after: float, message: str) -> RateLimited:
        self.rejections[reason] += 1
        return RateLimited(reason, retry_after, message)

    def _slot_free_at(self, leases: list[Lease], now: float) -> float:
        """Seconds until the oldest of ``leases`` should end, going by typical hold times."""
        oldest = min(lease.started for lease in leases)
        return max(1.0, oldest + self._typical_hold - now)

    def _recent_starts(self, user_id: int, now: float) -> deque[float]:
        starts = self._starts.setdefault(user_id, deque())
        horizon = now - self.config.cooldown
        while starts and starts[0] <= horizon:
            starts.popleft()
        # Forget members who have gone quiet, so the map does not grow with every member seen.
        if len(self._starts) > 10_000:
            for quiet in [u for u, s in self._starts.items() if not s or s[-1] <= horizon]:
                if quiet != user_id:
                    del self._starts[quiet]
        return starts

    def _expire(self) -> None:
        if not math.isfinite(self.config.max_hold):
            return
        cutoff = self._now() - self.config.max_hold
        for key in [k for k, lease in self._leases.items() if lease.started <= cutoff]:
            del self._leases[key]
