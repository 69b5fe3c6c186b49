"""The MusicXML lead sheet of a progression, read back two ways: its own structure (ElementTree)
and what an independent engraver understood of it (verovio's MEI)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import verovio
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.chords import (
    MODES,
    MOODS,
    ChordInputError,
    Progression,
    build_progression,
    progression_to_musicxml,
    spelled_pitch,
)

_STEP = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_KEYS = ("C", "G", "D", "A", "E", "B", "F#", "C#", "F", "Bb", "Eb", "Ab", "Db", "Gb")


def _midi(step: str, alter: int, octave: int) -> int:
    return (octave + 1) * 12 + _STEP[step] + alter


def _name(root: ET.Element) -> str:
    step = root.findtext("root-step") or ""
    alter = int(root.findtext("root-alter") or 0)
    return step + ("#" * alter if alter > 0 else "b" * -alter)


def read_back(document: str) -> tuple[list[str], list[frozenset[int]], list[str]]:
    """(chord symbols, MIDI notes per bar on both staves, rehearsal marks) of a document."""
    score = ET.fromstring(document.split("\n", 2)[2])  # past the declaration and DOCTYPE
    names, notes, marks = [], [], []
    for measure in score.iter("measure"):
        for harmony in measure.iter("harmony"):
            root, kind = harmony.find("root"), harmony.find("kind")
            assert root is not None and kind is not None
            names.append(_name(root) + (kind.get("text") or ""))
        pitches = set()
        for note in measure.iter("note"):
            pitch = note.find("pitch")
            assert pitch is not None and note.findtext("type") == "whole"
            pitches.add(
                _midi(
                    pitch.findtext("step") or "",
                    int(pitch.findtext("alter") or 0),
                    int(pitch.findtext("octave") or 0),
                )
            )
        notes.append(frozenset(pitches))
        marks += [r.text or "" for r in measure.iter("rehearsal")]
    return names, notes, marks


def engraver_reading(document: str) -> tuple[list[str], str]:
    """The chord symbols and the key signature verovio reads from the document."""
    toolkit = verovio.toolkit()
    assert toolkit.loadData(document)
    mei = toolkit.getMEI()
    harms = [
        re.sub(r"<[^>]+>", "", h).strip().replace("♭", "b").replace("♯", "#")
        for h in re.findall(r"<harm\b[^>]*>(.*?)</harm>", mei, re.S)
    ]
    signature = re.search(r'<keySig\b[^>]*\bsig="([^"]+)"', mei)
    return harms, signature.group(1) if signature else "0"


def check(progression: Progression) -> None:
    document = progression_to_musicxml(progression, 100)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE score-partwise')
    names, notes, marks = read_back(document)
    assert names == progression.names
    assert notes == progression.pitch_sets
    assert marks == [s.name.title() for s in progression.sections]


@pytest.mark.parametrize(
    ("key", "mode", "mood", "sections", "sevenths"),
    [
        ("C", "major", "happy", None, False),
        ("Bb", "minor", "sad", ["verse", "chorus", "verse", "bridge"], True),
        ("F#", "major", "uplifting", None, False),  # E# and A# spelled as such
        ("D#", "major", "happy", None, True),  # nine sharps: no signature, every accidental
        ("A", "harmonic minor", "dark", ["verse", "chorus"], True),
    ],
)
def test_the_lead_sheet_holds_the_progression(
    key: str, mode: str, mood: str, sections: list[str] | None, sevenths: bool
) -> None:
    check(build_progression(key, mode, mood, sections, sevenths=sevenths))


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(_KEYS),
    mode=st.sampled_from(list(MODES)),
    mood=st.sampled_from(MOODS),
    sevenths=st.booleans(),
    seed=st.integers(0, 50),
)
def test_every_progression_reads_back_exactly(
    key: str, mode: str, mood: str, sevenths: bool, seed: int
) -> None:
    check(build_progression(key, mode, mood, ["verse", "chorus"], seed, sevenths=sevenths))


@pytest.mark.parametrize(
    ("key", "mode", "signature"),
    [("C", "major", "0"), ("Bb", "minor", "5f"), ("F#", "major", "6s"), ("D", "dorian", "0")],
)
def test_an_engraver_reads_the_chord_symbols_and_the_key(
    key: str, mode: str, signature: str
) -> None:
    progression = build_progression(key, mode, "dreamy", ["verse", "chorus"], sevenths=True)
    harms, read_signature = engraver_reading(progression_to_musicxml(progression))
    assert harms == progression.names
    assert read_signature == signature


def test_accidentals_are_printed_only_against_the_key_signature() -> None:
    document = progression_to_musicxml(build_progression("Eb", "major", "happy"))
    assert "<accidental>" not in document  # every note of Eb major is in its signature
    harmonic = progression_to_musicxml(build_progression("A", "harmonic minor", "dark"))
    accidentals = re.findall(r"<accidental>(\w[\w-]*)</accidental>", harmonic)
    assert accidentals and set(accidentals) == {"sharp"}  # the raised seventh, G#


def test_spelling_and_bad_arguments() -> None:
    assert spelled_pitch("E#", 65) == ("E", 1, 4)
    assert spelled_pitch("Cb", 59) == ("C", -1, 4)
    assert spelled_pitch("Fx".replace("x", "##"), 67) == ("F", 2, 4)
    with pytest.raises(ChordInputError):
        spelled_pitch("E", 65)
    with pytest.raises(ChordInputError):
        progression_to_musicxml(build_progression("C", "major", "happy"), tempo_bpm=10)
