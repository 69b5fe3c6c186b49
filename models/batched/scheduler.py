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

The requests and their sequences are in :mod:`.sequences`; the slots and prefix reuse in
:mod:`.slots`.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ModelError
from ..types import Priority
from .runtime import BatchEntry, DecodeStatus, LlamaRuntime
from .sampling import SequenceSampler
from .sequences import BatchRequest, PromptTooLong, ScheduledSequence
from .slots import SlotTable

__all__ = ["FLUSH_INTERVAL", "BatchScheduler", "SchedulerStats"]

log = logging.getLogger(__name__)

#: Steps with at least this many prompt tokens may be aborted mid-decode.
ABORTABLE_PROMPT_TOKENS = 64
#: Texts go to the event loop at most this often (seconds), except a sequence's first text and
#: its last, which go at once. Each hand-off wakes the loop thread, which then competes with the
#: decoding threads for the cores: one wake-up per token cost the loop ~240 us of CPU a token with
#: one sequence. Members see no difference: Discord replies are edited about once a second.
FLUSH_INTERVAL = 0.03
#: Copy another slot's cells only when that saves at least this many tokens of prompt decoding
#: (the copy moves the whole per-sequence buffer: ~20 MB per 1024 cells of SmolLM2, a few ms;
#: prompt decoding costs ~3.5 ms a token on 2 cores).
MIN_COPY_TOKENS = 16


@dataclass(frozen=True, slots=True)
class SchedulerStats:
    steps: int
    reused_tokens: int
    prompt_tokens: int
    preemptions: int
    kv_waits: int
    aborts: int


class BatchScheduler:
    """Owns the sequence slots of one :class:`LlamaRuntime`. ``run`` executes on the worker."""

    def __init__(
        self,
        runtime: LlamaRuntime,
        *,
        min_copy_tokens: int = MIN_COPY_TOKENS,
        sampler_factory: Callable[..., SequenceSampler] = SequenceSampler,
        deliver: Callable[[Sequence[tuple[Any, str]]], None] | None = None,
        flush_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rt = runtime
        self._sampler_factory = sampler_factory
        # A step's texts go out together (see _flush); by default one sink.put per text.
        self._deliver = deliver or _put_each
        self._outbox: list[tuple[Any, str]] = []
        # Texts gathered over steps go out together, at most every flush_interval seconds.
        self._flush_interval = flush_interval
        self._clock = clock
        self._last_flush = -float("inf")
        self._urgent = False  # a sequence's first text is in the outbox
        self._lock = threading.Lock()
        self._inbox: deque[BatchRequest] = deque()
        self._running = False
        self._closing = False
        self._interactive_arrived = False
        self._orders = itertools.count(1)
        self._slots = SlotTable(runtime, min_copy_tokens=min_copy_tokens)
        self._waiting: list[ScheduledSequence] = []
        self._budget = runtime.n_batch
        self._in_batch: list[ScheduledSequence] = []
        self.steps = 0
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
            reused_tokens=self._slots.reused_tokens,
            prompt_tokens=self._slots.prompt_tokens,
            preemptions=self._slots.preemptions,
            kv_waits=self._kv_waits,
            aborts=self._aborts,
        )

    @property
    def active(self) -> int:
        return self._slots.active

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

    def _prepare(self, request: BatchRequest) -> ScheduledSequence:
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
        return ScheduledSequence(request, tokens, sampler, max_tokens)

    def _drop_cancelled(self) -> None:
        closing = self._closing
        for seq in self._slots.running():
            if closing or seq.req.sink.cancelled:
                self._finish(seq)
        for seq in [s for s in self._waiting if closing or s.req.sink.cancelled]:
            self._waiting.remove(seq)
            self._finish(seq)

    # -- slots ----------------------------------------------------------------------------------

    def _place_waiting(self) -> None:
        if not self._waiting:
            return
        self._waiting.sort(key=lambda s: s.rank)
        for seq in list(self._waiting):
            slot = self._slots.free_slot()
            if slot is None and seq.req.priority == Priority.INTERACTIVE:
                parked = self._slots.preempt_background()
                if parked is not None:
                    slot, victim = parked
                    self._waiting.append(victim)
            if slot is None:
                break
            self._waiting.remove(seq)
            self._slots.place(seq, slot)

    # -- one step --------------------------------------------------------------------------------

    def _plan(self) -> list[tuple[ScheduledSequence, int]]:
        active = self._slots.running()
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
        plan: list[tuple[ScheduledSequence, int]] = []
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
        outputs: list[tuple[ScheduledSequence, int]] = []
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
            self._flush(force=False)
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

    def _sample(self, seq: ScheduledSequence, index: int) -> None:
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
            if not seq.sent_text:
                seq.sent_text = True
                self._urgent = True  # the time to the first token is what a member waits for
            self._outbox.append((req.sink, text))
        if done:
            self._finish(seq)

    def _end_text(self, seq: ScheduledSequence) -> None:
        rest = seq.text.finish()
        if rest:
            self._outbox.append((seq.req.sink, rest))

    def _flush(self, *, force: bool = True) -> None:
        """Hand the texts gathered so far to their consumers, in order, in one go. After a
        step (``force=False``) that waits for ``flush_interval`` since the last hand-off unless
        a sequence's first text is among them."""
        if not self._outbox:
            return
        now = self._clock()
        if not force and not self._urgent and now - self._last_flush < self._flush_interval:
            return
        outbox, self._outbox = self._outbox, []
        self._urgent = False
        self._last_flush = now
        self._deliver(outbox)

    def _finish(self, seq: ScheduledSequence, error: BaseException | None = None) -> None:
        self._flush()  # a sequence's last texts reach its consumer before it hears it is done
        self._slots.release(seq)
        seq.req.resamples = seq.sampler.resamples
        seq.sampler.close()
        seq.req.done(error)

    def _fail_everything(self, exc: BaseException) -> None:
        self._outbox = []
        self._urgent = False
        error = exc if isinstance(exc, Exception) else ModelError()
        for seq in self._slots.running() + self._waiting:
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
        self._slots.forget_cached()


def _put_each(items: Sequence[tuple[Any, str]]) -> None:
    for sink, text in items:
        sink.put(text)
