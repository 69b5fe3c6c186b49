"""MusicXML 4.0 of a progression: a piano lead sheet to engrave (and for any notation program).

One bar per chord in 4/4, the way ``progression_to_midi`` plays it: the chord symbol above
(``<harmony>``), the voiced chord as a whole-note block chord on the treble staff with its Roman
numeral under it as a lyric, and the bass note on the bass staff. Section names become rehearsal
marks. Every note is spelled as the theory spells it (F# major has E#, not F), and accidentals are
printed against the key signature.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.i18n import _

from .progressions import Progression
from .theory import ChordInputError, Quality, scale_notes

__all__ = ["progression_to_musicxml", "spelled_pitch"]

_DOCTYPE = (
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
    '"http://www.musicxml.org/dtds/partwise.dtd">'
)
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTAL = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}
_MODE = {"harmonic minor": "minor"}  # MusicXML's <mode> names the rest as Muse does
_KIND: dict[tuple[Quality, int], str] = {
    # (triad quality, chord size) -> MusicXML <kind>; sevenths are told apart by their suffix
    ("major", 3): "major",
    ("minor", 3): "minor",
    ("diminished", 3): "diminished",
    ("augmented", 3): "augmented",
}
_SEVENTH_KIND = {
    "maj7": "major-seventh",
    "7": "dominant",
    "m7": "minor-seventh",
    "mMaj7": "major-minor",
    "m7b5": "half-diminished",
    "dim7": "diminished-seventh",
    "augMaj7": "augmented-seventh",
    "aug7": "augmented-seventh",
}
_BEATS = 4  # one chord per 4/4 bar, as the MIDI file plays it


def spelled_pitch(name: str, midi: int) -> tuple[str, int, int]:
    """(step, alter, octave) of MIDI note ``midi`` spelled as ``name`` ("E#", 65 -> E, 1, 4)."""
    step = name[0]
    alter = name.count("#") - name.count("b")
    base = midi - alter - _NATURAL[step]
    if base % 12:
        raise ChordInputError(_("{name} cannot spell MIDI note {midi}.", name=name, midi=midi))
    return step, alter, base // 12 - 1


def _signature(key: str, mode: str) -> tuple[int, dict[str, int]]:
    """The key signature's fifths and each letter's alteration under it. A key that would need
    more than seven sharps or flats (D# major) is written with no signature and every accidental
    printed."""
    notes = scale_notes(key, _MODE.get(mode, mode))
    alters = {n[0]: n.count("#") - n.count("b") for n in notes}
    fifths = sum(alters.values())
    if abs(fifths) > 7:
        return 0, dict.fromkeys(_NATURAL, 0)
    return fifths, alters


def _sub(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if content is not None:
        element.text = content
    return element


def _note(
    measure: ET.Element,
    name: str,
    midi: int,
    *,
    staff: int,
    voice: int,
    chord: bool,
    alters: dict[str, int],
    lyric: str | None = None,
) -> None:
    step, alter, octave = spelled_pitch(name, midi)
    note = _sub(measure, "note")
    if chord:
        _sub(note, "chord")
    pitch = _sub(note, "pitch")
    _sub(pitch, "step", step)
    if alter:
        _sub(pitch, "alter", str(alter))
    _sub(pitch, "octave", str(octave))
    _sub(note, "duration", str(_BEATS))
    _sub(note, "voice", str(voice))
    _sub(note, "type", "whole")
    if alter != alters[step]:
        _sub(note, "accidental", _ACCIDENTAL[alter])
    _sub(note, "staff", str(staff))
    if lyric is not None:
        words = _sub(note, "lyric", number="1")
        _sub(words, "syllabic", "single")
        _sub(words, "text", lyric)


def _harmony(measure: ET.Element, chord_name: str, root: str, quality: Quality, size: int) -> None:
    harmony = _sub(measure, "harmony")
    root_element = _sub(harmony, "root")
    _sub(root_element, "root-step", root[0])
    alter = root.count("#") - root.count("b")
    if alter:
        _sub(root_element, "root-alter", str(alter))
    suffix = chord_name[len(root) :]
    kind = _KIND[quality, 3] if size == 3 else _SEVENTH_KIND.get(suffix, "other")
    _sub(harmony, "kind", kind, text=suffix)
    _sub(harmony, "staff", "1")


def _opening(measure: ET.Element, fifths: int, mode: str, tempo_bpm: int) -> None:
    attributes = _sub(measure, "attributes")
    _sub(attributes, "divisions", "1")
    key = _sub(attributes, "key")
    _sub(key, "fifths", str(fifths))
    _sub(key, "mode", _MODE.get(mode, mode))
    time = _sub(attributes, "time")
    _sub(time, "beats", str(_BEATS))
    _sub(time, "beat-type", "4")
    _sub(attributes, "staves", "2")
    for number, (sign, line) in enumerate((("G", "2"), ("F", "4")), start=1):
        clef = _sub(attributes, "clef", number=str(number))
        _sub(clef, "sign", sign)
        _sub(clef, "line", line)
    direction = _sub(measure, "direction", placement="above")
    metronome = _sub(_sub(direction, "direction-type"), "metronome")
    _sub(metronome, "beat-unit", "quarter")
    _sub(metronome, "per-minute", str(tempo_bpm))
    _sub(direction, "staff", "1")
    _sub(direction, "sound", tempo=str(tempo_bpm))


def _rehearsal(measure: ET.Element, name: str) -> None:
    direction = _sub(measure, "direction", placement="above")
    _sub(_sub(direction, "direction-type"), "rehearsal", name.title())
    _sub(direction, "staff", "1")


def progression_to_musicxml(
    progression: Progression, tempo_bpm: int = 90, *, title: str | None = None
) -> str:
    """The progression as a MusicXML 4.0 partwise score (a complete document, as text)."""
    if not 20 <= tempo_bpm <= 300:
        raise ChordInputError(_("Tempo must be between 20 and 300 BPM."))
    if not progression.chords:
        raise ChordInputError(_("A progression needs at least one chord."))
    fifths, alters = _signature(progression.key, progression.mode)
    starts = {section.start: section.name for section in progression.sections}

    score = ET.Element("score-partwise", version="4.0")
    work = _sub(score, "work")
    default_title = f"{progression.key} {progression.mode} · {progression.mood}"
    _sub(work, "work-title", title or default_title)
    identification = _sub(score, "identification")
    _sub(_sub(identification, "encoding"), "software", "Muse")
    part_list = _sub(score, "part-list")
    score_part = _sub(part_list, "score-part", id="P1")
    _sub(score_part, "part-name", "Piano", **{"print-object": "no"})
    part = _sub(score, "part", id="P1")

    for index, chord in enumerate(progression.chords):
        measure = _sub(part, "measure", number=str(index + 1))
        if index == 0:
            _opening(measure, fifths, progression.mode, tempo_bpm)
        if index in starts:
            _rehearsal(measure, starts[index])
        _harmony(measure, chord.name, chord.root, chord.quality, len(chord.spelled))
        for position, (name, midi) in enumerate(zip(chord.spelled, chord.notes, strict=True)):
            lyric = chord.roman if position == 0 else None
            _note(
                measure,
                name,
                midi,
                staff=1,
                voice=1,
                chord=position > 0,
                alters=alters,
                lyric=lyric,
            )
        backup = _sub(measure, "backup")
        _sub(backup, "duration", str(_BEATS))
        _note(measure, chord.root, chord.bass, staff=2, voice=5, chord=False, alters=alters)
        if index == len(progression.chords) - 1:
            barline = _sub(measure, "barline", location="right")
            _sub(barline, "bar-style", "light-heavy")

    ET.indent(score)
    body = ET.tostring(score, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{_DOCTYPE}\n{body}\n'
