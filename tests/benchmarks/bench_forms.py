"""Fixed forms on the bundled model: how many poems meet their form on the first draft, and
after the repair loop. Run by hand (it takes minutes on two cores):

PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_forms.py [form ...] [--topics N]

Ten fixed topics × each form (or the forms named), one poem each, drafted and repaired exactly as
``/write form:<form>`` does (``PoemDrafter`` with the default settings: 3 repair rounds, 2 more for
forms of five lines or fewer). For each form it prints the share of poems fully compliant after
the draft and after repair, the repair rounds used, the seconds per poem, and every line that
still misses after repair (what the member's reply would mark ✗). The goal: at least 90 % of
haiku, tanka and cinquain compliant after repair.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bot.services.poetry import PoemDrafter, fixed_forms
from bot.settings import Settings
from models import LlamaCppEngine, bundled_model_path
from models.errors import ModelError

TOPICS = (
    "rain on a tin roof",
    "the last train home",
    "a cat asleep in the sun",
    "autumn leaves",
    "the sea at night",
    "an old photograph",
    "morning coffee",
    "a city in snow",
    "a lighthouse",
    "the first day of spring",
)


async def run(keys: list[str], topics: int) -> None:
    path = bundled_model_path()
    assert path is not None, "the bundled model is not installed"
    # Compliance, not speed, is measured here: a generous timeout keeps a loaded machine from
    # turning a slow draft into a failure.
    engine = LlamaCppEngine(
        path, context_size=2048, threads=2, queue_depth=64, generation_timeout=900.0
    )
    await engine.start()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    drafter = PoemDrafter(
        engine, repair_rounds=settings.poetry_repair_rounds, temperature=settings.temperature
    )
    forms = fixed_forms()
    print(
        f"model: {path.name}; repair rounds: {settings.poetry_repair_rounds} (+2 for short forms)"
    )
    print(f"{'form':<11} {'poems':>5} {'first draft':>12} {'after repair':>13} "
          f"{'rounds':>7} {'s/poem':>7}")  # fmt: skip
    misses: list[str] = []
    try:
        for key in keys:
            form = forms[key]
            first = final = 0
            rounds: list[int] = []
            seconds: list[float] = []
            for n, topic in enumerate(TOPICS[:topics]):
                started = time.perf_counter()
                try:
                    result = await drafter.compose(form, topic, user_id=1, seed=1000 + n)
                except ModelError as error:
                    # /write shows this error and keeps nothing: the poem counts as a miss.
                    seconds.append(time.perf_counter() - started)
                    rounds.append(0)
                    misses.append(f"  {key} / {topic}: no draft ({error})")
                    continue
                seconds.append(time.perf_counter() - started)
                first += result.first.ok
                final += result.final.ok
                rounds.append(result.rounds)
                for line in result.final.lines:
                    if not line.ok:
                        misses.append(
                            f"  {key} / {topic} / line {line.number}: {line.text!r}: "
                            + "; ".join(line.problems)
                        )
                for problem in result.final.problems:
                    misses.append(f"  {key} / {topic}: {problem}")
            count = len(seconds)
            print(
                f"{key:<11} {count:>5} {first / count:>11.0%} {final / count:>13.0%} "
                f"{statistics.mean(rounds):>7.1f} {statistics.mean(seconds):>7.1f}",
                flush=True,
            )
    finally:
        await engine.close()
    print(f"\nlines still missing after repair ({len(misses)}):")
    print("\n".join(misses) if misses else "  none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", default=list(fixed_forms()))
    parser.add_argument("--topics", type=int, default=len(TOPICS))
    args = parser.parse_args()
    asyncio.run(run(args.forms, args.topics))


if __name__ == "__main__":
    main()
