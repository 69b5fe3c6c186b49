"""Story chains: round-robin group storytelling with deadlines, an AI partner, recaps and books."""

from .book import AI_NAME, BookData, build_book, credit_for
from .ports import (
    BookFile,
    DeadlineKind,
    DeadlinePlan,
    Notice,
    NoticeKind,
    StoryPublisher,
    TurnTimer,
)
from .service import (
    GENRE_LIMIT,
    OPENING_LIMIT,
    PAGE_CHARS,
    SEGMENT_LIMIT,
    TITLE_LIMIT,
    Publication,
    Scope,
    StoryPage,
    StoryService,
    StoryStatus,
    WriteResult,
)

__all__ = [
    "AI_NAME",
    "GENRE_LIMIT",
    "OPENING_LIMIT",
    "PAGE_CHARS",
    "SEGMENT_LIMIT",
    "TITLE_LIMIT",
    "BookData",
    "BookFile",
    "DeadlineKind",
    "DeadlinePlan",
    "Notice",
    "NoticeKind",
    "Publication",
    "Scope",
    "StoryPage",
    "StoryPublisher",
    "StoryService",
    "StoryStatus",
    "TurnTimer",
    "WriteResult",
    "build_book",
    "credit_for",
]
