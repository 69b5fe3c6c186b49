"""Continuous batching on the real bundled model (SmolLM2-135M) at temperature 0.

The central property: a request decoded in a batch with others, admitted at any step, in a slot
another request just left (finished or cancelled), produces token for token what it produces alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
from pydantic import BaseModel, Field

from models import ChatMessage, GenerationOptions, LlamaCppEngine, Priority, TextDelta
from models.batched import BatchEntry, BatchRequest, DecodeStatus
from models.discovery import bundled_model_path
from models.schema import bound_schema

pytestmark = pytest.mark.model

GREEDY = GenerationOptions(temperature=0.0, max_tokens=24, seed=1, ignore_eos=True)
TOPICS = ["the rain", "a lighthouse", "autumn leaves", "a red fox", "the night sky", "old trains"]


def ask(topic: str) -> list[ChatMessage]:
    return [ChatMessage("user", f"Write a short poem about {topic}.")]


@pytest.fixture
async def engine() -> AsyncIterator[LlamaCppEngine]:
    path = bundled_model_path()
    assert path is not None
    eng = LlamaCppEngine(path, context_size=1024, threads=2, queue_depth=16, slots=4)
    await eng.start()
    yield eng
    await eng.close()


def record(engine: LlamaCppEngine) -> dict[str, list[BatchRequest]]:
    """Capture every request the scheduler receives, by its last message's text."""
    scheduler = engine.scheduler
    assert scheduler is not None
    seen: dict[str, list[BatchRequest]] = {}
    original = scheduler.submit

    def submit(request: BatchRequest) -> bool:
        seen.setdefault(request.messages[-1]["content"], []).append(request)
        return original(request)

    scheduler.submit = submit  # type: ignore[method-assign]
    return seen


async def solo_tokens(
    engine: LlamaCppEngine, prompts: list[list[ChatMessage]], options: GenerationOptions
) -> list[list[int]]:
    seen = record(engine)
    for messages in prompts:
        await engine.complete(messages, options)
    return [seen[m[-1].content][-1].generated for m in prompts]


async def stream_until(
    engine: LlamaCppEngine,
    messages: list[ChatMessage],
    options: GenerationOptions,
    *,
    after: int = 0,
    started: asyncio.Event | None = None,
    cancel_after: int | None = None,
    priority: Priority = Priority.INTERACTIVE,
) -> str:
    """Stream a reply; set ``started`` after ``after`` deltas; stop early at ``cancel_after``."""
    parts: list[str] = []
    stream = engine.stream(messages, options, priority=priority)
    async with contextlib.aclosing(stream):  # type: ignore[type-var]
        async for event in stream:
            if isinstance(event, TextDelta):
                parts.append(event.text)
                if started is not None and len(parts) >= after:
                    started.set()
                if cancel_after is not None and len(parts) >= cancel_after:
                    break
    if started is not None:
        started.set()
    return "".join(parts)


async def test_batched_greedy_output_matches_solo_token_for_token(
    engine: LlamaCppEngine,
) -> None:
    prompts = [ask(t) for t in TOPICS]
    alone = await solo_tokens(engine, prompts, GREEDY)
    assert all(len(tokens) == GREEDY.max_tokens for tokens in alone)

    seen = record(engine)
    a_started, b_started = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(stream_until(engine, prompts[0], GREEDY, after=3, started=a_started))
    ]
    await a_started.wait()  # staggered: B joins while A is mid-generation
    tasks.append(
        asyncio.create_task(stream_until(engine, prompts[1], GREEDY, after=3, started=b_started))
    )
    await b_started.wait()
    # C is cancelled mid-way; D, E, F queue behind the four slots and take freed ones.
    tasks.append(asyncio.create_task(stream_until(engine, prompts[2], GREEDY, cancel_after=5)))
    tasks.extend(asyncio.create_task(stream_until(engine, p, GREEDY)) for p in prompts[3:])
    await asyncio.wait_for(asyncio.gather(*tasks), 60)

    scheduler = engine.scheduler
    assert scheduler is not None
    batched = [seen[p[-1].content][-1] for p in prompts]
    for index in (0, 1, 3, 4, 5):
        assert batched[index].generated == alone[index], f"request {index} drifted in the batch"
    assert batched[1].reused_tokens > 20  # B's shared prefix was copied from A's running slot
    cancelled = batched[2].generated
    assert 5 <= len(cancelled) < 24 and cancelled == alone[2][: len(cancelled)]
    # The fifth and sixth requests were admitted only after others left their slots.
    first_steps = [r.first_step or 0 for r in batched]
    assert first_steps[4] > first_steps[3] > first_steps[0]
    assert engine.queue.running == 0 and scheduler.active == 0


