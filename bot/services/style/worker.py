"""Background learning: contributions of opted-in members wait in a queue in the database and
one worker task learns traits from them at background priority, when the model is idle."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.clock import Clock
from bot.db.repositories import MemberRepository
from bot.db.repositories.style import PendingContribution, StyleRepository
from bot.errors import GenerationCancelled, ModelError, ModelUnavailable
from bot.services.hooks import ContributionKind
from models import GenerationOptions, LLMEngine, Priority

from .learning import TraitReport, clean_observations, learning_messages, merge_traits
from .types import StyleConfig

__all__ = ["LearningWorker"]

log = logging.getLogger(__name__)


class LearningWorker:
    def __init__(
        self,
        store: StyleRepository,
        members: MemberRepository,
        engine: LLMEngine,
        clock: Clock,
        config: StyleConfig,
    ) -> None:
        self._store = store
        self._members = members
        self._engine = engine
        self._clock = clock
        self._config = config
        self._worker: asyncio.Task[None] | None = None
        self._more = False
        self._stopped = False

    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        """Queue a contribution of an opted-in member for background learning. Cheap: one
        read, one insert; the model work happens later at background priority."""
        if guild_id is None or not text.strip():
            return
        if not (await self._members.get(guild_id, user_id)).consent:
            return
        await self.queue(guild_id, user_id, kind, text)

    async def queue(self, guild_id: int, user_id: int, kind: str, text: str) -> None:
        await self._store.add_pending(
            guild_id,
            user_id,
            kind,
            text[: self._config.learn_chars],
            self._clock.now(),
        )
        self._kick()

    def start(self) -> None:
        """Resume learning from contributions a previous run left waiting."""
        self._stopped = False
        self._kick()

    async def stop(self) -> None:
        self._stopped = True
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def drain(self) -> None:
        """Wait until every waiting contribution has been learned from (tests, shutdown)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    def _kick(self) -> None:
        self._more = True
        if self._stopped:
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._learn_pending(), name="style-learning")
            self._worker.add_done_callback(_log_failure)

    async def _learn_pending(self) -> None:
        if self._config.learn_delay:
            await asyncio.sleep(self._config.learn_delay)
        while self._more:
            self._more = False
            last = 0
            while (item := await self._store.next_pending(last)) is not None:
                last = item.id
                await self._wait_for_idle_model()
                try:
                    await self._learn(item)
                except (ModelUnavailable, GenerationCancelled):
                    log.info("style learning paused: the model is not available")
                    return  # the contribution stays queued for the next start
                except ModelError as exc:
                    log.info(
                        "style learning skipped contribution %d: %s", item.id, type(exc).__name__
                    )
                except Exception:
                    log.exception("style learning failed on contribution %d", item.id)
                await self._store.delete_pending(item.id)

    async def _wait_for_idle_model(self) -> None:
        # Priority already puts members first in the queue; waiting for an idle model as well
        # means a learning run rarely holds the model when a member's request arrives.
        while True:
            stats = self._engine.stats()
            if stats.waiting == 0 and stats.running == 0:
                return
            await asyncio.sleep(self._config.idle_poll)

    async def _learn(self, item: PendingContribution) -> None:
        if not (await self._members.get(item.guild_id, item.user_id)).consent:
            return
        report = await self._engine.structured(
            learning_messages(item.kind, item.text),
            TraitReport,
            GenerationOptions(max_tokens=280, temperature=0.2),
            user_id=item.user_id,
            priority=Priority.BACKGROUND,
        )
        observations = clean_observations(report, item.text)
        if not observations:
            return
        async with self._store.atomic():
            # Consent is checked again inside the write: an erasure or opt-out that happened
            # while the model was busy wins.
            if not (await self._members.get(item.guild_id, item.user_id)).consent:
                return
            existing = await self._store.traits(item.guild_id, item.user_id)
            merged = merge_traits(
                existing,
                observations,
                now=self._clock.now(),
                source=item.kind,
                half_life_days=self._config.half_life_days,
                cap=self._config.max_traits,
                min_confidence=self._config.min_confidence,
            )
            await self._store.replace_traits(item.guild_id, item.user_id, merged)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("style learning stopped", exc_info=task.exception())
