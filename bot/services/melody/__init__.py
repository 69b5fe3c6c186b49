"""The song studio's melodies: a tune for every lyric, set syllable by syllable.

Pure code but for the facade: ``request`` checks what a member asked, ``syllabify`` turns lines
into sung syllables, ``rhythm`` puts them in time, ``harmony`` chooses the chords, ``pitches``
and ``compose`` choose the notes under the craft rules, ``contour`` and ``proposal`` give the
tune its shape (the model may propose it), ``musicxml`` and ``midi`` write the files, and
``service`` is the facade the cog uses (storing through ``bot.db.repositories.melodies``).
"""

from .analysis import MelodyStats, melody_stats
from .compose import compose, home_pitch
from .contour import ProposalModel, checked, code_proposal
from .midi import melody_to_midi
from .musicxml import melody_to_musicxml
from .request import (
    LINES_LIMIT,
    MAX_LINES,
    MAX_TEMPO,
    MIDI_HIGHEST,
    MIDI_LOWEST,
    MIN_TEMPO,
    PROGRESSION_LIMIT,
    VOICES,
    MelodyInputError,
    melody_params,
    note_name,
    parse_lyric,
)
from .service import (
    DRAFT_REF_LIMIT,
    ComposedMelody,
    LyricSource,
    MelodyFiles,
    MelodyService,
    SongRenderer,
)
from .types import Melody, MelodyChord, MelodyParams, MelodyRecord, Note, Proposal, SectionText

__all__ = [
    "DRAFT_REF_LIMIT",
    "LINES_LIMIT",
    "MAX_LINES",
    "MAX_TEMPO",
    "MIDI_HIGHEST",
    "MIDI_LOWEST",
    "MIN_TEMPO",
    "PROGRESSION_LIMIT",
    "VOICES",
    "ComposedMelody",
    "LyricSource",
    "Melody",
    "MelodyChord",
    "MelodyFiles",
    "MelodyInputError",
    "MelodyParams",
    "MelodyRecord",
    "MelodyService",
    "MelodyStats",
    "Note",
    "Proposal",
    "ProposalModel",
    "SectionText",
    "SongRenderer",
    "checked",
    "code_proposal",
    "compose",
    "home_pitch",
    "melody_params",
    "melody_stats",
    "melody_to_midi",
    "melody_to_musicxml",
    "note_name",
    "parse_lyric",
]
