"""Chords: scale spelling, diatonic chords, progressions by mood, and the MIDI export."""

from __future__ import annotations

import io

import mido  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserInputError
from bot.services.chords import (
    MODES,
    MOODS,
    PROGRESSIONS,
    ChordInputError,
    build_progression,
    diatonic_chords,
    midi_chords,
    normalize_mode,
    parse_key,
    progression_to_midi,
    scale_notes,
    suggest_progressions,
)

PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pcs(*names: str) -> frozenset[int]:
    return frozenset((PC[n[0]] + n.count("#") - n.count("b")) % 12 for n in names)


def chord_pcs(key: str, mode: str, degrees: list[int]) -> list[frozenset[int]]:
    chords = diatonic_chords(key, mode)
    return [chords[d - 1].pitch_classes for d in degrees]


@pytest.mark.parametrize(
    ("key", "mode", "notes"),
    [
        ("C", "major", "C D E F G A B"),
        ("F#", "major", "F# G# A# B C# D# E#"),
        ("Bb", "mixolydian", "Bb C D Eb F G Ab"),
        ("D", "dorian", "D E F G A B C"),
        ("E", "phrygian", "E F G A B C D"),
        ("F", "lydian", "F G A B C D E"),
        ("B", "locrian", "B C D E F G A"),
        ("A", "minor", "A B C D E F G"),
        ("Eb", "minor", "Eb F Gb Ab Bb Cb Db"),
        ("A", "harmonic minor", "A B C D E F G#"),
        ("Gb", "major", "Gb Ab Bb Cb Db Eb F"),
    ],
)
def test_scale_spelling(key: str, mode: str, notes: str) -> None:
    assert scale_notes(key, mode) == notes.split()


def test_c_major_pop_progression() -> None:
    assert chord_pcs("C", "major", [1, 5, 6, 4]) == [
        pcs("C", "E", "G"),
        pcs("G", "B", "D"),
        pcs("A", "C", "E"),
        pcs("F", "A", "C"),
    ]
    chords = diatonic_chords("C", "major")
    assert [c.name for c in chords] == ["C", "Dm", "Em", "F", "G", "Am", "Bdim"]
    assert [c.roman for c in chords] == ["I", "ii", "iii", "IV", "V", "vi", "vii°"]


def test_a_minor_i_iv_v() -> None:
    assert chord_pcs("A", "minor", [1, 4, 5]) == [
        pcs("A", "C", "E"),
        pcs("D", "F", "A"),
        pcs("E", "G", "B"),
    ]
    assert [c.roman for c in diatonic_chords("A", "aeolian")][:5] == ["i", "ii°", "III", "iv", "v"]


def test_d_dorian_and_bb_mixolydian() -> None:
    dorian = diatonic_chords("D", "dorian")
    assert [c.name for c in dorian] == ["Dm", "Em", "F", "G", "Am", "Bdim", "C"]
    assert dorian[3].roman == "IV"  # dorian's major IV
    mixo = diatonic_chords("Bb", "mixolydian")
    assert [c.name for c in mixo] == ["Bb", "Cm", "Ddim", "Eb", "Fm", "Gm", "Ab"]
    assert mixo[6].roman == "VII"


def test_f_sharp_major_spells_e_sharp() -> None:
    chords = diatonic_chords("F#", "major")
    assert chords[6].name == "E#dim"
    assert chords[6].spelled == ("E#", "G#", "B")
    assert "F" not in scale_notes("F#", "major")


