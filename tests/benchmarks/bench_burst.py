"""A burst of 200 concurrent interactions from 50 members, one of them a spammer.

The real bot (every cog, the fair-share limiter, the database) runs against the local sandbox over
real sockets. The model is a :class:`FakeEngine` with a realistic pace: one word every
``--word-delay`` seconds (10 ms, about the bundled SmolLM2's ~100 tokens/s), ``--slots`` requests
decoded at once (4, as the embedded engine batches on 2 cores), replies of ``--words`` words and
``MUSE_QUEUE_DEPTH`` 32. The fake engine keeps the model's CPU out of the measurement, so what is
measured is Muse's own event loop, admission and Discord I/O under the burst.

Three scenarios, each on a fresh sandbox, bot and database, in one run:

* ``alone``: 160 /write from the 49 honest members (3 or 4 each), all sent at once;
* ``spammed``: the same 160 plus 40 from the spammer, all 200 sent at once;
* ``spammed, no limits``: the same 200 with the fair-share limits turned off (for reference).

A refused honest member does what the private reply says: waits until the time it names, then
sends the command again. The spammer never retries. Printed:

* ack latency p50/p99/p100: INTERACTION_CREATE to the bot's first accepted callback
  (goal p100 < 1 s);
* event-loop lag p99 of the one loop that runs the bot (and the sandbox; goal < 20 ms);
* lost interactions: never acknowledged within 3 s, or an honest one never answered (goal 0);
* fairness: the honest members' median time to an answer (first send to the finished piece,
  retries included) with the spammer over the same without him (goal <= 1.2).

    .venv/bin/python tests/benchmarks/bench_burst.py [--word-delay 0.01] [--words 40]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.sandbox import InteractionHandle, Sandbox
from bot.sandbox.state import StoredMember
from models import FakeEngine
from tests.e2e.conftest import start_muse

MEMBERS = 50
SPAM = 40
TOTAL = 200
ACK_LIMIT = 3.0
RELATIVE_TIME = re.compile(r"<t:(\d+):R>")


@dataclass
class Outcome:
    scenario: str
    acks: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    honest_times: list[float] = field(default_factory=list)
    lost: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    spam_served: int = 0
    queue_full: int = 0
    wall: float = 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def sample_lag(lags: list[float], stop: asyncio.Event, period: float = 0.005) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(period)
        lags.append(max(0.0, loop.time() - start - period))


def refusal_wait(ix: InteractionHandle) -> float | None:
    """Seconds the private refusal says to wait, or None when the command was taken."""
    if ix.response_type != 4:
        return None
    body = ix.stored.response_body or {}
    content = str((body.get("data") or {}).get("content", ""))
    found = RELATIVE_TIME.search(content)
    if found is None:
        return None  # an answer, not a fair-share refusal (e.g. the engine's own "busy")
    return max(0.2, int(found[1]) - time.time() + 0.5)


def piece_done(ix: InteractionHandle) -> bool:
    messages = ix.messages
    if not messages or any(m.loading for m in messages) or any("▌" in m.content for m in messages):
        return False
    return bool(messages[-1].custom_ids()) or "*(" in messages[-1].content


async def honest_request(
    sandbox: Sandbox, member: StoredMember, topic: str, out: Outcome, deadline: float
) -> None:
    start = time.monotonic()
    while time.monotonic() < deadline:
        ix = await sandbox.slash("write", {"form": "poem", "topic": topic}, user=member)
        if not await acknowledged(sandbox, ix, out):
            out.lost += 1
            return
        wait = refusal_wait(ix)
        if wait is None:
            try:
                await sandbox.wait_until(lambda ix=ix: piece_done(ix), deadline - time.monotonic())
            except TimeoutError:
                out.lost += 1
                return
            if "busy" in ix.messages[-1].content:
                out.queue_full += 1
            out.honest_times.append(time.monotonic() - start)
            return
        await asyncio.sleep(wait)
    out.lost += 1


async def spam_request(sandbox: Sandbox, member: StoredMember, index: int, out: Outcome) -> None:
    ix = await sandbox.slash("write", {"form": "poem", "topic": f"spam {index}"}, user=member)
    if not await acknowledged(sandbox, ix, out):
        out.lost += 1
        return
    if refusal_wait(ix) is None:
        out.spam_served += 1


async def acknowledged(sandbox: Sandbox, ix: InteractionHandle, out: Outcome) -> bool:
    try:
        await sandbox.wait_until(lambda: ix.stored.acknowledged, ACK_LIMIT)
    except TimeoutError:
        return False
    assert ix.latency is not None
    out.acks.append(ix.latency)
    return True


async def scenario(name: str, args: argparse.Namespace, *, spam: bool, limits: bool) -> Outcome:
    out = Outcome(name)
    words = " ".join(f"word{i}" for i in range(args.words))
    settings: dict[str, Any] = {"queue_depth": 32, "log_level": "WARNING"}
    if not limits:
        settings |= {"member_generations": 100, "guild_generations": 10000}
        settings |= {"generation_cooldown": 0}
    with tempfile.TemporaryDirectory() as tmp:
        async with Sandbox() as sandbox:
            muse = await start_muse(
                sandbox,
                Path(tmp),
                engine_factory=lambda: FakeEngine(
                    replies=None,
                    responder=lambda messages, options: words,
                    delay=args.word_delay,
                    queue_depth=32,
                    slots=args.slots,
                ),
                **settings,
            )
            try:
                members = [sandbox.admin, *sandbox.members]
                while len(members) < MEMBERS:
                    members.append(await sandbox.add_member(f"member{len(members)}"))
                spammer, honest = members[0], members[1:]
                stop = asyncio.Event()
                lag_task = asyncio.create_task(sample_lag(out.lags, stop))
                started = time.monotonic()
                deadline = started + args.timeout
                tasks = [
                    honest_request(sandbox, honest[i % len(honest)], f"topic {i}", out, deadline)
                    for i in range(TOTAL - SPAM)
                ]
                if spam:
                    tasks += [spam_request(sandbox, spammer, i, out) for i in range(SPAM)]
                await asyncio.gather(*tasks)
                out.wall = time.monotonic() - started
                stop.set()
                await lag_task
                report = muse.bot.services.status.status()
                out.refused = dict(report.rejections)
            finally:
                with contextlib.suppress(Exception):
                    await muse.stop()
    return out


def show(out: Outcome) -> None:
    print(
        f"{out.scenario:<20} ack p50 {percentile(out.acks, 50) * 1000:6.1f} ms"
        f"  p99 {percentile(out.acks, 99) * 1000:6.1f} ms"
        f"  p100 {max(out.acks, default=float('nan')) * 1000:6.1f} ms"
        f" | loop lag p99 {percentile(out.lags, 99) * 1000:5.1f} ms"
        f" (max {max(out.lags, default=0) * 1000:5.1f})"
        f" | lost {out.lost}"
        f" | honest answered {len(out.honest_times)},"
        f" median {statistics.median(out.honest_times):5.2f} s"
        f" | spam served {out.spam_served}/{SPAM if 'spam' in out.scenario else 0}"
        f" | engine busy replies {out.queue_full}"
        f" | refused {out.refused} | wall {out.wall:5.1f} s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--word-delay", type=float, default=0.01)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(
        f"FakeEngine: {args.words} words/reply, {args.word_delay * 1000:.0f} ms/word, "
        f"{args.slots} slots, queue depth 32; {MEMBERS} members, {TOTAL} interactions "
        f"({SPAM} from one spammer)\n"
    )
    alone = await scenario("alone", args, spam=False, limits=True)
    show(alone)
    spammed = await scenario("spammed", args, spam=True, limits=True)
    show(spammed)
    unlimited = await scenario("spammed, no limits", args, spam=True, limits=False)
    show(unlimited)
    base = statistics.median(alone.honest_times)
    print()
    print(
        f"fairness ratio (honest median, spammed / alone): "
        f"{statistics.median(spammed.honest_times) / base:.2f}  (goal <= 1.2)"
    )
    print(
        f"  the same without the limits (reference):       "
        f"{statistics.median(unlimited.honest_times) / base:.2f}"
    )
    acks = spammed.acks
    print(
        f"spammed burst: ack p100 {max(acks) * 1000:.0f} ms (goal < 1000), loop lag p99 "
        f"{percentile(spammed.lags, 99) * 1000:.1f} ms (goal < 20), lost {spammed.lost} (goal 0)"
    )


if __name__ == "__main__":
    asyncio.run(main())
