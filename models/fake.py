"""A deterministic engine for tests of the layers above the model.

It answers from a script (a callable or fixed replies), streams word by word, can be slowed down,
made to fail, or held at a gate, and records every prompt it was given so tests can assert on what
reached the model.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .engine import DeltaSink, QueuedEngine
from .types import ChatMessage, GenerationOptions, ModelInfo

__all__ = ["FakeEngine", "FakeEngineFailure", "RecordedPrompt"]

Responder = Callable[[Sequence[ChatMessage], GenerationOptions], str]


class FakeEngineFailure(RuntimeError):
    """Raised by the fake when told to fail, standing in for a backend crash."""


@dataclass(frozen=True, slots=True)
class RecordedPrompt:
    messages: tuple[ChatMessage, ...]
    options: GenerationOptions

    @property
    def text(self) -> str:
        return "\n".join(m.content for m in self.messages)


def _default_responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    if options.json_schema is not None:
        return json.dumps(_example_for(options.json_schema, options.json_schema))
    last = messages[-1].content if messages else ""
    words = " ".join(last.split()[:12])
    return f"A short reply about {words}." if words else "A short reply."


def _example_for(schema: dict[str, object], root: dict[str, object]) -> object:
    """A minimal instance of a (pydantic-made) JSON schema, good enough for fakes."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        defs = root.get("$defs", {})
        assert isinstance(defs, dict)
        return _example_for(defs[name], root)
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _example_for(options[0], root)
    if "enum" in schema and isinstance(schema["enum"], list):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        assert isinstance(props, dict)
        return {name: _example_for(sub, root) for name, sub in props.items()}
    if kind == "array":
        items = schema.get("items", {})
        assert isinstance(items, dict)
        min_items = schema.get("minItems", 1)
        count = min_items if isinstance(min_items, int) else 1
        return [_example_for(items, root) for _ in range(max(1, count))]
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return schema.get("minimum", 0.5)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "sample"


class FakeEngine(QueuedEngine):
    """Deterministic stand-in for a language model.

    ``responder`` maps (messages, options) to the full reply; replies stream one word at a time,
    ``delay`` seconds apart. ``fail_next`` makes the next N generations raise. ``gate``, when set,
    holds every generation until the event is set (to build queues in tests).
    """

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        replies: Sequence[str] | None = None,
        delay: float = 0.0,
        queue_depth: int = 32,
        slots: int = 1,
        generation_timeout: float = 30.0,
        default_max_tokens: int = 512,
    ) -> None:
        super().__init__(
            queue_depth=queue_depth,
            slots=slots,
            generation_timeout=generation_timeout,
            default_max_tokens=default_max_tokens,
        )
        self._replies = list(replies) if replies is not None else None
        self._responder = responder or _default_responder
        self.delay = delay
        self.fail_next = 0
        self.gate: asyncio.Event | None = None
        self.prompts: list[RecordedPrompt] = []
        self.tokens_emitted = 0
        self.cancelled_generations = 0

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(name="fake-model", context_size=4096, backend="fake")

    async def _load(self) -> None:
        return None

    def _reply_for(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if self._replies:
            return self._replies.pop(0)
        return self._responder(messages, options)

    async def _produce(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        self.prompts.append(RecordedPrompt(tuple(messages), options))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next > 0:
            self.fail_next -= 1
            raise FakeEngineFailure("the fake model was told to fail")
        reply = self._reply_for(messages, options)
        for stop in options.stop:
            if stop and stop in reply:
                reply = reply.split(stop, 1)[0]
        pieces = reply.split(" ")
        limit = options.max_tokens or len(pieces)
        for index, piece in enumerate(pieces[:limit]):
            if sink.cancelled:
                self.cancelled_generations += 1
                return
            sink.put(piece if index == 0 else " " + piece)
            self.tokens_emitted += 1
            if self.delay:
                await asyncio.sleep(self.delay)
            else:
                await asyncio.sleep(0)
