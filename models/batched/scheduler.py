"""Continuous batching: several sequences decoded together, one ``llama_decode`` per step.

The scheduler runs on the engine's worker thread. Each step it takes newly submitted requests,
drops cancelled ones, hands free sequence slots out (lowest id first: the decoder only fuses
consecutive ids into one pass), builds one batch with the next token of every generating sequence
plus prompt chunks of newly placed ones (ordered by slot id), decodes it once and samples every
sequence from its own logits with its own sampler chain.

Prefix reuse: a slot keeps the KV cells of the last tokens it held after its sequence ends. A new
sequence takes the longest common prefix either from its own slot (free: drop the tail) or, when a
clearly longer one lives in another slot (running or idle), by copying that slot's buffer across
(``llama_memory_seq_cp``), and decodes only the rest. Muse's system prompts are few and long, so
most prompts start warm.

Priorities: interactive sequences are placed first and get the prompt budget first; when no slot
is free, a background sequence is parked (it keeps its tokens and sampler state and resumes later,
re-using whatever prefix of its cells survives) so a member waits at most for the step in flight.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from ..types import GenerationOptions, Priority
from .runtime import BatchEntry, DecodeStatus, LlamaRuntime
from .sampling import SequenceSampler
from .text import TextAssembler

__all__ = ["BatchRequest", "BatchScheduler", "PromptTooLong", "SchedulerStats"]

log = logging.getLogger(__name__)

#: Steps with at least this many prompt tokens may be aborted mid-decode.
ABORTABLE_PROMPT_TOKENS = 64
#: Copy another slot's cells only when that saves at least this many tokens of prompt decoding
#: (the copy moves the whole per-sequence buffer: ~20 MB per 1024 cells of SmolLM2, a few ms;
#: prompt decoding costs ~3.5 ms a token on 2 cores).
MIN_COPY_TOKENS = 16


class PromptTooLong(ModelError):
    default_message = (
        "That request is too long for the model's context window. Shorten it and try again."
    )


@dataclass(eq=False)
class BatchRequest:
    """One generation handed to the scheduler. ``done`` must be safe to call from any thread."""

    messages: list[dict[str, str]]
    options: GenerationOptions
    sink: Any  # DeltaSink: .cancelled, .put(text)
    done: Callable[[BaseException | None], None]
    priority: Priority = Priority.INTERACTIVE
    grammar: str | None = None
    # Filled in by the scheduler (read by tests and benchmarks).
    order: int = 0
    arrival_step: int = 0
    first_step: int | None = None
    prompt_tokens: int = 0
    reused_tokens: int = 0
    generated: list[int] = field(default_factory=list)
    resamples: int = 0


@dataclass(frozen=True, slots=True)
class SchedulerStats:
    steps: int
    reused_tokens: int
    prompt_tokens: int
    preemptions: int
    kv_waits: int
    aborts: int


class _Seq:
    __slots__ = ("max_tokens", "n_decoded", "n_prompt", "req", "sampler", "slot", "text", "tokens")

    def __init__(
        self, req: BatchRequest, tokens: list[int], sampler: SequenceSampler, max_tokens: int
    ) -> None:
        self.req = req
        self.tokens = tokens
        self.n_prompt = len(tokens)
        self.n_decoded = 0
        self.slot: int | None = None
        self.sampler = sampler
        self.text = TextAssembler(req.options.stop)
        self.max_tokens = max_tokens

    @property
    def rank(self) -> tuple[int, int]:
        return (int(self.req.priority), self.req.order)

    @property
    def pending(self) -> int:
        return len(self.tokens) - self.n_decoded


class BatchScheduler:
    """Owns the sequence slots of one :class:`LlamaRuntime`. ``run`` executes on the worker."""

    def __init__(
        self,
        runtime: LlamaRuntime,
        *,
        min_copy_tokens: int = MIN_COPY_TOKENS,
        sampler_factory: Callable[..., SequenceSampler] = SequenceSampler,
    ) -> None:
        self._rt = runtime
        self._sampler_factory = sampler_factory
        self._min_copy = min_copy_tokens
        self._lock = threading.Lock()
        self._inbox: deque[BatchRequest] = deque()
        self._running = False
        self._closing = False
        self._interactive_arrived = False
        self._orders = itertools.count(1)
        self._slots: list[_Seq | None] = [None] * runtime.n_seq
        self._cached: list[list[int]] = [[] for _ in range(runtime.n_seq)]
        self._waiting: list[_Seq] = []
        self._budget = runtime.n_batch
        self._in_batch: list[_Seq] = []
        self.steps = 0
        self._reused = 0
        self._prompt_total = 0
        self._preemptions = 0
        self._kv_waits = 0
        self._aborts = 0
        # Tests replace this to simulate llama_decode results.
        self.decode: Callable[[list[BatchEntry], Callable[[], bool] | None], int] = runtime.decode

    # -- called from the event loop -------------------------------------------------------------

    def submit(self, request: BatchRequest) -> bool:
        """Queue ``request``; True when the caller must start :meth:`run` on the worker."""
        with self._lock:
            if self._closing:
                raise ModelError("The model is shutting down.")
            request.order = next(self._orders)
            request.arrival_step = self.steps
            self._inbox.append(request)
            if request.priority == Priority.INTERACTIVE:
                self._interactive_arrived = True
            if self._running:
                return False
            self._running = True
            return True

    def close(self) -> None:
        with self._lock:
            self._closing = True

    def stats(self) -> SchedulerStats:
        return SchedulerStats(
            steps=self.steps,
            reused_tokens=self._reused,
            prompt_tokens=self._prompt_total,
            preemptions=self._preemptions,
            kv_waits=self._kv_waits,
            aborts=self._aborts,
        )

    @property
    def active(self) -> int:
        return sum(1 for s in self._slots if s is not None)

    # -- the worker-thread loop ------------------------------------------------------------------

    def run(self) -> None:
        """Step until no work is left. Worker thread only."""
        try:
            while True:
                self._intake()
                self._drop_cancelled()
                if not self._waiting and self.active == 0:
                    with self._lock:
                        if not self._inbox:
                            self._running = False
                            return
                    continue
                self._place_waiting()
                self._step()
        except BaseException as exc:
            self._fail_everything(exc)
            raise

    def _intake(self) -> None:
        while True:
            with self._lock:
                if not self._inbox:
                    self._interactive_arrived = False
                    return
                request = self._inbox.popleft()
            if request.sink.cancelled or self._closing:
                request.done(None)
                continue
            try:
                self._waiting.append(self._prepare(request))
            except Exception as exc:
                request.done(exc)

    def _prepare(self, request: BatchRequest) -> _Seq:
        tokens = self._rt.render_chat(request.messages)
        limit = self._rt.context_per_seq
        if len(tokens) >= limit - 1:
            raise PromptTooLong(
                f"That request is too long for the model ({len(tokens)} tokens; the limit is "
                f"{limit - 2}). Shorten it and try again."
            )
        sampler = self._sampler_factory(self._rt, request.options, request.grammar)
        sampler.accept_prompt(tokens)
        request.prompt_tokens = len(tokens)
        max_tokens = request.options.max_tokens or 512
        return _Seq(request, tokens, sampler, max_tokens)

    def _drop_cancelled(self) -> None:
        closing = self._closing
        for seq in [s for s in self._slots if s is not None]:
            if closing or seq.req.sink.cancelled:
                self._finish(seq)
        for seq in [s for s in self._waiting if closing or s.req.sink.cancelled]:
            self._waiting.remove(seq)
            self._finish(seq)

    # -- slots and prefix reuse ------------------------------------------------------------------

    def _contents(self, slot: int) -> list[int]:
        seq = self._slots[slot]
        if seq is not None:
            return seq.tokens[: seq.n_decoded]
        return self._cached[slot]

    def _place_waiting(self) -> None:
        if not self._waiting:
            return
        self._waiting.sort(key=lambda s: s.rank)
        for seq in list(self._waiting):
            slot = self._free_slot()
            if slot is None and seq.req.priority == Priority.INTERACTIVE:
                slot = self._preempt_background()
            if slot is None:
                break
            self._waiting.remove(seq)
            self._place(seq, slot)

    def _free_slot(self) -> int | None:
        for slot, seq in enumerate(self._slots):
            if seq is None:
                return slot
        return None

    def _preempt_background(self) -> int | None:
        victims = [
            s for s in self._slots if s is not None and s.req.priority != Priority.INTERACTIVE
        ]
        if not victims:
            return None
        # The latest-admitted background sequence gives way (the oldest keeps its progress).
        victim = max(victims, key=lambda s: s.rank)
        slot = victim.slot
        assert slot is not None
        self._cached[slot] = victim.tokens[: victim.n_decoded]
        self._slots[slot] = None
        victim.slot = None
        victim.n_decoded = 0
        self._waiting.append(victim)
        self._preemptions += 1
        log.debug("parked background sequence %d for an interactive one", victim.req.order)
        return slot

    def _place(self, seq: _Seq, slot: int) -> None:
        target = seq.tokens
        limit = len(target) - 1  # the last token is always decoded: it yields the logits
        own = _common_prefix(self._contents(slot), target, limit)
        best_slot, best = slot, own
        for other in range(len(self._slots)):
            if other != slot:
                length = _common_prefix(self._contents(other), target, limit)
                if length > best:
                    best_slot, best = other, length
        if best_slot != slot and best >= own + self._min_copy:
            self._rt.seq_cp(best_slot, slot)
            self._rt.seq_rm(slot, best, -1)
            reused = best
        else:
            if not self._rt.seq_rm(slot, own, -1):
                self._rt.seq_rm(slot, -1, -1)
                own = 0
            reused = own
        self._cached[slot] = []
        seq.slot = slot
        seq.n_decoded = reused
        self._slots[slot] = seq
        if seq.req.first_step is None:
            seq.req.reused_tokens = reused
            self._reused += reused
            self._prompt_total += seq.n_prompt

    # -- one step --------------------------------------------------------------------------------

    def _plan(self) -> list[tuple[_Seq, int]]:
        active = [s for s in self._slots if s is not None]
        takes: dict[int, int] = {}
        for seq in active:
            if seq.pending == 1:
                takes[id(seq)] = 1
        budget = max(1, self._budget - len(takes))
        for seq in sorted((s for s in active if s.pending > 1), key=lambda s: s.rank):
            if budget <= 0:
                break
            take = min(seq.pending, budget)
            takes[id(seq)] = take
            budget -= take
        plan: list[tuple[_Seq, int]] = []
        for seq in active:  # slot order, as the decoder wants it
            take = takes.get(id(seq), 0)
            if take:
                plan.append((seq, take))
        return plan

    def _step(self) -> None:
        plan = self._plan()
        if not plan:
            return
        self.steps += 1
        entries: list[BatchEntry] = []
        outputs: list[tuple[_Seq, int]] = []
        prompt_tokens = 0
        for seq, take in plan:
            assert seq.slot is not None
            if seq.req.first_step is None:
                seq.req.first_step = self.steps
            start = seq.n_decoded
            end = start + take
            if take > 1:
                prompt_tokens += take
            for pos in range(start, end):
                wants_logits = pos == len(seq.tokens) - 1
                if wants_logits:
                    outputs.append((seq, len(entries)))
                entries.append(BatchEntry(seq.tokens[pos], pos, seq.slot, wants_logits))
        self._in_batch = [seq for seq, take in plan if take > 1]
        abort = self._should_abort if prompt_tokens >= ABORTABLE_PROMPT_TOKENS else None
        status = self.decode(entries, abort)
        self._in_batch = []
        if status == DecodeStatus.OK:
            self._budget = min(self._rt.n_batch, self._budget * 2)
            for seq, take in plan:
                seq.n_decoded += take
            for seq, index in outputs:
                self._sample(seq, index)
        elif status == DecodeStatus.ABORTED:
            self._aborts += 1
            for seq, _take in plan:  # roll the partly processed batch back
                assert seq.slot is not None
                self._rt.seq_rm(seq.slot, seq.n_decoded, -1)
        elif status == DecodeStatus.NO_KV_SLOT:
            self._kv_waits += 1
            if prompt_tokens:
                self._budget = max(1, self._budget // 2)  # wait: retry with smaller prompt chunks
            else:
                longest = max((seq for seq, _ in plan), key=lambda s: len(s.tokens))
                log.warning("no KV cells left for sequence %d; ending it", longest.req.order)
                self._end_text(longest)
                self._finish(longest)
        else:
            error = ModelError(f"The model failed while generating (llama_decode {status}).")
            for seq, _take in plan:
                assert seq.slot is not None
                self._rt.seq_rm(seq.slot, -1, -1)
                seq.n_decoded = 0
                self._finish(seq, error)

    def _should_abort(self) -> bool:
        if self._closing:
            return True
        batch = self._in_batch
        if any(seq.req.sink.cancelled for seq in batch):
            return True
        # A member's request arrived while this step decodes background prompts only.
        return self._interactive_arrived and all(
            seq.req.priority != Priority.INTERACTIVE for seq in batch
        )

    def _sample(self, seq: _Seq, index: int) -> None:
        token = seq.sampler.sample(index)
        req = seq.req
        req.generated.append(token)
        if self._rt.is_eog(token):
            self._end_text(seq)
            self._finish(seq)
            return
        seq.tokens.append(token)
        text = seq.text.feed(self._rt.piece(token))
        done = (
            seq.text.stopped
            or len(req.generated) >= seq.max_tokens
            or len(seq.tokens) >= self._rt.context_per_seq
        )
        if done:
            text += seq.text.finish()
        if text:
            req.sink.put(text)
        if done:
            self._finish(seq)

    def _end_text(self, seq: _Seq) -> None:
        rest = seq.text.finish()
        if rest:
            seq.req.sink.put(rest)

    def _finish(self, seq: _Seq, error: BaseException | None = None) -> None:
        if seq.slot is not None:
            self._cached[seq.slot] = seq.tokens[: seq.n_decoded]
            self._slots[seq.slot] = None
            seq.slot = None
        seq.req.resamples = seq.sampler.resamples
        seq.sampler.close()
        seq.req.done(error)

    def _fail_everything(self, exc: BaseException) -> None:
        error = exc if isinstance(exc, Exception) else ModelError()
        for seq in [s for s in self._slots if s is not None] + self._waiting:
            try:
                self._finish(seq, error)
            except Exception:  # keep failing the others
                log.exception("could not finish a sequence cleanly")
        self._waiting = []
        with self._lock:
            pending = list(self._inbox)
            self._inbox.clear()
            self._running = False
        for request in pending:
            request.done(error)
        try:
            self._rt.clear()
        except Exception:
            log.exception("could not clear the KV cache")
        self._cached = [[] for _ in self._slots]


def _common_prefix(a: list[int], b: list[int], limit: int) -> int:
    n = min(len(a), len(b), limit)
    if n <= 0:
        return 0
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # binary search on slice equality: fast in C even for long prompts
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
