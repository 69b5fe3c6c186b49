"""The audio preview: a WAV Discord plays inline, as long as the music (within a beat), capped,
audible, with the notes at the right pitch and time; FluidSynth when it and a SoundFont exist."""

from __future__ import annotations

import io
import os
import shutil
import wave
from pathlib import Path

import mido  # type: ignore[import-untyped]
import numpy as np
import pytest

from bot.services.chords import build_progression, progression_to_midi
from bot.services.rendering import (
    MAX_SECONDS,
    SAMPLE_RATE,
    RenderError,
    find_soundfont,
    render_audio,
    render_audio_async,
)

UPLOAD_LIMIT = 8 * 1024 * 1024
# Read before the suite's fixture clears MUSE_* variables.
_CONFIGURED = os.environ.get("MUSE_SOUNDFONT")


def installed_soundfont() -> Path | None:
    candidates = [Path(_CONFIGURED)] if _CONFIGURED else []
    candidates += sorted(Path("/usr/share/sounds/sf2").glob("*.sf2"))
    return next((p for p in candidates if p.is_file()), None)


def melody_and_chords(bars: int = 4, tempo: int = 120) -> bytes:
    """A type-1 file: a melody (flute, channel 1) over block chords (piano, channel 2)."""
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo))])
    melody = mido.MidiTrack([mido.Message("program_change", program=73, channel=0)])
    chords = mido.MidiTrack([mido.Message("program_change", program=0, channel=1)])
    for bar in range(bars):
        for beat in range(4):
            note = 72 + (bar + beat) % 5
            melody.append(mido.Message("note_on", note=note, velocity=90, channel=0, time=0))
            melody.append(mido.Message("note_off", note=note, channel=0, time=480))
        triad = (48 + bar % 3, 52 + bar % 3, 55 + bar % 3)
        for note in triad:
            chords.append(mido.Message("note_on", note=note, velocity=70, channel=1, time=0))
        for i, note in enumerate(triad):
            chords.append(
                mido.Message("note_off", note=note, channel=1, time=1920 if i == 0 else 0)
            )
    midi.tracks += [conductor, melody, chords]
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def one_note(pitch: int, start_beats: float, beats: float, tempo: int = 60) -> bytes:
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo))])
    track.append(mido.Message("note_on", note=pitch, velocity=100, time=int(start_beats * 480)))
    track.append(mido.Message("note_off", note=pitch, time=int(beats * 480)))
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def samples_of(data: bytes) -> np.ndarray:
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


def length_of(midi: bytes) -> float:
    return float(mido.MidiFile(file=io.BytesIO(midi)).length)


def test_a_melody_over_chords_plays_for_as_long_as_the_music() -> None:
    midi = melody_and_chords(bars=4, tempo=120)
    audio = render_audio(midi, use_fluidsynth=False)
    samples = samples_of(audio.data)
    beat = 60 / 120
    assert abs(len(samples) / SAMPLE_RATE - length_of(midi)) < beat
    assert abs(audio.duration_s - length_of(midi)) < beat
    assert audio.filename == "preview.wav" and audio.synthesiser == "built-in"
    assert not audio.truncated
    assert rms(samples) > 0.05
    assert float(np.max(np.abs(samples))) < 1.0  # no clipping


def test_notes_sound_at_their_pitch_and_time() -> None:
    # A4 (440 Hz) from the second beat to the fourth at 60 BPM: silent first, then 440 Hz.
    audio = render_audio(one_note(69, start_beats=1, beats=2), use_fluidsynth=False)
    samples = samples_of(audio.data)
    assert rms(samples[: int(0.95 * SAMPLE_RATE)]) < 1e-3
    sounding = samples[int(1.2 * SAMPLE_RATE) : int(2.8 * SAMPLE_RATE)]
    assert rms(sounding) > 0.05
    spectrum = np.abs(np.fft.rfft(sounding * np.hanning(len(sounding))))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(sounding)
    assert abs(peak_hz - 440) < 5


def test_melody_and_chords_are_both_heard() -> None:
    # The flute's high melody (C5 and up) and the piano's low triads (C3 and up) both show in
    # the spectrum of the mix.
    samples = samples_of(render_audio(melody_and_chords(), use_fluidsynth=False).data)
    spectrum = np.abs(np.fft.rfft(samples))
    hz = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    low = spectrum[(hz > 120) & (hz < 220)].max()
    high = spectrum[(hz > 500) & (hz < 700)].max()
    floor = np.median(spectrum)
    assert low > 20 * floor and high > 20 * floor


def test_a_long_piece_is_cut_at_the_cap_with_a_fade() -> None:
    progression = build_progression("G", "major", "happy", ["verse", "chorus"] * 8)
    midi = progression_to_midi(progression, tempo_bpm=90)
    assert length_of(midi) > MAX_SECONDS
    audio = render_audio(midi, use_fluidsynth=False)
    samples = samples_of(audio.data)
    assert audio.truncated and audio.duration_s == MAX_SECONDS
    assert len(samples) == round(MAX_SECONDS * SAMPLE_RATE)
    assert len(audio.data) < UPLOAD_LIMIT
    assert rms(samples[-200:]) < 0.01 < rms(samples[-5 * SAMPLE_RATE : -3 * SAMPLE_RATE])


async def test_the_async_helper_renders_off_the_loop() -> None:
    audio = await render_audio_async(melody_and_chords(bars=2), use_fluidsynth=False)
    assert rms(samples_of(audio.data)) > 0.05


@pytest.mark.parametrize("data", [b"", b"not a midi file", b"MThd\x00\x00\x00\x06\x00"])
def test_unreadable_midi_is_a_render_error(data: bytes) -> None:
    with pytest.raises(RenderError):
        render_audio(data)


def test_a_midi_file_without_notes_is_a_render_error() -> None:
    midi = mido.MidiFile()
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    with pytest.raises(RenderError):
        render_audio(buffer.getvalue())


def test_soundfont_choice(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    font = tmp_path / "mine.sf2"
    font.write_bytes(b"RIFF")
    assert find_soundfont(font) == font
    assert find_soundfont(tmp_path / "missing.sf2") is None
    assert "not a file" in caplog.text


def test_a_broken_soundfont_falls_back_to_the_built_in_synthesiser(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"this is not a SoundFont")
    audio = render_audio(melody_and_chords(bars=2), soundfont=broken)
    assert audio.synthesiser == "built-in"
    assert rms(samples_of(audio.data)) > 0.05


@pytest.mark.skipif(shutil.which("fluidsynth") is None, reason="fluidsynth is not installed")
@pytest.mark.skipif(
    installed_soundfont() is None,
    reason="no SoundFont: set MUSE_SOUNDFONT or install fluid-soundfont-gm / timgm6mb-soundfont",
)
def test_fluidsynth_plays_with_a_soundfont() -> None:
    midi = melody_and_chords(bars=4, tempo=120)
    audio = render_audio(midi, soundfont=installed_soundfont())
    assert audio.synthesiser == "fluidsynth"
    samples = samples_of(audio.data)
    assert abs(len(samples) / SAMPLE_RATE - length_of(midi)) < 0.5
    assert rms(samples) > 0.05
