"""What the batch scheduler schedules: a submitted :class:`BatchRequest` and, once its prompt is
rendered, the :class:`ScheduledSequence` that carries its tokens, sampler and text through the
steps until it finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from ..types import GenerationOptions, Priority
from .sampling import SequenceSampler
from .text import TextAssembler

__all__ = ["BatchRequest", "PromptTooLong", "ScheduledSequence"]


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


class ScheduledSequence:
    """A request in progress: its tokens (prompt, then generated), how many of them are decoded
    into its slot's cells, the slot it holds (None while waiting), its sampler and its text."""

    __slots__ = (
        "max_tokens",
        "n_decoded",
        "n_prompt",
        "req",
        "sampler",
        "sent_text",
        "slot",
        "text",
        "tokens",
    )

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
        self.sent_text = False  # whether any of its text went to the outbox yet

    @property
    def rank(self) -> tuple[int, int]:
        """Placement order: interactive before background, then first come first served."""
        return (int(self.req.priority), self.req.order)

    @property
    def pending(self) -> int:
        """Tokens not yet decoded into the slot's cells."""
        return len(self.tokens) - self.n_decoded
