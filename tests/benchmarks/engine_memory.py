"""Child process of bench_batched.py: the engine's memory with a given number of slots.

    python tests/benchmarks/engine_memory.py MODEL SLOTS CTX_PER_SLOT TOKENS THREADS

Loads a :class:`LlamaCppEngine` (``MUSE_SLOTS`` = SLOTS, ``MUSE_CONTEXT_SIZE`` = CTX_PER_SLOT),
reads the process's peak resident memory (VmHWM) idle, then runs 4 generations of TOKENS tokens
at once and reads it again. One JSON line out. A fresh process per setting, so each peak is its
own.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from models import ChatMessage, GenerationOptions, LlamaCppEngine, collect_text


def memory_mb() -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of this process, in MiB."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


async def measure(model: Path, slots: int, ctx: int, tokens: int, threads: int) -> dict[str, float]:
    engine = LlamaCppEngine(model, context_size=ctx, threads=threads, slots=slots, queue_depth=16)
    await engine.start()
    try:
        await asyncio.sleep(0.5)
        idle = memory_mb()
        options = GenerationOptions(max_tokens=tokens, temperature=0.0, seed=1, ignore_eos=True)
        prompts = [f"Write a long story about city number {i}." for i in range(4)]
        await asyncio.gather(
            *(collect_text(engine.stream([ChatMessage("user", p)], options)) for p in prompts)
        )
        busy = memory_mb()
    finally:
        await engine.close()
    return {
        "slots": slots,
        "ctx_per_slot": ctx,
        "idle_rss": idle["VmRSS"],
        "idle_peak": idle["VmHWM"],
        "busy_peak": busy["VmHWM"],
    }


if __name__ == "__main__":
    model, slots, ctx, tokens, threads = sys.argv[1:6]
    result = asyncio.run(measure(Path(model), int(slots), int(ctx), int(tokens), int(threads)))
    print(json.dumps(result), flush=True)
