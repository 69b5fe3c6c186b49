"""A step's texts reach the event loop together: one wake-up per step, not one per sequence, with
every sequence's texts in order and before it is reported done."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from models import DeltaSink, GenerationOptions
from models.batched import BatchRequest, BatchScheduler
from models.engine import deliver_deltas
from tests.unit.test_batch_scheduler import FakeRuntime, FakeSampler, FakeSink


def test_one_delivery_per_step_carries_every_sequences_text_before_done() -> None:
    rt = FakeRuntime()
    batches: list[list[tuple[Any, str]]] = []
    events: list[tuple[str, object]] = []

    def deliver(items: Sequence[tuple[Any, str]]) -> None:
        batches.append(list(items))
        for sink, text in items:
            sink.put(text)
            events.append(("text", sink))

    scheduler = BatchScheduler(rt, sampler_factory=FakeSampler, deliver=deliver)  # type: ignore[arg-type]
    reqs = submit_requests(scheduler, [10 + i for i in range(4)], events)
    scheduler.run()
    assert_same_as_alone(reqs)
    # Four sequences generating together: one delivery carries all four texts of a step.
    assert max(len(batch) for batch in batches) == 4
    assert len(batches) < sum(len(r.generated) for r in reqs) / 2
    # Nothing of a sequence arrives after it is done.
    for req in reqs:
        done_at = events.index(("done", req.sink))
        assert all(sink is not req.sink for kind, sink in events[done_at + 1 :] if kind == "text")


def submit_requests(
    scheduler: BatchScheduler, max_tokens: list[int], events: list[tuple[str, object]]
) -> list[BatchRequest]:
    """One request per entry of ``max_tokens``, submitted; each records ("done", sink)."""
    reqs = []
    for i, limit in enumerate(max_tokens):
        sink = FakeSink()
        reqs.append(
            BatchRequest(
                messages=[{"role": "user", "content": f"Write about topic number {i}."}],
                options=GenerationOptions(max_tokens=limit, temperature=0.0),
                sink=sink,
                done=lambda error, sink=sink: events.append(("done", sink)),
            )
        )
        scheduler.submit(reqs[-1])
    return reqs


def assert_same_as_alone(reqs: list[BatchRequest]) -> None:
    """Each request got the tokens and text it gets alone: the hand-off changes nothing."""
    for req in reqs:
        alone = solo_user(req.messages[0]["content"], req.options.max_tokens or 0)
        assert req.generated == alone
        assert "".join(req.sink.parts) == "".join(chr(97 + t % 26) for t in req.generated)


def solo_user(text: str, max_tokens: int) -> list[int]:
    rt = FakeRuntime()
    scheduler = BatchScheduler(rt, sampler_factory=FakeSampler)  # type: ignore[arg-type]
    req = BatchRequest(
        messages=[{"role": "user", "content": text}],
        options=GenerationOptions(max_tokens=max_tokens, temperature=0.0),
        sink=FakeSink(),
        done=lambda error: None,
    )
    scheduler.submit(req)
    scheduler.run()
    return req.generated


def test_deliver_deltas_wakes_each_loop_once_and_keeps_order() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        a, b = DeltaSink(loop), DeltaSink(loop)
        wakes = 0
        original = loop.call_soon_threadsafe

        def counting(callback: Any, *args: Any) -> Any:
            nonlocal wakes
            wakes += 1
            return original(callback, *args)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
        try:
            # From another thread, as the model worker does (joined at once: nothing else runs).
            worker = threading.Thread(
                target=deliver_deltas, args=([(a, "x"), (b, "1"), (a, "y"), (b, "2")],)
            )
            worker.start()
            worker.join()
        finally:
            del loop.call_soon_threadsafe
        assert wakes == 1
        assert [await a.get(), await a.get()] == ["x", "y"]
        assert [await b.get(), await b.get()] == ["1", "2"]
        assert (a.tokens, b.tokens) == (2, 2)

    asyncio.run(scenario())


def test_texts_are_held_for_the_flush_interval_but_first_and_last_texts_go_at_once() -> None:
    rt = FakeRuntime()
    now = [0.0]
    rt.on_decode = lambda number: now.__setitem__(0, number * 0.01)  # a step takes 10 ms
    deliveries: list[tuple[float, list[tuple[Any, str]]]] = []
    events: list[tuple[str, object]] = []

    generated_when_first_sent: dict[int, int] = {}
    reqs: list[BatchRequest] = []

    def deliver(items: Sequence[tuple[Any, str]]) -> None:
        deliveries.append((now[0], list(items)))
        for sink, text in items:
            if id(sink) not in generated_when_first_sent:
                req = next(r for r in reqs if r.sink is sink)
                generated_when_first_sent[id(sink)] = len(req.generated)
            sink.put(text)
            events.append(("text", sink))

    scheduler = BatchScheduler(
        rt,  # type: ignore[arg-type]
        sampler_factory=FakeSampler,  # type: ignore[arg-type]
        deliver=deliver,
        flush_interval=0.05,
        clock=lambda: now[0],
    )
    reqs.extend(submit_requests(scheduler, [30 + 7 * i for i in range(3)], events))
    scheduler.run()
    assert_same_as_alone(reqs)
    # The first text of every sequence went out in the step that made it, before its next token.
    assert all(generated_when_first_sent[id(req.sink)] == 1 for req in reqs)
    # Afterwards a hand-off came at most every 50 ms (5 steps), except when a sequence ended.
    steps = len(rt.calls)
    assert len(deliveries) <= steps / 5 + len(reqs) + 2
    assert len(deliveries) < steps / 3
    # A sequence's last texts reach it before it is reported done, and nothing after.
    for req in reqs:
        done_at = events.index(("done", req.sink))
        assert events[done_at - 1] == ("text", req.sink)
        assert all(sink is not req.sink for kind, sink in events[done_at + 1 :] if kind == "text")


def test_the_engine_hands_texts_over_every_flush_interval() -> None:
    from models.batched import FLUSH_INTERVAL

    # Fast enough that a streamed reply (edited about once a second) never waits on it.
    assert 0 < FLUSH_INTERVAL <= 0.05
