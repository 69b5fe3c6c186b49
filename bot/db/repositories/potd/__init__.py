"""Prompt of the day: configuration, calendar, daily posts, queue, suggestions, submissions.

One repository in parts: :mod:`.config` (a server's settings and theme calendar),
:mod:`.curation` (the queue and suggestions), :mod:`.posts` (the daily posts),
:mod:`.submissions` (members' answers) and :mod:`.member_data` (a member's export and erasure).
Rows map to the service's records (``bot.services.potd.types``), re-exported here.
"""

from __future__ import annotations

from bot.services.potd.types import (
    PotdConfigRecord,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSubmissionRecord,
    PotdSuggestionRecord,
)

from .config import PotdConfigRows
from .curation import PotdCurationRows
from .member_data import PotdMemberData
from .posts import PotdPostRows
from .submissions import PotdSubmissionRows

__all__ = [
    "PotdConfigRecord",
    "PotdPostRecord",
    "PotdQueueRecord",
    "PotdRepository",
    "PotdSubmissionRecord",
    "PotdSuggestionRecord",
]


class PotdRepository(
    PotdConfigRows, PotdCurationRows, PotdPostRows, PotdSubmissionRows, PotdMemberData
):
    """Every table of the prompt of the day. Also the feature's :class:`MemberData`;
    ``transaction()`` lets the service make a check and the writes that depend on it atomic."""
