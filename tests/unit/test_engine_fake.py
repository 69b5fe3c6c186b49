from __future__ import annotations

import asyncio
import contextlib

import pytest
from pydantic import BaseModel, Field

from bot.errors import (
    GenerationCancelled,
    GenerationTimeout,
    ModelError,
    ModelUnavailable,
    QueueFull,
    StructuredOutputError,
)
from models import (
    ChatMessage,
    FakeEngine,
    FakeEngineFailure,
    GenerationOptions,
    LLMEngine,
    QueueUpdate,
    TextDelta,
)

HELLO = [ChatMessage("user", "hello")]


async def started(engine: FakeEngine) -> FakeEngine:
    await engine.start()
    return engine


async def test_fake_satisfies_the_protocol() -> None:
    engine = await started(FakeEngine())
    assert isinstance(engine, LLMEngine)
    assert await engine.complete(HELLO) == "A short reply about hello."
    stats = engine.stats()
    assert stats.requests_served == 1 and stats.tokens_generated == 5


async def test_stream_yields_deltas_and_respects_max_tokens() -> None:
    engine = await started(FakeEngine(replies=["one two three four five six"]))
    events = [e async for e in engine.stream(HELLO, GenerationOptions(max_tokens=3))]
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["one", " two", " three"]


async def test_stop_strings_end_the_reply() -> None:
    engine = await started(FakeEngine(replies=["keep this END drop this"]))
    assert await engine.complete(HELLO, GenerationOptions(stop=("END",))) == "keep this "


async def test_not_started_engine_is_unavailable() -> None:
    with pytest.raises(ModelUnavailable):
        await FakeEngine().complete(HELLO)


async def test_queue_updates_while_waiting_then_text() -> None:
    engine = await started(FakeEngine(replies=["first", "second"]))
    engine.gate = asyncio.Event()
    first = asyncio.create_task(engine.complete(HELLO, user_id=1))
    await asyncio.sleep(0.01)
    events: list[object] = []

    async def consume() -> None:
        async for event in engine.stream(HELLO, user_id=2):
            events.append(event)

    second = asyncio.create_task(consume())
    await asyncio.sleep(0.01)
    assert events and isinstance(events[0], QueueUpdate) and events[0].position == 1
    engine.gate.set()
    assert await first == "first"
    await second
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["second"]


async def test_cancelling_the_consumer_stops_generation_and_frees_the_slot() -> None:
    engine = await started(FakeEngine(replies=["w " * 500, "next"], delay=0.01))
    received = 0
    stream = engine.stream(HELLO, user_id=1)
    async with contextlib.aclosing(stream):
        async for event in stream:
            if isinstance(event, TextDelta):
                received += 1
                if received == 3:
                    break
    await asyncio.sleep(0.05)
    assert engine.cancelled_generations == 1
    assert engine.tokens_emitted < 10
    assert engine.queue.running == 0
    assert await asyncio.wait_for(engine.complete(HELLO, user_id=2), 2) == "next"


async def test_task_cancellation_while_waiting_leaves_the_queue() -> None:
    engine = await started(FakeEngine())
    engine.gate = asyncio.Event()
    running = asyncio.create_task(engine.complete(HELLO, user_id=1))
    waiting = asyncio.create_task(engine.complete(HELLO, user_id=2))
    await asyncio.sleep(0.01)
    assert engine.queue.waiting == 1
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    assert engine.queue.waiting == 0
    engine.gate.set()
    await running


async def test_timeout_raises_and_frees_the_slot() -> None:
    engine = await started(FakeEngine(replies=["slow " * 100, "fast"], delay=0.05))
    with pytest.raises(GenerationTimeout):
        await engine.complete(HELLO, GenerationOptions(timeout=0.2))
    assert await asyncio.wait_for(engine.complete(HELLO), 2) == "fast"


async def test_queue_full() -> None:
    engine = await started(FakeEngine(queue_depth=1))
    engine.gate = asyncio.Event()
    a = asyncio.create_task(engine.complete(HELLO, user_id=1))
    b = asyncio.create_task(engine.complete(HELLO, user_id=2))
    await asyncio.sleep(0.01)
    with pytest.raises(QueueFull) as info:
        await engine.complete(HELLO, user_id=3)
    assert info.value.retry_after > 0
    engine.gate.set()
    await asyncio.gather(a, b)


async def test_backend_failure_propagates_and_engine_recovers() -> None:
    engine = await started(FakeEngine(replies=["ok"]))
    engine.fail_next = 1
    with pytest.raises(ModelError) as info:
        await engine.complete(HELLO)
    assert isinstance(info.value.__cause__, FakeEngineFailure)
    assert engine.queue.running == 0
    assert await engine.complete(HELLO) == "ok"


class Idea(BaseModel):
    title: str = Field(max_length=40)
    tags: list[str] = Field(max_length=3)


async def test_structured_output_validates() -> None:
    engine = await started(FakeEngine())
    idea = await engine.structured(HELLO, Idea)
    assert isinstance(idea, Idea)
    schema = engine.prompts[-1].options.json_schema
    assert schema is not None and schema["properties"]["title"]["maxLength"] == 40


async def test_structured_output_retries_once_then_raises() -> None:
    engine = await started(FakeEngine(replies=["not json", '{"title": "Ok", "tags": []}']))
    assert (await engine.structured(HELLO, Idea)).title == "Ok"
    assert len(engine.prompts) == 2
    engine2 = await started(FakeEngine(replies=["nope", '{"title": 5}']))
    with pytest.raises(StructuredOutputError):
        await engine2.structured(HELLO, Idea)
    assert len(engine2.prompts) == 2


async def test_close_cuts_off_running_generations() -> None:
    engine = await started(FakeEngine(replies=["word " * 1000], delay=0.01))
    task = asyncio.create_task(engine.complete(HELLO))
    await asyncio.sleep(0.05)
    await engine.close()
    with pytest.raises(GenerationCancelled):
        await asyncio.wait_for(task, 2)
    with pytest.raises(ModelUnavailable):
        await engine.complete(HELLO)


async def test_close_cuts_off_a_stalled_backend_at_once() -> None:
    engine = await started(FakeEngine(replies=["never"]))
    engine.gate = asyncio.Event()  # the backend never produces a token
    task = asyncio.create_task(engine.complete(HELLO, GenerationOptions(timeout=60)))
    await asyncio.sleep(0.05)
    await engine.close()
    with pytest.raises(GenerationCancelled):
        await asyncio.wait_for(task, 2)
