"""Single-stream decode speed: Muse's LlamaCppEngine against llama-cpp-python called directly.

Both run in one process, on the same model file and the engine's one worker thread (a second
thread making llama calls would slow both down), alternating, several rounds; prints medians and
the ratio engine / direct. Target: ratio >= 0.95.

    .venv/bin/python tests/benchmarks/bench_engine.py [--rounds 7] [--tokens 128]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from models import ChatMessage, GenerationOptions, LlamaCppEngine, TextDelta, bundled_model_path
from models.cpu import patched_default_params

PROMPT = [ChatMessage("user", "Tell a long story about a lighthouse keeper and the sea.")]


async def engine_round(engine: LlamaCppEngine, tokens: int) -> tuple[float, int]:
    options = GenerationOptions(max_tokens=tokens, temperature=0.0, seed=1, ignore_eos=True)
    count = 0
    first = last = 0.0
    async for event in engine.stream(PROMPT, options):
        if isinstance(event, TextDelta):
            now = time.perf_counter()
            if count == 0:
                first = now
            last = now
            count += 1
    return (count - 1) / (last - first), count


def direct_round(llama: Any, tokens: int) -> tuple[float, int]:
    eos = int(llama.token_eos())
    chunks = llama.create_chat_completion(
        messages=[m.as_dict() for m in PROMPT],
        stream=True,
        max_tokens=tokens,
        temperature=0.0,
        top_p=0.95,
        repeat_penalty=1.1,
        seed=1,
        logit_bias={eos: float("-inf")},
    )
    count = 0
    first = last = 0.0
    for chunk in chunks:
        if chunk["choices"][0].get("delta", {}).get("content"):
            now = time.perf_counter()
            if count == 0:
                first = now
            last = now
            count += 1
    return (count - 1) / (last - first), count


async def main(rounds: int, tokens: int, threads: int) -> None:
    path = bundled_model_path()
    assert path is not None
    # Flash attention on both sides (the engine's default, auto, turns it on for a CPU).
    engine = LlamaCppEngine(path, context_size=2048, threads=threads, flash_attn="on")
    await engine.start()

    def load_direct() -> Any:
        from llama_cpp import Llama

        # The engine's CPU choice, so that both run the same kernels (and neither crashes).
        repack = engine.repack.enabled if engine.repack is not None else True
        with patched_default_params(repack):
            return Llama(str(path), n_ctx=2048, n_threads=threads, flash_attn=True, verbose=False)

    # The contender is loaded and driven on the engine's own worker thread.
    llama = await engine.worker.call(load_direct)
    await engine_round(engine, 16)  # warm-up
    engine_rates: list[float] = []
    direct_rates: list[float] = []
    for index in range(rounds):
        order = ("engine", "direct") if index % 2 == 0 else ("direct", "engine")
        for which in order:
            if which == "engine":
                rate, count = await engine_round(engine, tokens)
                engine_rates.append(rate)
            else:
                rate, count = await engine.worker.call(lambda: direct_round(llama, tokens))
                direct_rates.append(rate)
            print(f"round {index + 1} {which:6s} {rate:7.1f} tok/s ({count} tokens)")
    await engine.close()
    e, d = statistics.median(engine_rates), statistics.median(direct_rates)
    print(f"\nmodel {path.name}, {threads} threads, {tokens} tokens, {rounds} rounds")
    print(f"cpu: {engine.info.cpu}")
    print(f"median LlamaCppEngine      {e:7.1f} tok/s")
    print(f"median Llama direct stream {d:7.1f} tok/s")
    print(f"ratio engine/direct        {e / d:7.3f}  (target >= 0.95)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.tokens, args.threads))
