"""Writing sprints ("word wars"): timed bursts of writing in a channel, with a leaderboard.

``service`` holds the commands, ``timeline`` the steps a sprint takes in time (start, end,
leaderboard) and their announcements through the outbox, ``rules`` the arithmetic, ``ports``
what the service needs from outside (the scheduler's timer, a prompt source, daily streaks),
``prompting`` the prompt source on the prompt-of-the-day generator (imported by the
container only, so the records here load without the prompt-of-the-day feature).
"""

from .ports import DailyStreaks, SprintPrompt, SprintPrompts, SprintTimer, StreakLike
from .rules import check_count, minutes_writing, standings, words_per_minute, words_written
from .service import SprintService, WordsReport
from .timeline import outbox_item
from .types import (
    DELAY_MINUTES,
    DURATION_MINUTES,
    GOAL_WORDS,
    MAX_PARTICIPANTS,
    MAX_WORDS,
    LiveSprintTaken,
    Phase,
    SprintParticipant,
    SprintPublication,
    SprintRecord,
    SprintStats,
    SprintStatus,
    Standing,
    WordsMode,
)

__all__ = [
    "DELAY_MINUTES",
    "DURATION_MINUTES",
    "GOAL_WORDS",
    "MAX_PARTICIPANTS",
    "MAX_WORDS",
    "DailyStreaks",
    "LiveSprintTaken",
    "Phase",
    "SprintParticipant",
    "SprintPrompt",
    "SprintPrompts",
    "SprintPublication",
    "SprintRecord",
    "SprintService",
    "SprintStats",
    "SprintStatus",
    "SprintTimer",
    "Standing",
    "StreakLike",
    "WordsMode",
    "WordsReport",
    "check_count",
    "minutes_writing",
    "outbox_item",
    "standings",
    "words_per_minute",
    "words_written",
]
