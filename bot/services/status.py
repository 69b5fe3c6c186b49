"""What /muse status reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import __version__
from bot.clock import Clock
from models import LLMEngine

from .fairness import FairShare

__all__ = ["StatusReport", "StatusService"]


@dataclass(frozen=True, slots=True)
class StatusReport:
    version: str
    model: str
    backend: str
    context_size: int
    cpu: str
    waiting: int
    running: int
    queue_capacity: int
    tokens_per_second: float
    requests_served: int
    uptime: timedelta
    generations_in_flight: int = 0
    #: Generations refused, by reason: the fair-share limits and the engine's full queue.
    rejections: dict[str, int] = field(default_factory=dict)


class StatusService:
    def __init__(
        self,
        engine: LLMEngine,
        clock: Clock,
        started_at: datetime,
        fair_share: FairShare | None = None,
    ) -> None:
        self._engine = engine
        self._fair_share = fair_share
        self._clock = clock
        self._started_at = started_at

    def status(self) -> StatusReport:
        stats = self._engine.stats()
        info = self._engine.info
        rejections = dict(self._fair_share.rejections) if self._fair_share else {}
        rejections["queue_full"] = stats.rejected
        return StatusReport(
            version=__version__,
            model=info.name,
            backend=info.backend,
            context_size=info.context_size,
            cpu=info.cpu,
            waiting=stats.waiting,
            running=stats.running,
            queue_capacity=stats.queue_capacity,
            tokens_per_second=stats.tokens_per_second,
            requests_served=stats.requests_served,
            uptime=self._clock.now() - self._started_at,
            generations_in_flight=self._fair_share.in_flight if self._fair_share else 0,
            rejections=rejections,
        )
