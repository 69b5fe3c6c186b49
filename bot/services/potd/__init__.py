"""Prompt of the day: scheduled, model-written, never repeating, with submissions and streaks.

``service`` is the facade, built in layers over ``core``: ``config`` (settings and the theme
calendar), ``curation`` (the queue, suggestions, previews), ``posting`` (the daily post through
the outbox) and ``submissions`` (answers, streaks, history). ``limits`` holds the bounds of the
commands' text, ``types`` the records and values the cogs read, ``generation`` the
model-then-curated-list writing with its repeat filter, ``timing`` local times and timezones,
``scheduling`` the port of the daily jobs (APScheduler's side is ``bot/scheduling/potd.py``),
``streaks`` the streak arithmetic.
"""

from .generation import (
    CuratedPrompt,
    PromptGenerator,
    RepeatFilter,
    curated_language,
    load_curated,
)
from .scheduling import JobRegistry, job_id
from .service import (
    POST_KIND,
    AttachmentInfo,
    PotdService,
    SubmissionPost,
    build_potd_service,
)
from .types import (
    MEDIA,
    MEDIUM_LABELS,
    Actor,
    HistoryPage,
    PostOutcome,
    PotdConfigRecord,
    PotdOptions,
    PotdOverview,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSubmissionRecord,
    PotdSuggestionRecord,
    Preview,
    PromptContent,
    PromptDraft,
    StreakInfo,
    SubmissionResult,
)

__all__ = [
    "MEDIA",
    "MEDIUM_LABELS",
    "POST_KIND",
    "Actor",
    "AttachmentInfo",
    "CuratedPrompt",
    "HistoryPage",
    "JobRegistry",
    "PostOutcome",
    "PotdConfigRecord",
    "PotdOptions",
    "PotdOverview",
    "PotdPostRecord",
    "PotdQueueRecord",
    "PotdService",
    "PotdSubmissionRecord",
    "PotdSuggestionRecord",
    "Preview",
    "PromptContent",
    "PromptDraft",
    "PromptGenerator",
    "RepeatFilter",
    "StreakInfo",
    "SubmissionPost",
    "SubmissionResult",
    "build_potd_service",
    "curated_language",
    "job_id",
    "load_curated",
]
