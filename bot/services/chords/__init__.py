"""Chords for the lyric studio: keys, modes, diatonic chords, progressions by mood, MIDI export.

Everything is computed from music theory, never generated: a progression is a list of scale
degrees from ``PROGRESSIONS``, realised in the requested key and mode, so every chord is
diatonic and correctly spelled (F# major has E#, not F). A caller (the model, say) may pick
among ``suggest_progressions`` results but cannot invent chords.

Modules: ``theory`` (keys, modes, scales, chords), ``progressions`` (templates by mood and
songs by section), ``midi`` (the MIDI file) and ``musicxml`` (the lead sheet to engrave).
"""

from .midi import TICKS_PER_BEAT, midi_chords, progression_to_midi
from .musicxml import progression_to_musicxml, spelled_pitch
from .progressions import (
    MAX_SECTIONS,
    MOODS,
    PROGRESSIONS,
    Progression,
    ProgressionTemplate,
    Section,
    build_progression,
    normalize_mood,
    suggest_progressions,
)
from .theory import (
    MODES,
    Chord,
    ChordInputError,
    diatonic_chords,
    normalize_mode,
    parse_key,
    scale_notes,
)

__all__ = [
    "MAX_SECTIONS",
    "MODES",
    "MOODS",
    "PROGRESSIONS",
    "TICKS_PER_BEAT",
    "Chord",
    "ChordInputError",
    "Progression",
    "ProgressionTemplate",
    "Section",
    "build_progression",
    "diatonic_chords",
    "midi_chords",
    "normalize_mode",
    "normalize_mood",
    "parse_key",
    "progression_to_midi",
    "progression_to_musicxml",
    "scale_notes",
    "spelled_pitch",
    "suggest_progressions",
]
