"""Story chains (/story): stories, their rotation of participants, and the segments written.

One repository in parts: :mod:`.stories` (the story rows and their state), :mod:`.participants`
(the rotation), :mod:`.segments` (the text), :mod:`.canon` (the lorebook) and
:mod:`.member_data` (a member's export and erasure). Rows map to the service's records
(``bot.services.story.types``), re-exported here.
Moments are ``datetime`` values given by the service, which owns the clock.
"""

from __future__ import annotations

from bot.services.story.types import (
    AI_PARTNER_ID,
    FORMER_MEMBER,
    CanonEntry,
    NewStory,
    ParticipantRecord,
    SegmentRecord,
    StoryRecord,
    StoryTitleTaken,
    TurnState,
)

from .canon import CanonRows
from .member_data import MemberStoryData
from .segments import SegmentRows
from .stories import StoryRows

__all__ = [
    "AI_PARTNER_ID",
    "FORMER_MEMBER",
    "CanonEntry",
    "NewStory",
    "ParticipantRecord",
    "SegmentRecord",
    "StoryRecord",
    "StoryRepository",
    "StoryTitleTaken",
    "TurnState",
]


class StoryRepository(StoryRows, SegmentRows, CanonRows, MemberStoryData):
    """Stories, participants, segments and canon entries. ``transaction()`` lets the service
    make a check and the writes that depend on it atomic."""
