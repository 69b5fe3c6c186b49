"""Melodies: how well they keep the craft rules over 50 lyrics, and how long one takes. Run by
hand:

PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_melody.py

50 songs (verse, chorus, verse, chorus; 2-4 lines a section, 4-12 words a line) are written from
a fixed vocabulary with a fixed seed, each set in a random key, mode and voice with its seeded
code proposal. For every melody it measures the share of stressed syllables on beats 1 and 3,
of notes on beats 1 and 3 that are chord tones, of moves by step (two semitones or less), of
notes in range, the largest leap and leaps not turned back by step, then prints the mean and
the worst melody. Timing: composing alone and composing plus writing MusicXML and MIDI, per
melody (median of 3 rounds), and the share of a 3-second interaction deadline one melody takes.
"""

from __future__ import annotations

import random
import statistics
import time

from bot.services.melody import (
    VOICES,
    SectionText,
    code_proposal,
    compose,
    melody_params,
    melody_to_midi,
    melody_to_musicxml,
)
from bot.services.melody.types import Melody
from tests.unit.melody_cases import shares_of

SONGS = 50
SEED = 2026
WORDS = [
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "my",
    "your",
    "we",
    "I",
    "love",
    "night",
    "light",
    "morning",
    "river",
    "beautiful",
    "remember",
    "together",
    "understand",
    "away",
    "forever",
    "heart",
    "fire",
    "golden",
    "shadow",
    "city",
    "tomorrow",
    "yesterday",
    "believe",
    "alone",
    "again",
    "running",
    "dancing",
    "silver",
    "ocean",
    "calling",
    "home",
    "rain",
    "sky",
    "window",
    "summer",
]
KEYS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B"]


def songs() -> list[tuple[tuple[SectionText, ...], object, int]]:
    rng = random.Random(SEED)

    def lines() -> tuple[str, ...]:
        return tuple(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
            for _ in range(rng.randint(2, 4))
        )

    out = []
    for _ in range(SONGS):
        verse1, verse2, chorus = lines(), lines(), SectionText("Chorus", lines())
        sections = (SectionText("Verse 1", verse1), chorus, SectionText("Verse 2", verse2), chorus)
        params = melody_params(
            key=rng.choice(KEYS),
            mode=rng.choice(["major", "minor"]),
            tempo=rng.randint(60, 160),
            voice=rng.choice(list(VOICES)),
        )
        out.append((sections, params, rng.randint(0, 2**31 - 1)))
    return out


def shares(melody: Melody) -> dict[str, float]:
    """The unit tests' measures of the rules (``tests/unit/melody_cases.shares_of``), by name."""
    measured = shares_of(melody)
    return {
        "stressed on strong beats": measured.stressed_on_strong,
        "chord tones on strong beats": measured.chord_tones_on_strong,
        "stepwise moves": measured.stepwise,
        "notes in range": measured.in_range,
        "largest leap (semitones)": measured.largest_leap,
        "leaps not turned back": measured.unrecovered_leaps,
    }


def main() -> None:
    cases = songs()
    melodies = [compose(s, p, seed, code_proposal(seed)) for s, p, seed in cases]  # type: ignore[arg-type]
    table = [shares(m) for m in melodies]
    print(f"{SONGS} songs, {sum(len(m.notes) for m in melodies)} notes")
    for name in table[0]:
        values = [row[name] for row in table]
        if name.startswith(("largest", "leaps")):
            print(f"  {name:30s} max {max(values):g}")
        else:
            print(f"  {name:30s} mean {statistics.mean(values):6.1%}   worst {min(values):6.1%}")

    def timed(write: bool) -> float:
        rounds = []
        for _ in range(3):
            start = time.perf_counter()
            for sections, params, seed in cases:
                melody = compose(sections, params, seed, code_proposal(seed))  # type: ignore[arg-type]
                if write:
                    melody_to_musicxml(melody)
                    melody_to_midi(melody)
            rounds.append((time.perf_counter() - start) / SONGS)
        return statistics.median(rounds)

    alone, written = timed(False), timed(True)
    print(f"  compose per melody             {alone * 1000:6.1f} ms")
    print(f"  compose + MusicXML + MIDI      {written * 1000:6.1f} ms "
          f"({written / alone:.2f}x composing alone)")  # fmt: skip
    print(f"  share of a 3 s deadline        {written / 3:6.2%}")


if __name__ == "__main__":
    main()
