"""What every part of :class:`~bot.services.story.service.StoryService` shares: its
dependencies, the Discord side attached by the cog, and the background work it owns.

The service is built up in layers, each a class over the one before: this core, finding
stories (:mod:`.lookup`), turns and deadlines (:mod:`.turns`) and the canon (:mod:`.canon`),
the publishing pipeline (:mod:`.pipeline`), the rotation (:mod:`.members`), moderation
(:mod:`.moderation`) and the commands (:mod:`.service`).
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.errors import GenerationCancelled
from bot.services.hooks import (
    Contributions,
    NoContributions,
    NoStyleBriefs,
    NoWorksIndex,
    StyleBriefs,
    WorksIndex,
)
from bot.services.locks import KeyedLocks
from bot.services.outbox import Outbox
from bot.services.tasks import BackgroundTasks
from models import LLMEngine

from .ports import StoryPublisher, TurnTimer
from .types import StoryRecord

if TYPE_CHECKING:
    from bot.db.repositories.stories import StoryRepository

__all__ = ["StoryCore", "outbox_item"]


def outbox_item(
    story: StoryRecord, kind: str, payload: dict[str, Any], key: str | None
) -> dict[str, Any]:
    """The outbox entry for something posted in a story's thread (``key`` makes it once-only)."""
    return {
        "guild_id": story.guild_id,
        "channel_id": story.thread_id,
        "kind": f"story.{kind}",
        "payload": {"story_id": story.id, **payload},
        "dedupe_key": f"story:{story.id}:{key}" if key is not None else None,
    }


class StoryCore:
    """The story service's dependencies and settings, and its wiring to Discord."""

    def __init__(
        self,
        repo: StoryRepository,
        engine: LLMEngine,
        clock: Clock,
        *,
        outbox: Outbox,
        briefs: StyleBriefs | None = None,
        contributions: Contributions | None = None,
        works: WorksIndex | None = None,
        default_turn_hours: float = 24.0,
        default_word_limit: int = 300,
        max_skips: int = 3,
        max_running: int = 10,
        temperature: float = 0.7,
        context_size: int = 2048,
        rng: random.Random | None = None,
    ) -> None:
        self._repo = repo
        self._outbox = outbox
        self._engine = engine
        self._clock = clock
        self._briefs = briefs or NoStyleBriefs()
        self._contributions = contributions or NoContributions()
        self._works = works or NoWorksIndex()
        self.default_turn_hours = default_turn_hours
        self.default_word_limit = default_word_limit
        self._max_skips = max_skips
        self._max_running = max_running
        self._temperature = temperature
        self.context_size = context_size  # the model's, in tokens: sizes the canon's room
        self._rng = rng or random.Random()
        self._publisher: StoryPublisher | None = None
        self._timer: TurnTimer | None = None
        self._summary_locks = KeyedLocks()
        self._tasks = BackgroundTasks("story", quiet=(GenerationCancelled,))

    def attach(self, publisher: StoryPublisher, timer: TurnTimer) -> None:
        """Connect the Discord side (called by the cog when it loads)."""
        self._publisher = publisher
        self._timer = timer

    @property
    def publisher(self) -> StoryPublisher:
        if self._publisher is None:
            raise RuntimeError("the story service has no publisher attached")
        return self._publisher

    async def close(self) -> None:
        """Cancel background work (the cog unloads, the bot stops)."""
        await self._tasks.cancel_all()
        self._publisher = None
        self._timer = None

    async def wait_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until no background work is left and the outbox has posted what it holds
        (tests; shutdown)."""
        async with asyncio.timeout(timeout):
            while True:
                await self._tasks.wait()
                await self._outbox.settle(timeout)
                if not self._tasks:
                    return
