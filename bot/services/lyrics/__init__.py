"""The lyric studio: constrained drafting with targeted repairs, saved drafts, rhymes,
syllables, analysis and chords.

``service`` is the facade; ``editing`` drafts and rewrites with the model, ``library`` keeps
the drafts, ``tools`` holds rhymes, syllables, analysis and chords, ``codec`` stores a draft
and ``types`` its records."""

from .drafting import LyricsDrafter, repair_model, section_model
from .media import SCORE_FILENAME, ChordMedia
from .repairs import LineFix, plan_repairs
from .request import (
    DEFAULT_STRUCTURE,
    DEFAULT_SYLLABLES,
    GENRE_LIMIT,
    MAX_TOTAL_LINES,
    MOOD_LIMIT,
    RHYME_SCHEME_LIMIT,
    SECTION_KINDS,
    STRUCTURE_LIMIT,
    SYLLABLES_OPTION_LIMIT,
    TOPIC_LIMIT,
    PartSpec,
    SongSpec,
    song_spec,
)
from .service import LyricsService
from .tools import (
    ANALYZE_LIMIT,
    CHORD_KEY_LIMIT,
    CHORD_SECTIONS_LIMIT,
    RHYME_WORD_LIMIT,
    SYLLABLES_LIMIT,
)
from .types import Analysis, ChordSheet, Draft, DraftSummary, LineReport, Progress

__all__ = [
    "ANALYZE_LIMIT",
    "CHORD_KEY_LIMIT",
    "CHORD_SECTIONS_LIMIT",
    "DEFAULT_STRUCTURE",
    "DEFAULT_SYLLABLES",
    "GENRE_LIMIT",
    "MAX_TOTAL_LINES",
    "MOOD_LIMIT",
    "RHYME_SCHEME_LIMIT",
    "RHYME_WORD_LIMIT",
    "SCORE_FILENAME",
    "SECTION_KINDS",
    "STRUCTURE_LIMIT",
    "SYLLABLES_LIMIT",
    "SYLLABLES_OPTION_LIMIT",
    "TOPIC_LIMIT",
    "Analysis",
    "ChordMedia",
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
