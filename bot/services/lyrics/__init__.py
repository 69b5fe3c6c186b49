"""The lyric studio: constrained drafting with targeted repairs, saved drafts, rhymes,
syllables, analysis and chords (see ``service``)."""

from .drafting import LineFix, LyricsDrafter, plan_repairs, repair_model, section_model
from .request import (
    DEFAULT_STRUCTURE,
    DEFAULT_SYLLABLES,
    MAX_TOTAL_LINES,
    SECTION_KINDS,
    PartSpec,
    SongSpec,
    song_spec,
)
from .service import (
    ANALYZE_LIMIT,
    Analysis,
    ChordSheet,
    Draft,
    DraftSummary,
    LineReport,
    LyricsService,
    Progress,
)

__all__ = [
    "ANALYZE_LIMIT",
    "DEFAULT_STRUCTURE",
    "DEFAULT_SYLLABLES",
    "MAX_TOTAL_LINES",
    "SECTION_KINDS",
    "Analysis",
    "ChordSheet",
    "Draft",
    "DraftSummary",
    "LineFix",
    "LineReport",
    "LyricsDrafter",
    "LyricsService",
    "PartSpec",
    "Progress",
    "SongSpec",
    "plan_repairs",
    "repair_model",
    "section_model",
    "song_spec",
]