def test_harmonic_minor_qualities_and_sevenths() -> None:
    chords = diatonic_chords("A", "harmonic minor")
    assert [c.roman for c in chords] == ["i", "ii°", "III+", "iv", "V", "VI", "vii°"]
    assert chords[2].name == "Caug"
    sevenths = diatonic_chords("C", "major", sevenths=True)
    assert [c.name for c in sevenths] == ["Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]
    assert sevenths[4].pitch_classes == pcs("G", "B", "D", "F")
    assert sevenths[6].roman == "viiø7"


def test_voicing_is_around_middle_c_with_a_bass_note() -> None:
    for chord in diatonic_chords("C", "major") + diatonic_chords("F#", "minor"):
        assert 55 <= chord.notes[0] <= 66
        assert list(chord.notes) == sorted(chord.notes)
        assert chord.notes[-1] - chord.notes[0] < 12
        assert 36 <= chord.bass < 48 and chord.bass % 12 == chord.notes[0] % 12


@pytest.mark.parametrize("key", ["H", "X#", "", "C##", "Cb7", "do"])
def test_unknown_keys_are_rejected_clearly(key: str) -> None:
    with pytest.raises(ChordInputError, match="isn't a key I know"):
        parse_key(key)


def test_modes_and_moods_are_validated() -> None:
    assert normalize_mode("Ionian") == "major"
    assert normalize_mode("aeolian") == "minor"
    assert normalize_mode("harmonic_minor") == "harmonic minor"
    with pytest.raises(ChordInputError, match="isn't a mode I know"):
        normalize_mode("bebop")
    with pytest.raises(ChordInputError, match="isn't a mood I know"):
        suggest_progressions("C", "major", "sleepy-ish")
    with pytest.raises(UserInputError):
        parse_key("H")


@given(
    st.sampled_from([f"{n}{a}" for n in "ABCDEFG" for a in ("", "#", "b")]),
    st.sampled_from(list(MODES)),
    st.sampled_from(MOODS),
)
def test_every_suggestion_is_diatonic(key: str, mode: str, mood: str) -> None:
    scale = {(PC[n[0]] + n.count("#") - n.count("b")) % 12 for n in scale_notes(key, mode)}
    diatonic = {c.name for c in diatonic_chords(key, mode)}
    options = suggest_progressions(key, mode, mood)
    assert len(options) == len(PROGRESSIONS[mood])
    for progression in options:
        assert set(progression.names) <= diatonic
        for chord in progression.chords:
            assert chord.pitch_classes <= scale


def test_suggestions_prefer_the_modes_colour() -> None:
    minor = suggest_progressions("A", "minor", "sad")
    assert minor[0].numerals == ["i", "VI", "III", "VII"]
    assert minor[0].names == ["Am", "F", "C", "G"]
    major = suggest_progressions("C", "major", "sad")
    assert major[0].numerals == ["vi", "IV", "I", "V"]


def test_build_progression_sections_and_seed() -> None:
    song = build_progression("G", "major", "happy", ["Verse", "chorus", "verse", "bridge"])
    assert [s.name for s in song.sections] == ["verse", "chorus", "verse", "bridge"]
    verse = song.names[0:4]
    assert song.names[8:12] == verse  # a repeated section reuses its progression
    assert song.names[4:8] != verse
    assert sum(s.length for s in song.sections) == len(song.chords)
    plain = build_progression("G", "major", "happy")
    assert plain.names == ["G", "D", "Em", "C"]
    seeded = [build_progression("G", "major", "happy", seed=7).names for _ in range(3)]
    assert seeded[0] == seeded[1] == seeded[2]
    with pytest.raises(ChordInputError, match="section name"):
        build_progression("G", "major", "happy", ["verse", "<@everyone>"])


def test_midi_file_holds_the_chords_in_order() -> None:
    progression = suggest_progressions("C", "major", "happy")[0]
    assert progression.names == ["C", "G", "Am", "F"]
    data = progression_to_midi(progression, tempo_bpm=120, beats_per_chord=2, program=4)
    midi = mido.MidiFile(file=io.BytesIO(data))
    assert midi.type == 1
    metas = [m for m in midi.tracks[0] if m.is_meta]
    tempos = [m for m in metas if m.type == "set_tempo"]
    assert tempos and tempos[0].tempo == mido.bpm2tempo(120)
    assert any(m.type == "track_name" for m in metas)
    sets = midi_chords(data)
    assert sets == progression.pitch_sets
    assert [frozenset(n % 12 for n in s) for s in sets] == [
        pcs("C", "E", "G"),
        pcs("G", "B", "D"),
        pcs("A", "C", "E"),
        pcs("F", "A", "C"),
    ]
    assert midi.length == pytest.approx(4 * 2 * 60 / 120)
    programs = [m.program for t in midi.tracks for m in t if m.type == "program_change"]
    assert 4 in programs


def test_midi_without_bass_and_bad_settings() -> None:
    progression = suggest_progressions("F#", "major", "happy")[0]
    sets = midi_chords(progression_to_midi(progression, bass=False))
    assert sets == [frozenset(c.notes) for c in progression.chords]
    for kwargs in ({"tempo_bpm": 5}, {"beats_per_chord": 0}, {"program": 128}):
        with pytest.raises(ChordInputError):
            progression_to_midi(progression, **kwargs)  # type: ignore[arg-type]
