"""The arithmetic of a sprint: checking a reported count, words per minute, the leaderboard.
Pure functions, so the rules are easy to test."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import UserInputError
from bot.i18n import _, ngettext

from .types import MAX_WORDS, SprintParticipant, SprintRecord, Standing, WordsMode

__all__ = ["check_count", "minutes_writing", "standings", "words_per_minute", "words_written"]


def check_count(count: int, *, starting: bool = False) -> int:
    """A count a member typed: a whole number from 0 to :data:`MAX_WORDS` (``starting``: the
    count they joined with)."""
    if count < 0:
        if starting:
            raise UserInputError(_("A starting word count can't be negative."))
        raise UserInputError(_("A word count can't be negative."))
    if count > MAX_WORDS:
        raise UserInputError(
            _(
                "{count} words is more than a sprint counts: the most is {most}.",
                count=format(count, ","),
                most=format(MAX_WORDS, ","),
            )
        )
    return count


def words_written(mode: WordsMode, count: int, start_words: int) -> int:
    """The words written in the sprint, from a reported count: the member's whole count now
    (minus what they started with) or the words added since joining."""
    check_count(count)
    if mode is WordsMode.ADDED:
        return count
    if count < start_words:
        raise UserInputError(
            ngettext(
                "Your total of {count} word is below the {start} you started with. Report your "
                "whole count now, or pick `added` to report the words written since you joined.",
                "Your total of {count} words is below the {start} you started with. Report your "
                "whole count now, or pick `added` to report the words written since you joined.",
                count,
                count=format(count, ","),
                start=format(start_words, ","),
            )
        )
    return count - start_words


def minutes_writing(sprint: SprintRecord, participant: SprintParticipant) -> float:
    """How long the member wrote: from the start (or their joining, if later) to the end; at
    least a minute, so a late joiner's rate stays meaningful."""
    began = max(sprint.starts_at, participant.joined_at)
    return max(1.0, (sprint.ends_at - began).total_seconds() / 60)


def words_per_minute(sprint: SprintRecord, participant: SprintParticipant) -> float:
    if participant.words is None:
        return 0.0
    return round(participant.words / minutes_writing(sprint, participant), 1)


def standings(sprint: SprintRecord, participants: Sequence[SprintParticipant]) -> list[Standing]:
    """Every participant, most words first; equal counts share a rank; members who reported
    nothing come last."""

    def key(p: SprintParticipant) -> tuple[bool, int, str, int]:
        return (p.words is None, -(p.words or 0), p.display_name.casefold(), p.user_id)

    ranked: list[Standing] = []
    previous: tuple[bool, int] | None = None
    for index, p in enumerate(sorted(participants, key=key), start=1):
        mark = (p.words is None, p.words or 0)
        rank = ranked[-1].rank if previous == mark and ranked else index
        previous = mark
        wpm = p.wpm if p.wpm is not None else words_per_minute(sprint, p)
        reached = sprint.goal_words is not None and (p.words or 0) >= sprint.goal_words
        ranked.append(Standing(rank, p.user_id, p.display_name, p.words, wpm, reached))
    return ranked
