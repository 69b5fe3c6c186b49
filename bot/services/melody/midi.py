"""A melody as a type-1 MIDI file, written the way ``bot.services.chords.midi`` writes a
progression: a conductor track (title, tempo, 4/4, key), the melody on channel 1 with a lyric
meta event on every syllable, and the chords (one per bar) with their bass on channel 2."""

from __future__ import annotations

import io

import mido  # type: ignore[import-untyped]

from bot.services.chords import TICKS_PER_BEAT

from .types import BAR, Melody

__all__ = ["melody_to_midi"]

_EIGHTH = TICKS_PER_BEAT // 2


def _key_signature(key: str, mode: str) -> str | None:
    """mido's name for the key signature, or None for a key MIDI can't name (e.g. D# major)."""
    name = key if mode == "major" else f"{key}m"
    try:
        mido.MetaMessage("key_signature", key=name)
    except (ValueError, KeyError):
        return None
    return name


def _track(name: str, events: list[tuple[int, int, mido.Message]]) -> mido.MidiTrack:
    """A track from (absolute tick, order, message): offs before ons at the same tick."""
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    now = 0
    for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def melody_to_midi(melody: Melody, *, voice_program: int = 52, chord_program: int = 0) -> bytes:
    """The melody (General MIDI "Choir Aahs" by default) over piano chords."""
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name=f"Muse - {melody.title}", time=0))
    conductor.append(
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(melody.params.tempo), time=0)
    )
    conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    signature = _key_signature(melody.params.key, melody.params.mode)
    if signature:
        conductor.append(mido.MetaMessage("key_signature", key=signature, time=0))
    conductor.append(mido.MetaMessage("end_of_track", time=0))

    tune: list[tuple[int, int, mido.Message]] = [
        (0, -1, mido.Message("program_change", program=voice_program, channel=0))
    ]
    for note in melody.notes:
        start, stop = note.onset * _EIGHTH, note.end * _EIGHTH
        text = note.text + ("-" if note.syllabic in ("begin", "middle") else "")
        tune.append((start, 1, mido.MetaMessage("lyrics", text=text)))
        tune.append((start, 2, mido.Message("note_on", note=note.pitch, velocity=90, channel=0)))
        tune.append((stop, 0, mido.Message("note_off", note=note.pitch, velocity=0, channel=0)))

    harmony: list[tuple[int, int, mido.Message]] = [
        (0, -1, mido.Message("program_change", program=chord_program, channel=1))
    ]
    for chord in melody.chords:
        start, stop = chord.bar * BAR * _EIGHTH, (chord.bar + 1) * BAR * _EIGHTH
        for pitch in (chord.bass, *chord.notes):
            harmony.append((start, 2, mido.Message("note_on", note=pitch, velocity=60, channel=1)))
            harmony.append((stop, 0, mido.Message("note_off", note=pitch, velocity=0, channel=1)))

    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(conductor)
    midi.tracks.append(_track("Melody", tune))
    midi.tracks.append(_track("Chords", harmony))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()
