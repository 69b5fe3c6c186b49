"""MIDI export of a progression (a type-1 file ready for a DAW) and the reader the tests use."""

from __future__ import annotations

import io

import mido  # type: ignore[import-untyped]

from bot.i18n import _

from .progressions import Progression
from .theory import ChordInputError

__all__ = ["TICKS_PER_BEAT", "midi_chords", "progression_to_midi"]


TICKS_PER_BEAT = 480


def progression_to_midi(
    progression: Progression,
    tempo_bpm: float = 90,
    beats_per_chord: int = 4,
    program: int = 0,
    *,
    bass: bool = True,
    velocity: int = 80,
) -> bytes:
    """A type-1 standard MIDI file: a conductor track (name, tempo, 4/4), a chord track on
    channel 1 with ``program`` (General MIDI, 0 = piano), and a bass track on channel 2.
    Each chord's notes start together and stop together, ready to drop into a DAW."""
    if not 20 <= tempo_bpm <= 300:
        raise ChordInputError(_("Tempo must be between 20 and 300 BPM."))
    if not 1 <= beats_per_chord <= 16:
        raise ChordInputError(_("Beats per chord must be between 1 and 16."))
    if not 0 <= program <= 127:
        raise ChordInputError(_("The instrument (General MIDI program) must be 0-127."))
    length = beats_per_chord * TICKS_PER_BEAT
    title = f"Muse - {progression.key} {progression.mode} ({progression.mood})"

    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name=title, time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm), time=0))
    conductor.append(
        mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
    )
    conductor.append(mido.MetaMessage("end_of_track", time=0))

    def part(
        name: str, channel: int, instrument: int, voices: list[tuple[int, ...]]
    ) -> mido.MidiTrack:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        track.append(mido.Message("program_change", program=instrument, channel=channel, time=0))
        for notes in voices:
            for note in notes:
                track.append(
                    mido.Message("note_on", note=note, velocity=velocity, channel=channel, time=0)
                )
            for i, note in enumerate(notes):
                off = length if i == 0 else 0  # all of a chord's notes stop together
                track.append(
                    mido.Message("note_off", note=note, velocity=0, channel=channel, time=off)
                )
        track.append(mido.MetaMessage("end_of_track", time=0))
        return track

    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(conductor)
    midi.tracks.append(part("Chords", 0, program, [c.notes for c in progression.chords]))
    if bass:
        midi.tracks.append(part("Bass", 1, 33, [(c.bass,) for c in progression.chords]))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def midi_chords(data: bytes) -> list[frozenset[int]]:
    """The sets of MIDI notes that start together, in time order, across all tracks."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    starts: dict[int, set[int]] = {}
    for track in midi.tracks:
        now = 0
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity > 0:
                starts.setdefault(now, set()).add(message.note)
    return [frozenset(starts[t]) for t in sorted(starts)]
