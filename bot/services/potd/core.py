"""What every part of :class:`~bot.services.potd.service.PotdService` shares: its
dependencies and options, the daily jobs the cog binds, the manager check and the server's
configuration.

The service is built up in layers, each a class over the one before: this core, configuration
and the theme calendar (:mod:`.config`), the queue, suggestions and previews (:mod:`.curation`),
the daily post (:mod:`.posting`), submissions, streaks and history (:mod:`.submissions`), and
the facade (:mod:`.service`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import NotAllowed, UserInputError
from bot.i18n import _
from bot.services.hooks import Contributions, NoContributions, NoWorksIndex, WorksIndex
from bot.services.locks import KeyedLocks
from bot.services.outbox import Outbox

from .generation import PromptGenerator
from .scheduling import JobRegistry
from .timing import parse_post_time
from .types import Actor, PotdConfigRecord, PotdOptions, ServerLocale, ServerMedium

if TYPE_CHECKING:
    from bot.db.repositories.potd import PotdRepository

__all__ = ["PotdCore"]

log = logging.getLogger(__name__)


class PotdCore:
    """The prompt of the day's dependencies and options, and its wiring to the scheduler."""

    def __init__(
        self,
        repo: PotdRepository,
        generator: PromptGenerator,
        clock: Clock,
        *,
        options: PotdOptions | None = None,
        contributions: Contributions | None = None,
        works: WorksIndex | None = None,
        outbox: Outbox | None = None,
        server_medium: ServerMedium | None = None,
        server_locale: ServerLocale | None = None,
    ) -> None:
        self._repo = repo
        self._server_medium = server_medium
        # The daily post is for the whole server: it is written in the server's language.
        self._server_locale = server_locale
        self._outbox = outbox
        self._generator = generator
        self._clock = clock
        self.options = options or PotdOptions()
        self._contributions = contributions or NoContributions()
        self._works = works or NoWorksIndex()
        self._jobs: JobRegistry | None = None
        self._locks = KeyedLocks()

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.options.grace_hours)

    # -- wiring (the cog binds the Discord side at load) ----------------------------------------

    def bind(self, jobs: JobRegistry | None) -> None:
        self._jobs = jobs

    def unbind(self) -> None:
        if self._jobs is not None:
            self._jobs.clear()
        self._jobs = None

    async def rebuild_jobs(self) -> int:
        """One cron job per configured, active server, from the database. Returns how many."""
        if self._jobs is None:
            return 0
        self._jobs.clear()
        count = 0
        for config in await self._repo.list_configs():
            if self._sync_job(config):
                count += 1
        return count

    def _sync_job(self, config: PotdConfigRecord) -> bool:
        if self._jobs is None:
            return False
        if config.paused:
            self._jobs.unschedule(config.guild_id)
            return False
        try:
            tz = ZoneInfo(config.timezone)
            post_time = parse_post_time(config.post_time)
        except Exception:
            log.error("prompt of the day for %s has a bad time or zone", config.guild_id)
            return False
        self._jobs.schedule(config.guild_id, post_time, tz)
        return True

    @staticmethod
    def require_manager(actor: Actor) -> None:
        if not actor.can_manage:
            raise NotAllowed(
                _(
                    "Only members with the **Manage Server** permission can change the prompt "
                    "of the day."
                )
            )

    async def _config(self, guild_id: int) -> PotdConfigRecord:
        config = await self._repo.get_config(guild_id)
        if config is None:
            raise UserInputError(
                _(
                    "The prompt of the day isn't set up here yet. An admin can start it with "
                    "`/potd setup`."
                )
            )
        return config

    def _require_outbox(self) -> Outbox:
        if self._outbox is None:
            raise RuntimeError("the prompt of the day has no outbox to post with")
        return self._outbox

    def _now(self) -> datetime:
        return self._clock.now()
