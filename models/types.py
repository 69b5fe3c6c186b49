"""Value types shared by every engine and the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "ChatMessage",
    "EngineStats",
    "GenerationOptions",
    "ModelInfo",
    "Priority",
    "QueueUpdate",
    "Role",
    "StreamEvent",
    "TextDelta",
]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


class Priority(IntEnum):
    """Lower runs first. Background work never goes ahead of a member waiting for a reply."""

    INTERACTIVE = 0
    BACKGROUND = 1


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Per-request knobs. ``None`` means the engine's configured default."""

    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float = 0.95
    seed: int | None = None
    stop: tuple[str, ...] = ()
    repeat_penalty: float = 1.1
    timeout: float | None = None
    json_schema: dict[str, Any] | None = field(default=None, compare=False)
    ignore_eos: bool = False  # keep generating to max_tokens (benchmarks)

    def with_(self, **changes: Any) -> GenerationOptions:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class QueueUpdate:
    """The request is waiting: ``position`` 1 means it is next."""

    position: int
    eta_seconds: float


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


StreamEvent = QueueUpdate | TextDelta


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    context_size: int
    path: Path | None = None
    backend: str = "llama.cpp"
    #: How the model runs on this CPU (the weight-repacking choice and why); empty when remote.
    cpu: str = ""


@dataclass(frozen=True, slots=True)
class EngineStats:
    waiting: int
    running: int
    queue_capacity: int
    requests_served: int
    tokens_generated: int
    tokens_per_second: float
    loaded: bool
    #: Requests refused because the queue was full (``QueueFull``) since start.
    rejected: int = 0
