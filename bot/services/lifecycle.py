"""What happens when the places Muse works in go away, and the housekeeping that follows.

* Muse is removed from a server: its running stories and its prompt of the day are paused and the
  departure is recorded. ``retention_days`` later the server's data is deleted, unless Muse has
  rejoined by then (rejoining keeps everything; paused work stays paused until resumed).
* A story's thread (or the channel it lives in) is deleted: that story is paused.
* The prompt channel is deleted: the prompt of the day is paused.
* On a schedule, not only at start-up: departed servers past their retention are erased, old
  /write results and unsaved lyric drafts are pruned.

The Discord side (``cogs/lifecycle.py``) feeds the events in and tells the people concerned where
it still can.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock
from bot.db.repositories import LifecycleRepository

from .lyrics import LyricsService
from .potd import PotdService
from .story import StoryService
from .story.types import StoryRecord

__all__ = ["Departure", "Housekeeping", "LifecycleService", "PlaceLost"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Departure:
    guild_id: int
    stories_paused: int
    potd_paused: bool


@dataclass(frozen=True, slots=True)
class PlaceLost:
    """Work paused because a channel or thread was deleted."""

    stories: list[StoryRecord] = field(default_factory=list)
    potd_paused: bool = False


@dataclass(frozen=True, slots=True)
class Housekeeping:
    guilds_erased: list[int]
    rows_erased: int
    generations_pruned: int
    drafts_pruned: int


class LifecycleService:
    def __init__(
        self,
        repo: LifecycleRepository,
        stories: StoryService,
        potd: PotdService,
        lyrics: LyricsService,
        clock: Clock,
        *,
        retention_days: int = 30,
        generations_keep_days: int = 30,
    ) -> None:
        self._repo = repo
        self._stories = stories
        self._potd = potd
        self._lyrics = lyrics
        self._clock = clock
        self.retention = timedelta(days=retention_days)
        self.generations_keep = timedelta(days=generations_keep_days)

    async def guild_left(self, guild_id: int) -> Departure:
        await self._repo.record_departure(guild_id, self._clock.now())
        paused = 0
        for story in await self._stories.running_in(guild_id):
            if await self._stories.suspend(story.id) is not None:
                paused += 1
        potd = await self._potd.suspend(guild_id)
        log.info(
            "left server %s: %d story(ies) and %s prompt of the day paused; its data is kept "
            "for %d day(s)",
            guild_id,
            paused,
            "the" if potd else "no",
            self.retention.days,
        )
        return Departure(guild_id, paused, potd)

    async def guild_joined(self, guild_id: int) -> bool:
        """Muse (re)joined a server: cancel a pending erasure. True when one was pending."""
        kept = await self._repo.clear_departure(guild_id)
        if kept:
            log.info("rejoined server %s before its data was deleted: everything is kept", guild_id)
        return kept

    async def thread_deleted(self, guild_id: int, thread_id: int) -> PlaceLost:
        stories = await self._stories.running_in(guild_id, thread_id=thread_id)
        return PlaceLost([s for s in stories if await self._stories.suspend(s.id) is not None])

    async def channel_deleted(self, guild_id: int, channel_id: int) -> PlaceLost:
        stories = await self._stories.running_in(guild_id, channel_id=channel_id)
        paused = [s for s in stories if await self._stories.suspend(s.id) is not None]
        potd = await self._potd.suspend(guild_id, channel_id=channel_id)
        return PlaceLost(paused, potd)

    async def housekeeping(self, *, present: set[int] | None = None) -> Housekeeping:
        """Erase departed servers past their retention; prune old results and drafts.

        ``present``: servers Muse is in right now (a departure that was missed the other way, a
        rejoin while offline, must not erase a server Muse is in)."""
        now = self._clock.now()
        erased: list[int] = []
        rows = 0
        for guild_id, left_at in sorted((await self._repo.departures()).items()):
            if present is not None and guild_id in present:
                await self._repo.clear_departure(guild_id)
                continue
            if now - left_at >= self.retention:
                rows += await self._repo.erase_guild(guild_id)
                erased.append(guild_id)
                log.info(
                    "deleted the data of server %s, %s after Muse left", guild_id, now - left_at
                )
        generations = await self._repo.prune_generations(now - self.generations_keep)
        drafts = await self._lyrics.prune_unsaved()
        if generations or drafts:
            log.info(
                "pruned %d old /write result(s), %d unsaved lyric draft(s)", generations, drafts
            )
        return Housekeeping(erased, rows, generations, drafts)
