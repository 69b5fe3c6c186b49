"""The batch scheduler's bookkeeping against a fake llama runtime (no model, milliseconds).

The fake keeps real per-slot KV "cells" (position -> token) and derives each output from the exact
token history in the slot's cells, so any mistake in prefix reuse, copying, rollback or slot reuse
changes the generated tokens and the comparison with a solo run fails.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pytest

from models import GenerationOptions, Priority
from models.batched import BatchEntry, BatchRequest, BatchScheduler, DecodeStatus, PromptTooLong

EOG = 0


class FakeRuntime:
    def __init__(self, n_seq: int = 4, n_batch: int = 64, context: int = 256) -> None:
        self.n_seq = n_seq
        self.n_batch = n_batch
        self.context_per_seq = context
        self.cells: list[dict[int, int]] = [{} for _ in range(n_seq)]
        self.outputs: dict[int, int] = {}
        self.calls: list[list[BatchEntry]] = []
        self.script: dict[int, int] = {}  # decode call number -> forced status
        self.on_decode: Callable[[int], object] = lambda n: None
        self.copies = 0

    def render_chat(self, messages: list[dict[str, str]]) -> list[int]:
        text = "".join(f"<{m['role']}>{m['content']}" for m in messages) + "<assistant>"
        return [ord(c) % 200 + 5 for c in text]

    def seq_rm(self, seq: int, p0: int, p1: int = -1) -> bool:
        assert p1 == -1
        self.cells[seq] = {p: t for p, t in self.cells[seq].items() if p0 >= 0 and p < p0}
        return True

    def seq_cp(self, src: int, dst: int) -> None:
        self.copies += 1
        self.cells[dst] = dict(self.cells[src])

    def clear(self) -> None:
        self.cells = [{} for _ in range(self.n_seq)]

    def decode(self, entries: list[BatchEntry], abort: Callable[[], bool] | None) -> int:
        self.calls.append(list(entries))
        number = len(self.calls)
        self.on_decode(number)
        seqs = [e.seq for e in entries]
        assert seqs == sorted(seqs), "batch tokens must be ordered by sequence id"
        forced = self.script.get(number)
        if forced == DecodeStatus.NO_KV_SLOT:
            return forced  # nothing changed, like llama.cpp
        if forced == DecodeStatus.ABORTED:
            entries = entries[: len(entries) // 2]  # part of the batch was processed
        self.outputs = {}
        for index, entry in enumerate(entries):
            cells = self.cells[entry.seq]
            assert entry.pos == len(cells) and all(p in cells for p in range(entry.pos))
            cells[entry.pos] = entry.token
            if entry.logits:
                history = bytes(str([cells[p] for p in range(entry.pos + 1)]), "ascii")
                self.outputs[index] = zlib.crc32(history)
        return forced if forced is not None else DecodeStatus.OK

    def is_eog(self, token: int) -> bool:
        return token == EOG

    def piece(self, token: int) -> bytes:
        return bytes([97 + token % 26])


class FakeSampler:
    resamples = 0

    def __init__(self, runtime: FakeRuntime, options: GenerationOptions, grammar: Any) -> None:
        self.runtime = runtime

    def accept_prompt(self, tokens: list[int]) -> None:
        return None

    def sample(self, index: int) -> int:
        return self.runtime.outputs[index] % 200 + 1  # never EOG

    def close(self) -> None:
        return None


class FakeSink:
    def __init__(self) -> None:
        self.cancelled = False
        self.parts: list[str] = []

    def put(self, text: str) -> None:
        self.parts.append(text)


def make(runtime: FakeRuntime | None = None) -> tuple[BatchScheduler, FakeRuntime]:
    rt = runtime or FakeRuntime()
    return BatchScheduler(rt, sampler_factory=FakeSampler, min_copy_tokens=4), rt  # type: ignore[arg-type]


def request(
    text: str,
    max_tokens: int = 12,
    priority: Priority = Priority.INTERACTIVE,
    system: str = "You are a helpful writing coach for a creative server.",
    results: list[BaseException | None] | None = None,
) -> BatchRequest:
    log = results if results is not None else []
    return BatchRequest(
        messages=[{"role": "system", "content": system}, {"role": "user", "content": text}],
        options=GenerationOptions(max_tokens=max_tokens, temperature=0.0),
        sink=FakeSink(),
        done=log.append,
        priority=priority,
    )


def solo(text: str, max_tokens: int = 12, system: str | None = None) -> list[int]:
    scheduler, _ = make()
    req = request(text, max_tokens) if system is None else request(text, max_tokens, system=system)
    scheduler.submit(req)
    scheduler.run()
    return req.generated


TEXTS = [f"Write about topic number {i}." for i in range(7)]


def test_batched_output_matches_solo_with_staggered_admission_and_slot_reuse() -> None:
    scheduler, rt = make()
    reqs = [request(t) for t in TEXTS]
    scheduler.submit(reqs[0])

    def arrivals(call: int) -> None:
        if call == 3:
            scheduler.submit(reqs[1])  # joins mid-generation
        if call == 5:
            for r in reqs[2:]:
                scheduler.submit(r)  # more than the four slots
        if call == 8:
            reqs[2].sink.cancelled = True  # its slot goes to a waiting request

    rt.on_decode = arrivals
    scheduler.run()
    for index in (0, 1, 3, 4, 5, 6):
        assert reqs[index].generated == solo(TEXTS[index]), index
    assert 0 < len(reqs[2].generated) < 12
    assert scheduler.active == 0 and max(len(c) for c in rt.calls) > 1
    # Every request shares the system prompt: later ones decoded only their own tail.
    assert all(r.reused_tokens > 40 for r in reqs[1:])


def test_a_waiting_member_parks_background_work_within_one_step() -> None:
    scheduler, rt = make(FakeRuntime(n_seq=2))
    background = [request(t, 30, Priority.BACKGROUND) for t in TEXTS[:3]]
    member = request("Help me name my dragon.", 8)
    for r in background:
        scheduler.submit(r)
    rt.on_decode = lambda call: scheduler.submit(member) if call == 4 else None
    scheduler.run()
    assert member.first_step == member.arrival_step + 1
    assert scheduler.stats().preemptions == 1
    assert member.generated == solo("Help me name my dragon.", 8)
    # The parked sequence resumed from its own tokens and still matches its solo run.
    for r, text in zip(background, TEXTS[:3], strict=True):
        assert r.generated == solo(text, 30)


def test_background_never_parks_a_member_or_another_background_request() -> None:
    scheduler, rt = make(FakeRuntime(n_seq=1))
    first = request(TEXTS[0], 6)
    later_background = request(TEXTS[1], 6, Priority.BACKGROUND)
    scheduler.submit(first)
    rt.on_decode = lambda call: scheduler.submit(later_background) if call == 2 else None
    scheduler.run()
    assert scheduler.stats().preemptions == 0
    assert (later_background.first_step or 0) > 6


def test_no_free_kv_cells_means_wait_and_retry_not_failure() -> None:
    rt = FakeRuntime()
    rt.script = {1: DecodeStatus.NO_KV_SLOT, 2: DecodeStatus.NO_KV_SLOT}
    scheduler, _ = make(rt)
    results: list[BaseException | None] = []
    reqs = [request(t, results=results) for t in TEXTS[:3]]
    for r in reqs:
        scheduler.submit(r)
    scheduler.run()
    assert results == [None, None, None] and scheduler.stats().kv_waits == 2
    assert [r.generated for r in reqs] == [solo(t) for t in TEXTS[:3]]


def test_an_aborted_step_is_rolled_back_and_redone() -> None:
    rt = FakeRuntime()
    scheduler, _ = make(rt)
    reqs = [request(t) for t in TEXTS[:2]]
    scheduler.submit(reqs[0])
    rt.script = {3: DecodeStatus.ABORTED}
    rt.on_decode = lambda call: scheduler.submit(reqs[1]) if call == 2 else None
    scheduler.run()
    assert scheduler.stats().aborts == 1
    assert [r.generated for r in reqs] == [solo(t) for t in TEXTS[:2]]


def test_abort_check_fires_for_a_cancelled_prompt_or_a_waiting_member() -> None:
    scheduler, rt = make()
    long_prompt = request("x" * 120, priority=Priority.BACKGROUND)
    checks: list[bool] = []

    def decode(entries: list[BatchEntry], abort: Callable[[], bool] | None) -> int:
        if abort is not None and not checks:
            checks.append(abort())
            scheduler.submit(request("a member arrives"))
            checks.append(abort())
        return rt.decode(entries, abort)

    scheduler.decode = decode
    scheduler.submit(long_prompt)
    scheduler.run()
    assert checks == [False, True]


def test_prefix_is_copied_from_another_slot_when_clearly_longer() -> None:
    scheduler, rt = make()
    system = "A long shared system prompt about style and tone. " * 3
    a = request("first", 40, system=system)
    b = request("second", 4, system=system)
    scheduler.submit(a)
    rt.on_decode = lambda call: scheduler.submit(b) if call == 6 else None
    scheduler.run()
    assert rt.copies == 1 and b.reused_tokens >= len(system)
    assert b.generated == solo("second", 4, system=system)


def test_an_overlong_prompt_is_refused_with_a_clear_error() -> None:
    scheduler, _ = make(FakeRuntime(context=64))
    results: list[BaseException | None] = []
    scheduler.submit(request("y" * 100, results=results))
    scheduler.run()
    assert len(results) == 1 and isinstance(results[0], PromptTooLong)
    assert "too long" in results[0].user_message


def test_stop_strings_and_max_tokens_end_a_sequence() -> None:
    scheduler, _ = make()
    free = request(TEXTS[0], 12)
    scheduler.submit(free)
    scheduler.run()
    text = "".join(free.sink.parts)
    assert len(text) == 12
    stopper = request(TEXTS[0], 12)
    stopper.options = stopper.options.with_(stop=(text[5:7],))
    scheduler.submit(stopper)
    scheduler.run()
    assert "".join(stopper.sink.parts) == text[: text.index(text[5:7])]


def test_a_crash_fails_every_request_and_leaves_the_scheduler_usable() -> None:
    scheduler, rt = make()
    results: list[BaseException | None] = []

    def boom(entries: list[BatchEntry], abort: Callable[[], bool] | None) -> int:
        raise RuntimeError("decoder exploded")

    scheduler.decode = boom
    for t in TEXTS[:2]:
        scheduler.submit(request(t, results=results))
    with pytest.raises(RuntimeError):
        scheduler.run()
    assert len(results) == 2 and all(isinstance(r, RuntimeError) for r in results)
    scheduler.decode = rt.decode
    again = request(TEXTS[0])
    assert scheduler.submit(again) is True  # a fresh run must be started
    scheduler.run()
    assert again.generated == solo(TEXTS[0])
