"""The works index behind /discover: features publish finished stories, prompt-of-the-day
submissions and public lyrics to it, and /discover ranks them against a member's style."""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock
from bot.db.repositories.style import StyleRepository
from bot.errors import UserInputError
from bot.i18n import _
from bot.services.text import clean_text

from .discover import WORK_KINDS, Recommendation, fts_query, rank_works
from .memory import StyleMemory
from .profile import keywords_of
from .types import StyleConfig

__all__ = ["DISCOVER_QUERY_LIMIT", "WORK_BODY_LIMIT", "WORK_TITLE_LIMIT", "WorksCatalogue"]

WORK_TITLE_LIMIT = 200
DISCOVER_QUERY_LIMIT = 200
WORK_BODY_LIMIT = 20_000


class WorksCatalogue:
    def __init__(
        self, store: StyleRepository, memory: StyleMemory, clock: Clock, config: StyleConfig
    ) -> None:
        self._store = store
        self._memory = memory
        self._clock = clock
        self._config = config

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
        if kind not in WORK_KINDS:
            raise ValueError(f"unknown work kind {kind!r}")
        return await self._store.upsert_work(
            guild_id=guild_id,
            kind=kind,
            ref=ref,
            author_id=author_id,
            title=(title.strip() or "Untitled")[:WORK_TITLE_LIMIT],
            body=text[:WORK_BODY_LIMIT],
            url=url,
            created_at=created_at or self._clock.now(),
            human_only=human_only,
        )

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool:
        return await self._store.remove_work(guild_id, kind, ref)

    async def discover(
        self, guild_id: int, user_id: int, about: str | None = None, *, human_only: bool = False
    ) -> tuple[list[Recommendation], list[str]]:
        """Works that fit the member (or ``about``), best first, and the words searched for
        (``human_only``: only works written without AI)."""
        if about is not None:
            keywords = keywords_of(
                [clean_text(about, field="search", max_length=DISCOVER_QUERY_LIMIT)]
            )
        else:
            profile = await self._memory.personal_profile(guild_id, user_id)
            if profile is None or profile.is_empty:
                raise UserInputError(
                    _(
                        "I don't know your style yet. Opt in with `/style optin` and tell me "
                        "about it with `/style set`, or search with `/discover about:`."
                    )
                )
            keywords = profile.keywords()
        query = fts_query(keywords)
        if query is None:
            raise UserInputError(_("Give me a few words to look for (3 letters or more)."))
        hits = await self._store.search_works(
            guild_id, query, exclude_author=user_id, limit=50, human_only=human_only
        )
        return rank_works(
            hits, keywords, self._clock.now(), self._config.discover_results
        ), keywords
