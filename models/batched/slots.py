"""The sequence slots of one llama.cpp context and the prefix reuse between them.

A slot holds one running sequence, or, once that sequence ended or was parked, the tokens whose KV
cells it still keeps. Placing a sequence reuses the longest common prefix: from its own slot (free:
drop the tail) or, when a clearly longer one lives in another slot, by copying that slot's cells
across. Worker thread only, like the scheduler that owns the table.
"""

from __future__ import annotations

import logging

from ..types import Priority
from .runtime import LlamaRuntime
from .sequences import ScheduledSequence

__all__ = ["SlotTable", "common_prefix"]

log = logging.getLogger(__name__)


class SlotTable:
    """Which sequence holds which slot, and what each idle slot's cells still contain."""

    def __init__(self, cells: LlamaRuntime, *, min_copy_tokens: int) -> None:
        self._cells = cells
        self._min_copy = min_copy_tokens
        self._slots: list[ScheduledSequence | None] = [None] * cells.n_seq
        self._cached: list[list[int]] = [[] for _ in range(cells.n_seq)]
        # Counted at a sequence's first placement (read through the scheduler's stats).
        self.reused_tokens = 0
        self.prompt_tokens = 0
        self.preemptions = 0

    @property
    def active(self) -> int:
        return sum(1 for s in self._slots if s is not None)

    def running(self) -> list[ScheduledSequence]:
        """The sequences holding a slot, in slot order (as the decoder wants them)."""
        return [s for s in self._slots if s is not None]

    def free_slot(self) -> int | None:
        for slot, seq in enumerate(self._slots):
            if seq is None:
                return slot
        return None

    def preempt_background(self) -> tuple[int, ScheduledSequence] | None:
        """Park the latest-admitted background sequence; its freed slot and the sequence, which
        keeps its tokens and sampler and must wait again."""
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
        self.preemptions += 1
        log.debug("parked background sequence %d for an interactive one", victim.req.order)
        return slot, victim

    def place(self, seq: ScheduledSequence, slot: int) -> None:
        """Give ``slot`` to ``seq``, reusing the longest prefix any slot's cells hold."""
        target = seq.tokens
        limit = len(target) - 1  # the last token is always decoded: it yields the logits
        own = common_prefix(self._contents(slot), target, limit)
        best_slot, best = slot, own
        for other in range(len(self._slots)):
            if other != slot:
                length = common_prefix(self._contents(other), target, limit)
                if length > best:
                    best_slot, best = other, length
        if best_slot != slot and best >= own + self._min_copy:
            self._cells.seq_cp(best_slot, slot)
            self._cells.seq_rm(slot, best, -1)
            reused = best
        else:
            if not self._cells.seq_rm(slot, own, -1):
                self._cells.seq_rm(slot, -1, -1)
                own = 0
            reused = own
        self._cached[slot] = []
        seq.slot = slot
        seq.n_decoded = reused
        self._slots[slot] = seq
        if seq.req.first_step is None:
            seq.req.reused_tokens = reused
            self.reused_tokens += reused
            self.prompt_tokens += seq.n_prompt

    def release(self, seq: ScheduledSequence) -> None:
        """Free ``seq``'s slot (if it holds one); the cells keep its decoded tokens for reuse."""
        if seq.slot is not None:
            self._cached[seq.slot] = seq.tokens[: seq.n_decoded]
            self._slots[seq.slot] = None
            seq.slot = None

    def forget_cached(self) -> None:
        """After the KV cache was cleared: no idle slot holds anything."""
        self._cached = [[] for _ in self._slots]

    def _contents(self, slot: int) -> list[int]:
        seq = self._slots[slot]
        if seq is not None:
            return seq.tokens[: seq.n_decoded]
        return self._cached[slot]


def common_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading tokens ``a`` and ``b`` share, at most ``limit``."""
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
