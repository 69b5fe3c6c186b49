"""The prompt of the day: configuration, curation, the daily post, submissions and streaks.

:class:`PotdService` is the facade the cogs and the scheduler use. It is built up in layers,
each a class over the one before (see :mod:`.core`): configuration and the theme calendar
(:mod:`.config`), the queue, suggestions and previews (:mod:`.curation`), the daily post, never
twice for one server and local date (:mod:`.posting`), and submissions, streaks and history
(:mod:`.submissions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.services.hooks import Contributions, WorksIndex
from bot.services.outbox import Outbox
from bot.settings import Settings
from models import LLMEngine

from .generation import PromptGenerator
from .limits import (
    ATTACHMENT_SIZE_LIMIT,
    CALENDAR_TEXT_LIMIT,
    CALENDAR_WORD_LIMIT,
    HISTORY_PAGE_SIZE,
    KEEP_DRAFTS,
    MAX_PENDING_SUGGESTIONS_PER_MEMBER,
    POST_KIND,
    POST_TIME_LIMIT,
    PROMPT_LIMIT,
    SUBMISSION_KIND,
    SUBMISSION_TEXT_LIMIT,
    TAGS_TEXT_LIMIT,
    THEMES_LIMIT,
    TIMEZONE_LIMIT,
    TITLE_LIMIT,
    TWIST_LIMIT,
    TWISTS_TEXT_LIMIT,
)
from .submissions import AttachmentInfo, PotdSubmissions, SubmissionPost
from .types import PotdOptions, ServerLocale, ServerMedium

if TYPE_CHECKING:
    from bot.db.repositories.potd import PotdRepository

__all__ = [
    "ATTACHMENT_SIZE_LIMIT",
    "CALENDAR_TEXT_LIMIT",
    "CALENDAR_WORD_LIMIT",
    "HISTORY_PAGE_SIZE",
    "KEEP_DRAFTS",
    "MAX_PENDING_SUGGESTIONS_PER_MEMBER",
    "POST_KIND",
    "POST_TIME_LIMIT",
    "PROMPT_LIMIT",
    "SUBMISSION_KIND",
    "SUBMISSION_TEXT_LIMIT",
    "TAGS_TEXT_LIMIT",
    "THEMES_LIMIT",
    "TIMEZONE_LIMIT",
    "TITLE_LIMIT",
    "TWISTS_TEXT_LIMIT",
    "TWIST_LIMIT",
    "AttachmentInfo",
    "PotdService",
    "SubmissionPost",
    "build_potd_service",
]


class PotdService(PotdSubmissions):
    """The prompt of the day. Construct it with the repository, the prompt generator and the
    clock; the cog binds the daily jobs (:meth:`bind`)."""


def build_potd_service(
    settings: Settings,
    repo: PotdRepository,
    engine: LLMEngine,
    clock: Clock,
    *,
    contributions: Contributions | None = None,
    works: WorksIndex | None = None,
    outbox: Outbox | None = None,
    server_medium: ServerMedium | None = None,
    server_locale: ServerLocale | None = None,
) -> PotdService:
    """The service as the container builds it, from ``MUSE_POTD_*`` settings."""
    options = PotdOptions(
        grace_hours=settings.potd_grace_hours,
        similarity_threshold=settings.potd_similarity_threshold,
        history_size=settings.potd_history_size,
        generation_attempts=settings.potd_generation_attempts,
        temperature=settings.potd_temperature,
        sweep_minutes=settings.potd_sweep_minutes,
    )
    generator = PromptGenerator(
        engine, attempts=options.generation_attempts, temperature=options.temperature
    )
    return PotdService(
        repo,
        generator,
        clock,
        options=options,
        contributions=contributions,
        works=works,
        outbox=outbox,
        server_medium=server_medium,
        server_locale=server_locale,
    )
