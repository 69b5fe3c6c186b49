"""The bounds of the prompt of the day's text (the command schema declares the same constants)
and the outbox kinds of what it posts."""

from __future__ import annotations

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
]

THEMES_LIMIT = 200
TITLE_LIMIT = 60
PROMPT_LIMIT = 320
TWIST_LIMIT = 100
SUBMISSION_TEXT_LIMIT = 1500
# The outbox kind of a submission's post in the day's thread.
SUBMISSION_KIND = "potd.submission"
# The outbox kind of the day's post (its thread is opened once it is delivered).
POST_KIND = "potd.post"
CALENDAR_WORD_LIMIT = 32
# Whole-option lengths (the command schema declares these same constants).
POST_TIME_LIMIT = 20
TIMEZONE_LIMIT = 64
TWISTS_TEXT_LIMIT = 3 * TWIST_LIMIT + 10
TAGS_TEXT_LIMIT = 100
CALENDAR_TEXT_LIMIT = 31 * (CALENDAR_WORD_LIMIT + 2)
MAX_PENDING_SUGGESTIONS_PER_MEMBER = 3
HISTORY_PAGE_SIZE = 10
KEEP_DRAFTS = 20
ATTACHMENT_SIZE_LIMIT = 8 * 1024 * 1024
