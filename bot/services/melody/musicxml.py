"""MusicXML 4.0 (partwise) of a melody: one voice part with the key, 4/4, the tempo, a chord
symbol (<harmony>) over every bar and each syllable under its note (begin/middle/end), a note
that crosses a bar line or has no single written value split into tied notes. Opens in
MuseScore, Finale, Sibelius and Dorico."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .harmony import pitch_class
from .types import BAR, Melody, Note

__all__ = ["melody_to_musicxml", "spell"]

DIVISIONS = 2  # per quarter note: the grid is in eighths
_DOCTYPE = (
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
    '"http://www.musicxml.org/dtds/partwise.dtd">'
)
_TYPES = {8: ("whole", 0), 6: ("half", 1), 4: ("half", 0), 3: ("quarter", 1), 2: ("quarter", 0)}
_TYPES[1] = ("eighth", 0)
_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
_KINDS = {"major": "major", "minor": "minor", "diminished": "diminished", "augmented": "augmented"}
_SHARPS = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def spell(pitch: int, scale: tuple[str, ...]) -> tuple[str, int, int]:
    """(step, alter, octave) of a MIDI pitch, spelled as the key spells it."""
    pc = pitch % 12
    name = next((n for n in scale if pitch_class(n) == pc), None)
    if name is None:  # the raised seventh of a minor key: a sharp on the scale's seventh
        seventh = scale[6] if len(scale) == 7 else ""
        name = seventh + "#" if seventh and pitch_class(seventh + "#") == pc else _SHARPS[pc]
    name = name.replace("b#", "").replace("#b", "") or name
    alter = name.count("#") - name.count("b")
    octave = (pitch - alter) // 12 - 1
    return name[0], alter, octave


def _fifths(key: str, mode: str) -> int:
    value = _FIFTHS[key[0]] + 7 * (key.count("#") - key.count("b"))
    return value - 3 if mode == "minor" else value


def _pieces(onset: int, duration: int) -> list[int]:
    """Written lengths of one sung note: split at bar lines and into single written values."""
    out = []
    at, left = onset, duration
    while left > 0:
        room = min(left, BAR - at % BAR)
        length = max(v for v in _TYPES if v <= room and (v != 6 or at % BAR == 0))
        out.append(length)
        at += length
        left -= length
    return out


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if value is not None:
        element.text = value
    return element


def _rest(measure: ET.Element, length: int) -> None:
    note = _sub(measure, "note")
    _sub(note, "rest", measure="yes" if length == BAR else "no")
    _sub(note, "duration", str(length))
    _sub(note, "voice", "1")
    if length != BAR:
        kind, dots = _TYPES[length]
        _sub(note, "type", kind)
        for _ in range(dots):
            _sub(note, "dot")


def _note(measure: ET.Element, note: Note, scale: tuple[str, ...], length: int, part: str) -> None:
    element = _sub(measure, "note")
    step, alter, octave = spell(note.pitch, scale)
    pitch = _sub(element, "pitch")
    _sub(pitch, "step", step)
    if alter:
        _sub(pitch, "alter", str(alter))
    _sub(pitch, "octave", str(octave))
    _sub(element, "duration", str(length))
    ties = {"first": ["start"], "middle": ["stop", "start"], "last": ["stop"]}.get(part, [])
    for tie in ties:
        _sub(element, "tie", type=tie)
    _sub(element, "voice", "1")
    kind, dots = _TYPES[length]
    _sub(element, "type", kind)
    for _ in range(dots):
        _sub(element, "dot")
    if ties:
        notations = _sub(element, "notations")
        for tie in ties:
            _sub(notations, "tied", type=tie)
    if part in ("only", "first"):
        lyric = _sub(element, "lyric", number="1")
        _sub(lyric, "syllabic", note.syllabic)
        _sub(lyric, "text", note.text)


def _attributes(measure: ET.Element, melody: Melody) -> None:
    attributes = _sub(measure, "attributes")
    _sub(attributes, "divisions", str(DIVISIONS))
    key = _sub(attributes, "key")
    _sub(key, "fifths", str(_fifths(melody.params.key, melody.params.mode)))
    _sub(key, "mode", melody.params.mode)
    time = _sub(attributes, "time")
    _sub(time, "beats", "4")
    _sub(time, "beat-type", "4")
    # The clef that keeps the range nearest the staff: bass, treble an octave down (tenor), treble.
    middle = (melody.params.low + melody.params.high) / 2
    clef = _sub(attributes, "clef")
    _sub(clef, "sign", "F" if middle < 55 else "G")
    _sub(clef, "line", "4" if middle < 55 else "2")
    if 55 <= middle < 62:
        _sub(clef, "clef-octave-change", "-1")
    direction = _sub(measure, "direction", placement="above")
    metronome = _sub(_sub(direction, "direction-type"), "metronome")
    _sub(metronome, "beat-unit", "quarter")
    _sub(metronome, "per-minute", str(melody.params.tempo))
    _sub(direction, "sound", tempo=str(melody.params.tempo))


def _harmony(measure: ET.Element, melody: Melody, bar: int) -> None:
    chord = melody.chords[bar]
    harmony = _sub(measure, "harmony")
    root = _sub(harmony, "root")
    _sub(root, "root-step", chord.root[0])
    alter = chord.root.count("#") - chord.root.count("b")
    if alter:
        _sub(root, "root-alter", str(alter))
    suffix = chord.name[len(chord.root) :]
    if suffix:
        _sub(harmony, "kind", _KINDS[chord.quality], text=suffix)
    else:
        _sub(harmony, "kind", _KINDS[chord.quality])


def melody_to_musicxml(melody: Melody, *, part_name: str | None = None) -> str:
    score = ET.Element("score-partwise", version="4.0")
    _sub(_sub(score, "work"), "work-title", melody.title)
    encoding = _sub(_sub(score, "identification"), "encoding")
    _sub(encoding, "software", "Muse")
    part_list = _sub(score, "part-list")
    score_part = _sub(part_list, "score-part", id="P1")
    _sub(score_part, "part-name", part_name or melody.params.voice.title())
    part = _sub(score, "part", id="P1")
    # Each sung note as written pieces, by bar.
    by_bar: dict[int, list[tuple[int, Note, int, str]]] = {}
    for note in melody.notes:
        lengths = _pieces(note.onset, note.duration)
        at = note.onset
        for i, length in enumerate(lengths):
            if len(lengths) == 1:
                role = "only"
            else:
                role = "first" if i == 0 else ("last" if i == len(lengths) - 1 else "middle")
            by_bar.setdefault(at // BAR, []).append((at, note, length, role))
            at += length
    for bar in range(melody.bars):
        measure = _sub(part, "measure", number=str(bar + 1))
        if bar == 0:
            _attributes(measure, melody)
        _harmony(measure, melody, bar)
        at = bar * BAR
        for start, note, length, role in by_bar.get(bar, []):
            if start > at:
                for gap in _pieces(at, start - at):
                    _rest(measure, gap)
            _note(measure, note, melody.scale, length, role)
            at = start + length
        end = (bar + 1) * BAR
        if at < end:
            for gap in _pieces(at, end - at):
                _rest(measure, gap)
    if melody.bars:
        barline = ET.Element("barline", location="right")
        _sub(barline, "bar-style", "light-heavy")
        part[-1].append(barline)
    ET.indent(score)
    body = ET.tostring(score, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n{_DOCTYPE}\n{body}\n'