class Idea(BaseModel):
    title: str = Field(max_length=40)
    mood: str = Field(max_length=20)
    tags: list[str] = Field(max_length=3)


async def test_grammar_sequences_mixed_with_free_ones_match_solo_and_the_schema(
    engine: LlamaCppEngine,
) -> None:
    schema = bound_schema(Idea.model_json_schema(), max_string=30)
    structured = GenerationOptions(
        temperature=0.0, max_tokens=80, seed=1, json_schema=schema, repeat_penalty=1.3
    )
    json_prompts = [
        [ChatMessage("system", "You answer in JSON."), ChatMessage("user", f"An idea about {t}.")]
        for t in ("the sea", "a city")
    ]
    free_prompts = [ask("a garden"), ask("snow")]
    alone_json = await solo_tokens(engine, json_prompts, structured)
    alone_free = await solo_tokens(engine, free_prompts, GREEDY)

    seen = record(engine)
    jobs = [engine.complete(p, structured) for p in json_prompts]
    jobs += [engine.complete(p, GREEDY) for p in free_prompts]
    texts = await asyncio.wait_for(asyncio.gather(*jobs), 60)
    for text in texts[:2]:
        Idea.model_validate(json.loads(text))  # schema-valid
    got = [seen[p[-1].content][-1] for p in json_prompts + free_prompts]
    assert [r.generated for r in got] == alone_json + alone_free


async def test_background_work_yields_to_a_member_within_one_step() -> None:
    path = bundled_model_path()
    assert path is not None
    engine = LlamaCppEngine(path, context_size=512, threads=2, slots=2)
    await engine.start()
    try:
        seen = record(engine)
        long_job = GREEDY.with_(max_tokens=48)
        started = asyncio.Event()
        background = [
            asyncio.create_task(
                stream_until(
                    engine,
                    ask(t),
                    long_job,
                    after=2,
                    started=started,
                    priority=Priority.BACKGROUND,
                )
            )
            for t in TOPICS[:3]  # two run, one waits
        ]
        await started.wait()
        await asyncio.sleep(0.05)
        member = await asyncio.wait_for(engine.complete(ask("tea"), GREEDY), 30)
        outputs = await asyncio.wait_for(asyncio.gather(*background), 60)
        scheduler = engine.scheduler
        assert scheduler is not None
        interactive = seen[ask("tea")[-1].content][-1]
        # Decoded in the very first batch built after it reached the scheduler.
        assert interactive.first_step == interactive.arrival_step + 1
        assert member.strip() and scheduler.stats().preemptions >= 1
        # Parked background work resumed and finished in full.
        assert all(len(seen[ask(t)[-1].content][-1].generated) == 48 for t in TOPICS[:3])
        assert all(text.strip() for text in outputs)
    finally:
        await engine.close()


MULTIBYTE = [
    "Repeat exactly: café, naïve, crème brûlée, señor, Zürich.",
    "Repeat exactly: 雨の日は静かです。東京と北京。",
    "Repeat exactly: 🌧️ ☕ 🦊 🌙 🚂 ✨ 😀",
    "Translate to French: the summer garden is beautiful.",
]


