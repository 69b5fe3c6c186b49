"""The MusicXML and MIDI files say exactly what was composed, read back by readers that share
no code with the writers (xml.etree and mido; music21 too when it is installed)."""

from __future__ import annotations

import io
from xml.etree import ElementTree as ET

import mido  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.melody import (
    Melody,
    MelodyParams,
    SectionText,
    code_proposal,
    compose,
    melody_to_midi,
    melody_to_musicxml,
)
from tests.unit.melody_cases import lyrics, params

_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_KIND_SUFFIX = {"major": "", "minor": "m", "diminished": "dim", "augmented": "aug"}


def read_musicxml(text: str) -> dict[str, object]:
    """Notes (ties merged) with their lyrics, chord symbols per bar, and the score's header."""
    root = ET.fromstring(text.split("\n", 2)[2])  # past the XML declaration and DOCTYPE
    assert root.tag == "score-partwise" and root.get("version") == "4.0"
    part = root.find("part")
    assert part is not None
    divisions = int(root.findtext(".//attributes/divisions") or "0")
    notes: list[dict[str, object]] = []
    harmonies: list[str] = []
    at = 0
    open_tie = False
    for number, measure in enumerate(part.findall("measure"), start=1):
        assert measure.get("number") == str(number)
        start = at
        for harmony in measure.findall("harmony"):
            step = harmony.findtext("root/root-step") or ""
            alter = int(harmony.findtext("root/root-alter") or "0")
            kind = harmony.findtext("kind") or ""
            harmonies.append(
                step + ("#" * alter if alter > 0 else "b" * -alter) + _KIND_SUFFIX[kind]
            )
        for note in measure.findall("note"):
            length = int(note.findtext("duration") or "0") * 2 // divisions  # in eighths
            if note.find("rest") is None:
                step = note.findtext("pitch/step") or ""
                alter = int(note.findtext("pitch/alter") or "0")
                octave = int(note.findtext("pitch/octave") or "0")
                pitch = 12 * (octave + 1) + _STEPS[step] + alter
                ties = {t.get("type") for t in note.findall("tie")}
                if open_tie:
                    assert "stop" in ties and notes[-1]["pitch"] == pitch
                    assert note.find("lyric") is None
                    notes[-1]["duration"] = int(notes[-1]["duration"]) + length  # type: ignore[call-overload]
                else:
                    notes.append(
                        {
                            "pitch": pitch,
                            "onset": at,
                            "duration": length,
                            "text": note.findtext("lyric/text"),
                            "syllabic": note.findtext("lyric/syllabic"),
                        }
                    )
                open_tie = "start" in ties
            at += length
        assert at - start == 8, f"bar {number} is {at - start} eighths long"
    return {
        "notes": notes,
        "harmonies": harmonies,
        "fifths": int(root.findtext(".//key/fifths") or "99"),
        "mode": root.findtext(".//key/mode"),
        "beats": root.findtext(".//time/beats"),
        "tempo": root.find(".//sound").get("tempo"),  # type: ignore[union-attr]
        "part": root.findtext("part-list/score-part/part-name"),
        "title": root.findtext("work/work-title"),
    }


def _melody(sections: tuple[SectionText, ...], p: MelodyParams, seed: int) -> Melody:
    return compose(sections, p, seed, code_proposal(seed), title="Harbour rain")


@settings(max_examples=60, deadline=None)
@given(lyrics(), params(), st.integers(0, 2**31 - 1))
def test_musicxml_read_back_is_what_was_composed(
    sections: tuple[SectionText, ...], p: MelodyParams, seed: int
) -> None:
    melody = _melody(sections, p, seed)
    read = read_musicxml(melody_to_musicxml(melody))
    assert read["notes"] == [
        {
            "pitch": n.pitch,
            "onset": n.onset,
            "duration": n.duration,
            "text": n.text,
            "syllabic": n.syllabic,
        }
        for n in melody.notes
    ]
    assert read["harmonies"] == [c.name for c in melody.chords]
    assert read["mode"] == p.mode and read["beats"] == "4" and read["tempo"] == str(p.tempo)
    assert read["part"] == p.voice.title() and read["title"] == "Harbour rain"


@pytest.mark.parametrize(
    ("key", "mode", "fifths"),
    [("C", "major", 0), ("F#", "major", 6), ("Bb", "major", -2), ("A", "minor", 0),
     ("C#", "minor", 4), ("Eb", "minor", -6), ("Gb", "major", -6)],
)  # fmt: skip
def test_key_signature_and_spelling_follow_the_key(key: str, mode: str, fifths: int) -> None:
    p = MelodyParams(key, mode, 90, "custom", 55, 79)  # type: ignore[arg-type]
    melody = _melody((SectionText("Verse", ("Remember the golden river calling me home",)),), p, 3)
    text = melody_to_musicxml(melody)
    assert read_musicxml(text)["fifths"] == fifths
    root = ET.fromstring(text.split("\n", 2)[2])
    alters = {int(a.text or "0") for a in root.iter("alter")}
    # Sharp keys write sharps, flat keys flats (the raised seventh of a minor key aside).
    if fifths < 0:
        assert alters <= {-1}
    if fifths > 0:
        assert alters <= {1, 2}


