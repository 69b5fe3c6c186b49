"""Story chains: round-robin group storytelling with deadlines, an AI partner, recaps and books."""

from .book import AI_NAME, EPUB_MISSING, BookData, build_book, credit_for, has_epub
from .ports import (
    BookFile,
    DeadlineKind,
    DeadlinePlan,
    ModeratorCheck,
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
    STORY_REF_LIMIT,
    TITLE_LIMIT,
    Scope,
    StoryPage,
    StoryService,
    StoryStatus,
    WriteResult,
)

__all__ = [
    "AI_NAME",
    "EPUB_MISSING",
    "GENRE_LIMIT",
    "OPENING_LIMIT",
    "PAGE_CHARS",
    "SEGMENT_LIMIT",
    "STORY_REF_LIMIT",
    "TITLE_LIMIT",
    "BookData",
    "BookFile",
    "DeadlineKind",
    "DeadlinePlan",
    "ModeratorCheck",
    "Notice",
    "NoticeKind",
    "Scope",
    "StoryPage",
    "StoryPublisher",
    "StoryService",
    "StoryStatus",
    "TurnTimer",
    "WriteResult",
    "build_book",
    "credit_for",
    "has_epub",
]
