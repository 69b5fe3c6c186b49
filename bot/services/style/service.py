"""StyleService: consent, the profile, background learning, briefs, /inspire, /analyze,
/discover, the works index and the member's data rights, behind one facade.

It implements the :class:`~bot.services.hooks.StyleBriefs` and
:class:`~bot.services.hooks.Contributions` hooks every feature already calls, and the works index
hook features call when something becomes public (see :meth:`StyleService.index_work`).

The work lives in ``memory`` (consent, profile, briefs), ``worker`` (background learning),
``creative`` (/inspire, /analyze), ``works`` (the /discover index) and ``rights`` (export and
erasure); this class wires them together and is what the cogs and the container see.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.clock import Clock
from bot.db.repositories import GuildSettingsRepository, MemberRepository
from bot.db.repositories.style import StyleRepository
from bot.services.hooks import ContributionKind, ErasureHook, MemberData
from models import LLMEngine

from .analyze import Analysis
from .creative import CreativeTools
from .discover import Recommendation
from .memory import StyleMemory
from .profile import StyleProfile
from .rights import MemberRights
from .types import DataExport, Inspiration, StyleConfig
from .worker import LearningWorker
from .works import WorksCatalogue

__all__ = ["DataExport", "Inspiration", "StyleConfig", "StyleService"]


class StyleService:
    def __init__(
        self,
        store: StyleRepository,
        members: MemberRepository,
        guilds: GuildSettingsRepository,
        engine: LLMEngine,
        clock: Clock,
        *,
        config: StyleConfig | None = None,
        member_data: Sequence[MemberData] = (),
    ) -> None:
        self._config = config or StyleConfig()
        self._worker = LearningWorker(store, members, engine, clock, self._config)
        self._memory = StyleMemory(store, members, clock, self._config, self._worker.queue)
        self._creative = CreativeTools(engine, guilds, self._memory, self._config)
        self._works = WorksCatalogue(store, self._memory, clock, self._config)
        self._rights = MemberRights(store, members, clock, member_data)

    @property
    def config(self) -> StyleConfig:
        return self._config

    # -- consent --------------------------------------------------------------------------------

    async def optin(self, guild_id: int, user_id: int) -> str:
        return await self._memory.optin(guild_id, user_id)

    async def optout(self, guild_id: int, user_id: int) -> str:
        return await self._memory.optout(guild_id, user_id)

    async def set_personalise(self, guild_id: int, user_id: int, enabled: bool) -> None:
        await self._memory.set_personalise(guild_id, user_id, enabled)

    # -- the profile ----------------------------------------------------------------------------

    async def profile(self, guild_id: int, user_id: int) -> StyleProfile:
        return await self._memory.profile(guild_id, user_id)

    async def editable_profile(self, guild_id: int, user_id: int) -> StyleProfile:
        """The profile of a member who opted in (to prefill forms); refuses everyone else."""
        return await self._memory.editable_profile(guild_id, user_id)

    async def set_preferences(
        self,
        guild_id: int,
        user_id: int,
        values: dict[str, str | None],
        *,
        clear_blank: bool = False,
    ) -> StyleProfile:
        """Set the given fields. ``None`` leaves a field alone; with ``clear_blank`` an empty
        value removes it (a form that was emptied)."""
        return await self._memory.set_preferences(
            guild_id, user_id, values, clear_blank=clear_blank
        )

    async def add_sample(self, guild_id: int, user_id: int, title: str | None, text: str) -> int:
        return await self._memory.add_sample(guild_id, user_id, title, text)

    async def items(self, guild_id: int, user_id: int) -> list[tuple[str, str]]:
        """``(key, label)`` of every single item a member can remove."""
        return await self._memory.items(guild_id, user_id)

    async def remove_item(self, guild_id: int, user_id: int, key: str) -> str:
        return await self._memory.remove_item(guild_id, user_id, key)

    # -- briefs (the StyleBriefs hook) -------------------------------------------------------

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        return await self._memory.brief_for(guild_id, user_id)

    # -- learning (the Contributions hook) -----------------------------------------------------

    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        """Queue a contribution of an opted-in member for background learning. Cheap: one
        read, one insert; the model work happens later at background priority."""
        await self._worker.record(guild_id, user_id, kind, text)

    def start(self) -> None:
        """Resume learning from contributions a previous run left waiting."""
        self._worker.start()

    async def stop(self) -> None:
        await self._worker.stop()

    async def drain(self) -> None:
        """Wait until every waiting contribution has been learned from (tests, shutdown)."""
        await self._worker.drain()

    # -- /inspire and /analyze ------------------------------------------------------------------

    async def inspire(self, guild_id: int, user_id: int) -> Inspiration:
        return await self._creative.inspire(guild_id, user_id)

    def check_upload(self, filename: str, size: int) -> None:
        """Type and size checks for an attachment, before downloading it."""
        self._creative.check_upload(filename, size)

    async def analyze(
        self,
        user_id: int,
        *,
        text: str | None = None,
        upload: tuple[str, bytes] | None = None,
    ) -> Analysis:
        """Analyse typed text or an uploaded file. Nothing is stored."""
        return await self._creative.analyze(user_id, text=text, upload=upload)

    # -- /discover and the works index ---------------------------------------------------------

    async def index_work(
        self,
        *,
        guild_id: int,
        kind: str,
        ref: str,
        title: str,
        text: str,
        author_id: int | None = None,
        url: str | None = None,
        created_at: datetime | None = None,
        human_only: bool = False,
    ) -> int:
        """Add or update a community work in the /discover index (idempotent per
        ``(guild_id, kind, ref)``).

        Features call this when a work becomes public: ``kind`` "story" (a finished story;
        ``author_id`` None, it belongs to everyone who wrote it), "potd_submission" or
        "lyrics" (only lyrics their author marked public). ``ref`` is the feature's own id,
        ``url`` a jump link. Call :meth:`remove_work` when it stops being public. Erasing a
        member deletes their works from the index; stories stay. ``human_only``: the work was
        written without AI (a human-only story), so /discover can look for those alone.
        """
        return await self._works.index_work(
            guild_id=guild_id,
            kind=kind,
            ref=ref,
            title=title,
            text=text,
            author_id=author_id,
            url=url,
            created_at=created_at,
            human_only=human_only,
        )

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool:
        return await self._works.remove_work(guild_id, kind, ref)

    async def discover(
        self, guild_id: int, user_id: int, about: str | None = None, *, human_only: bool = False
    ) -> tuple[list[Recommendation], list[str]]:
        """Works that fit the member (or ``about``), best first, and the words searched for
        (``human_only``: only works written without AI)."""
        return await self._works.discover(guild_id, user_id, about, human_only=human_only)

    # -- data rights ----------------------------------------------------------------------------

    async def export(self, guild_id: int, user_id: int) -> DataExport:
        """Everything stored about the member in this server, as a JSON document."""
        return await self._rights.export(guild_id, user_id)

    def add_erasure_hook(self, hook: ErasureHook) -> None:
        """``hook.release_member`` runs before each erasure (features built after this one)."""
        self._rights.add_erasure_hook(hook)

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Erase everything about the member in this server, in one transaction; returns the
        number of rows removed or anonymised."""
        return await self._rights.forget(guild_id, user_id)