def test_a_held_note_with_no_single_written_value_is_tied_and_sung_once() -> None:
    p = MelodyParams("D", "major", 90, "soprano", 60, 79)
    melody = _melody((SectionText("Verse", ("Love the night", "Golden river home")),), p, 1)
    held = melody.notes[1]
    assert (held.text, held.onset, held.duration) == ("the", 3, 5)  # a quarter tied to a half
    text = melody_to_musicxml(melody)
    root = ET.fromstring(text.split("\n", 2)[2])
    tied = [n for n in root.iter("note") if n.find("tie") is not None]
    assert tied and all(n.find("notations/tied") is not None for n in tied)
    assert len(root.findall(".//lyric")) == len(melody.notes)


@settings(max_examples=40, deadline=None)
@given(lyrics(), params(), st.integers(0, 2**31 - 1))
def test_midi_has_melody_and_chords_on_their_own_tracks_with_a_lyric_per_syllable(
    sections: tuple[SectionText, ...], p: MelodyParams, seed: int
) -> None:
    melody = _melody(sections, p, seed)
    midi = mido.MidiFile(file=io.BytesIO(melody_to_midi(melody)))
    assert midi.type == 1 and len(midi.tracks) == 3
    names = [next(m.name for m in t if m.type == "track_name") for t in midi.tracks]
    assert names[1:] == ["Melody", "Chords"]
    tempo = next(m.tempo for m in midi.tracks[0] if m.type == "set_tempo")
    assert round(mido.tempo2bpm(tempo)) == p.tempo
    tick = midi.ticks_per_beat // 2
    now = 0
    lyrics_at: list[tuple[int, str]] = []
    starts: list[tuple[int, int]] = []
    for message in midi.tracks[1]:
        now += message.time
        if message.type == "lyrics":
            lyrics_at.append((now, message.text))
        elif message.type == "note_on" and message.velocity > 0:
            starts.append((now, message.note))
            assert message.channel == 0
    assert starts == [(n.onset * tick, n.pitch) for n in melody.notes]
    assert [t for t, _ in lyrics_at] == [n.onset * tick for n in melody.notes]
    assert [text.rstrip("-") for _, text in lyrics_at] == [n.text for n in melody.notes]
    chord_notes = [m for m in midi.tracks[2] if m.type == "note_on" and m.velocity > 0]
    assert chord_notes and all(m.channel == 1 for m in chord_notes)
    assert len(chord_notes) == sum(1 + len(c.notes) for c in melody.chords)


def test_music21_reads_the_same_notes_and_lyrics() -> None:
    music21 = pytest.importorskip("music21")
    p = MelodyParams("A", "minor", 96, "alto", 55, 72)
    sections = (
        SectionText("Verse", ("The harbour sleeps beneath the rain", "I call your name again")),
        SectionText("Chorus", ("Remember the golden river", "Forever calling me home")),
    )
    melody = _melody(sections, p, 11)
    score = music21.converter.parse(melody_to_musicxml(melody), format="musicxml")
    sung = [n for n in score.recurse().notes if not n.isChord]
    merged = [n for n in sung if n.tie is None or n.tie.type == "start"]
    assert [n.pitch.midi for n in merged] == [n.pitch for n in melody.notes]
    assert [n.lyric for n in merged] == [n.text for n in melody.notes]
    symbols = list(score.recurse().getElementsByClass("ChordSymbol"))
    assert len(symbols) == melody.bars


def test_verovio_engraves_every_syllable_and_chord_symbol() -> None:
    """An engraver reads the file as a score: one lyric syllable per note, one symbol per bar."""
    verovio = pytest.importorskip("verovio")
    p = MelodyParams("Eb", "major", 80, "bass", 40, 60)
    sections = (
        SectionText("Verse", ("The harbour sleeps beneath the rain", "I call your name again")),
        SectionText("Chorus", ("Remember the golden river",)),
    )
    melody = _melody(sections, p, 4)
    toolkit = verovio.toolkit()
    assert toolkit.loadData(melody_to_musicxml(melody))
    svg = "".join(toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1))
    assert svg.count('class="syl"') == len(melody.notes)
    assert svg.count('class="harm"') == melody.bars


@pytest.mark.parametrize(
    ("voice", "clef"),
    [("soprano", ("G", "2", None)), ("alto", ("G", "2", None)), ("tenor", ("G", "2", "-1")),
     ("bass", ("F", "4", None))],
)  # fmt: skip
def test_each_voice_gets_the_clef_its_range_reads_in(
    voice: str, clef: tuple[str, str, str | None]
) -> None:
    from bot.services.melody import melody_params

    p = melody_params(key="C", mode="major", tempo=90, voice=voice)
    melody = _melody((SectionText("Verse", ("Remember the golden river",)),), p, 2)
    root = ET.fromstring(melody_to_musicxml(melody).split("\n", 2)[2])
    found = root.find(".//attributes/clef")
    assert found is not None
    assert (
        found.findtext("sign"),
        found.findtext("line"),
        found.findtext("clef-octave-change"),
    ) == clef