async def test_streamed_text_never_contains_replacement_characters(
    engine: LlamaCppEngine,
) -> None:
    options = GenerationOptions(temperature=0.0, max_tokens=40, seed=1)

    async def deltas(text: str) -> list[str]:
        return [
            e.text
            async for e in engine.stream([ChatMessage("user", text)], options)
            if isinstance(e, TextDelta)
        ]

    results = await asyncio.wait_for(asyncio.gather(*(deltas(t) for t in MULTIBYTE)), 60)
    streamed = [d for parts in results for d in parts]
    assert not any("\ufffd" in d for d in streamed)
    assert any(ord(c) > 0x7F for d in streamed for c in d), (
        "the test set produced no multi-byte text"
    )
    # The real tokenizer splits these characters across tokens; detokenizing piece by piece
    # through the assembler still gives back the exact text.
    runtime = engine._runtime
    assert runtime is not None
    from models.batched import TextAssembler

    def roundtrip(text: str) -> tuple[str, int]:
        assembler = TextAssembler()
        pieces = [runtime.piece(t) for t in runtime.tokenize(text, add_special=False)]
        partial = sum(1 for p in pieces if _splits_a_character(p))
        out = "".join(assembler.feed(p) for p in pieces) + assembler.finish()
        return out, partial

    sample = "🌧️ 雨の日 crème brûlée 😀"
    out, partial = await engine.worker.call(lambda: roundtrip(sample))
    assert out == sample and partial > 0


def _splits_a_character(piece: bytes) -> bool:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


async def test_per_sequence_stop_strings(engine: LlamaCppEngine) -> None:
    options = GREEDY.with_(max_tokens=20)
    [tokens_a] = await solo_tokens(engine, [ask("the rain")], options)
    full_a = await engine.complete(ask("the rain"), options)
    words = [w for w in full_a.split() if len(w) > 3]
    assert words, full_a
    stop = words[len(words) // 2]
    stopped, other = await asyncio.gather(
        engine.complete(ask("the rain"), options.with_(stop=(stop,))),
        engine.complete(ask("a lighthouse"), options),
    )
    assert stopped == full_a[: full_a.index(stop)] and stop not in stopped
    assert other == await engine.complete(ask("a lighthouse"), options)
    assert len(tokens_a) == 20


async def test_event_loop_stays_responsive_while_four_sequences_decode(
    engine: LlamaCppEngine,
) -> None:
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    tick = asyncio.create_task(ticker())
    options = GREEDY.with_(max_tokens=40)
    await asyncio.gather(*(engine.complete(ask(t), options) for t in TOPICS[:4]))
    stop.set()
    await tick
    assert len(lags) > 20
    assert max(lags) < 0.05, f"event loop stalled {max(lags) * 1000:.1f} ms"


async def test_a_full_kv_answer_waits_and_an_aborted_decode_rolls_back(
    engine: LlamaCppEngine,
) -> None:
    prompts = [ask(t) for t in TOPICS[:3]]
    alone = await solo_tokens(engine, prompts, GREEDY)
    scheduler = engine.scheduler
    assert scheduler is not None
    real = scheduler.decode
    calls = {"n": 0}

    def flaky(entries: list[BatchEntry], abort: Callable[[], bool] | None) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return DecodeStatus.NO_KV_SLOT  # no free cells: the step must wait and retry
        if calls["n"] == 2 and len(entries) > 8:
            return real(entries, lambda: True)  # the abort callback cuts a prompt step short
        return real(entries, abort)

    scheduler.decode = flaky
    seen = record(engine)
    # Different system prompts: cold prompts, so the second step is a long prompt step.
    await asyncio.gather(*(engine.complete(p, GREEDY) for p in prompts))
    stats = scheduler.stats()
    assert stats.kv_waits >= 1 and stats.aborts >= 1
    assert [seen[p[-1].content][-1].generated for p in prompts] == alone


async def test_a_cached_system_prompt_is_reused_and_changes_nothing(
    engine: LlamaCppEngine,
) -> None:
    system = ChatMessage("system", "You are Muse, a kind writing coach. " * 12)

    def chat(text: str) -> list[ChatMessage]:
        return [system, ChatMessage("user", text)]

    seen = record(engine)
    moss, stone = "A haiku about moss.", "A haiku about stone."
    cold = await engine.complete(chat(moss), GREEDY)
    warm = await engine.complete(chat(moss), GREEDY)
    await engine.complete(chat(stone), GREEDY)
    first, again = seen[moss]
    [other] = seen[stone]
    assert first.reused_tokens < 10  # cold: only the chat template's opening could match
    assert again.reused_tokens == again.prompt_tokens - 1  # all but the token that yields logits
    assert other.reused_tokens >= 100  # the whole system prompt came from the cache
    assert cold == warm and first.generated == again.generated
