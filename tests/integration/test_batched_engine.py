"""Continuous batching on the real bundled model (SmolLM2-135M) at temperature 0.

The central property: a request decoded in a batch with others, admitted at any step, in a slot
another request just left (finished or cancelled), sees only its own tokens, so it picks at every
step the token that a decode of the same history alone picks, up to llama.cpp's rounding.

Why "up to rounding" and not token for token: llama.cpp's CPU kernels give results that depend on
the shape of the batch (how many tokens a step holds, and how many KV cells the longest sequence
in it spans) and on which kernels the CPU has (AVX2, AVX-512, AMX). Measured on SmolLM2, a token
chosen inside a batch sits at most ~0.2 logits below the solo top-1 for the same history, so on
some CPUs a near-tie flips and the two texts part ways from there. One neighbour's token leaking
into a sequence moves its logits by 3.6 or more, and a foreign history moves the top-1 by 4 to 12.
:data:`NOISE` sits between the two, and ``test_a_leaked_token_is_far_outside_the_noise`` shows
that these checks fail when isolation does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator

import numpy as np
import pytest
from pydantic import BaseModel, Field

from models import ChatMessage, GenerationOptions, LlamaCppEngine, Priority, TextDelta
from models.batched import BatchEntry, BatchRequest, DecodeStatus, FlashAttnMode, LlamaRuntime
from models.discovery import bundled_model_path
from models.schema import bound_schema
from tests.conftest import LoopMonitor

pytestmark = pytest.mark.model

#: A guard against a hang, not a speed limit: generous enough for a 2-core machine under load.
HANG_GUARD = 300

# No repeat penalty: the greedy pick is then the plain top-1 logit, which the teacher can check.
GREEDY = GenerationOptions(
    temperature=0.0, max_tokens=24, seed=1, ignore_eos=True, repeat_penalty=1.0
)
#: The most, in logits, that a batched pick may sit below the solo top-1 (see the module doc).
NOISE = 0.5
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


class Teacher:
    """A second context, configured like the engine's, that decodes one history alone.

    ``gaps`` feeds a request's prompt and generated tokens in one pass (teacher forcing) and says,
    for each generated token, how many logits it sits below the solo top-1 for the same history.
    Worker thread only, like every llama call.
    """

    def __init__(self, engine: LlamaCppEngine, runtime: LlamaRuntime) -> None:
        self.engine_runtime = runtime
        repack = engine.repack.enabled if engine.repack is not None else True
        path = bundled_model_path()
        assert path is not None
        self.runtime = LlamaRuntime(
            path,
            context_per_seq=runtime.context_per_seq,
            n_seq=runtime.n_seq,
            threads=2,
            n_batch=runtime.context_per_seq,
            flash_attn=engine.flash_attn,
            repack=repack,
        )

    def gaps(self, request: BatchRequest, generated: list[int] | None = None) -> list[float]:
        rt = self.runtime
        prompt = self.engine_runtime.render_chat(request.messages)
        tokens = generated if generated is not None else request.generated
        history = prompt + tokens[:-1]
        first = len(prompt) - 1
        rt.clear()
        entries = [BatchEntry(t, p, 0, p >= first) for p, t in enumerate(history)]
        assert rt.decode(entries, None) == DecodeStatus.OK
        banned = list(rt.eog_tokens) if request.options.ignore_eos else []
        gaps = []
        for index, token in enumerate(tokens):
            pointer = rt._lc.llama_get_logits_ith(rt.ctx, first + index)
            logits = np.ctypeslib.as_array(pointer, shape=(rt.n_vocab,)).copy()
            logits[banned] = -np.inf
            gaps.append(float(logits.max() - logits[token]))
        return gaps

    def close(self) -> None:
        self.runtime.close()


@pytest.fixture
async def teacher(engine: LlamaCppEngine) -> AsyncIterator[Teacher]:
    runtime = engine._runtime
    assert runtime is not None
    made = await engine.worker.call(lambda: Teacher(engine, runtime))
    yield made
    await engine.worker.call(made.close)


async def assert_as_if_alone(
    engine: LlamaCppEngine, teacher: Teacher, *requests: BatchRequest
) -> None:
    """Every token each request generated is the solo top-1 for its history, up to NOISE."""
    for request in requests:
        assert request.generated, "the request generated nothing"
        gaps = await engine.worker.call(lambda r=request: teacher.gaps(r))  # type: ignore[misc]
        worst = max(gaps)
        assert worst <= NOISE, (
            f"{request.messages[-1]['content']!r}: token {gaps.index(worst)} sits {worst:.2f} "
            "logits below what the same history gives alone"
        )


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


async def test_batched_greedy_output_is_what_each_history_gives_alone(
    engine: LlamaCppEngine, teacher: Teacher
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
    await asyncio.wait_for(asyncio.gather(*tasks), HANG_GUARD)

    scheduler = engine.scheduler
    assert scheduler is not None
    batched = [seen[p[-1].content][-1] for p in prompts]
    assert all(len(batched[i].generated) == GREEDY.max_tokens for i in (0, 1, 3, 4, 5))
    await assert_as_if_alone(engine, teacher, *batched)
    assert batched[1].reused_tokens > 20  # B's shared prefix was copied from A's running slot
    cancelled = batched[2].generated
    assert 5 <= len(cancelled) < 24
    # The fifth and sixth requests were admitted only after others left their slots.
    first_steps = [r.first_step or 0 for r in batched]
    assert first_steps[4] > first_steps[3] > first_steps[0]
    assert engine.queue.running == 0 and scheduler.active == 0


class Idea(BaseModel):
    title: str = Field(max_length=40)
    mood: str = Field(max_length=20)
    tags: list[str] = Field(max_length=3)


async def test_grammar_sequences_mixed_with_free_ones_keep_the_schema_and_isolation(
    engine: LlamaCppEngine, teacher: Teacher
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
    seen = record(engine)
    jobs = [engine.complete(p, structured) for p in json_prompts]
    jobs += [engine.complete(p, GREEDY) for p in free_prompts]
    texts = await asyncio.wait_for(asyncio.gather(*jobs), HANG_GUARD)
    for text in texts[:2]:
        Idea.model_validate(json.loads(text))  # schema-valid
    # A grammar may overrule the top-1, so only the free sequences are held to the teacher.
    await assert_as_if_alone(engine, teacher, *(seen[p[-1].content][-1] for p in free_prompts))


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
        member = await asyncio.wait_for(engine.complete(ask("tea"), GREEDY), HANG_GUARD)
        outputs = await asyncio.wait_for(asyncio.gather(*background), HANG_GUARD)
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

    results = await asyncio.wait_for(asyncio.gather(*(deltas(t) for t in MULTIBYTE)), HANG_GUARD)
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


async def test_per_sequence_stop_strings(engine: LlamaCppEngine, teacher: Teacher) -> None:
    options = GREEDY.with_(max_tokens=20)
    full_a = await engine.complete(ask("the rain"), options)
    words = [w for w in full_a.split() if len(w) > 3]
    assert words, full_a
    stop = words[0]  # early, so that it comes again even where rounding parts the texts later
    seen = record(engine)
    stopped, other = await asyncio.gather(
        engine.complete(ask("the rain"), options.with_(stop=(stop,))),
        engine.complete(ask("a lighthouse"), options),
    )
    request = seen[ask("the rain")[-1].content][-1]
    runtime = engine._runtime
    assert runtime is not None
    own = b"".join(runtime.piece(t) for t in request.generated).decode("utf-8", "replace")
    # Cut exactly before the first stop in what this sequence itself generated, and no later.
    assert stop in own and stop not in stopped
    assert stopped == own[: own.index(stop)]
    assert len(request.generated) < 20
    # The neighbour ran to its end, untouched by the other sequence's stop.
    neighbour = seen[ask("a lighthouse")[-1].content][-1]
    assert len(neighbour.generated) == 20 and other.strip()
    await assert_as_if_alone(engine, teacher, request, neighbour)


async def test_event_loop_stays_responsive_while_four_sequences_decode(
    engine: LlamaCppEngine, loop_monitor: LoopMonitor
) -> None:
    assert engine.scheduler is not None
    loop_monitor.watch_decodes(engine.scheduler)
    options = GREEDY.with_(max_tokens=120)  # seconds: a host's hiccup stays far under a quarter
    async with loop_monitor:
        await asyncio.gather(*(engine.complete(ask(t), options) for t in TOPICS[:4]))
    loop_monitor.assert_responsive()


async def test_a_full_kv_answer_waits_and_an_aborted_decode_rolls_back(
    engine: LlamaCppEngine, teacher: Teacher
) -> None:
    prompts = [ask(t) for t in TOPICS[:3]]
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
    # Nothing of the aborted step stayed behind in any sequence.
    requests = [seen[p[-1].content][-1] for p in prompts]
    assert all(len(r.generated) == GREEDY.max_tokens for r in requests)
    await assert_as_if_alone(engine, teacher, *requests)


async def test_a_cached_system_prompt_is_reused_and_changes_nothing(
    engine: LlamaCppEngine, teacher: Teacher
) -> None:
    system = ChatMessage("system", "You are Muse, a kind writing coach. " * 12)

    def chat(text: str) -> list[ChatMessage]:
        return [system, ChatMessage("user", text)]

    seen = record(engine)
    moss, stone = "A haiku about moss.", "A haiku about stone."
    await engine.complete(chat(moss), GREEDY)
    await engine.complete(chat(moss), GREEDY)
    await engine.complete(chat(stone), GREEDY)
    first, again = seen[moss]
    [other] = seen[stone]
    assert first.reused_tokens < 10  # cold: only the chat template's opening could match
    assert again.reused_tokens == again.prompt_tokens - 1  # all but the token that yields logits
    assert other.reused_tokens >= 100  # the whole system prompt came from the cache
    # Decoding only the uncached tail changes nothing beyond rounding.
    await assert_as_if_alone(engine, teacher, first, again, other)


# -- strict isolation, on the runtime itself -------------------------------------------------------

STORY = "The lighthouse keeper climbed the stairs at dusk and lit the great lamp for the ships."
CANARY = "Zanzibar Zanzibar Zanzibar quixotic marmalade. Zanzibar!"
OTHERS = ("In 1492 Columbus sailed the ocean blue.", "def main():\n    return 42\n")


def _decode(rt: LlamaRuntime, entries: list[BatchEntry]) -> None:
    assert rt.decode(entries, None) == DecodeStatus.OK


def _logits(rt: LlamaRuntime, index: int) -> np.ndarray:
    pointer = rt._lc.llama_get_logits_ith(rt.ctx, index)
    return np.ctypeslib.as_array(pointer, shape=(rt.n_vocab,)).copy()


@contextlib.contextmanager
def bundled_runtime(context: int, n_seq: int, flash_attn: FlashAttnMode) -> Iterator[LlamaRuntime]:
    """A runtime of its own on the bundled model, batching up to ``context`` tokens."""
    path = bundled_model_path()
    assert path is not None
    rt = LlamaRuntime(
        path,
        context_per_seq=context,
        n_seq=n_seq,
        threads=2,
        n_batch=context,
        flash_attn=flash_attn,
    )
    try:
        yield rt
    finally:
        rt.close()


def story_logits(
    *, batched: bool, leak: bool = False, flash_attn: FlashAttnMode = "auto"
) -> list[np.ndarray]:
    """Logits of STORY's last prompt token and of each later step, alone or among neighbours.

    Among neighbours, the story's sequence reuses a slot another sequence just left, gets its
    first half by a copy from a third slot (as prefix reuse does), decodes the rest of its prompt
    in one step with a canary-filled neighbour, and every later token beside two others. With
    ``leak`` one neighbour token is wrongly filed under the story's sequence.
    """
    with bundled_runtime(256, 4, flash_attn) as rt:
        story = rt.tokenize(STORY, add_special=True)
        n_prompt = len(story) - 8
        out: list[np.ndarray] = []
        if not batched:
            _decode(
                rt, [BatchEntry(t, p, 0, p == n_prompt - 1) for p, t in enumerate(story[:n_prompt])]
            )
            out.append(_logits(rt, 0 if n_prompt == 1 else n_prompt - 1))
            for p in range(n_prompt, len(story)):
                _decode(rt, [BatchEntry(story[p], p, 0, True)])
                out.append(_logits(rt, 0))
            return out
        canary = rt.tokenize(CANARY, add_special=True)
        first, second = (rt.tokenize(t, add_special=True) for t in OTHERS)
        # Slot 0 holds another sequence, which then leaves: its cells are dropped.
        _decode(rt, [BatchEntry(t, p, 0, False) for p, t in enumerate(first)])
        assert rt.seq_rm(0, 0)
        # Slot 3 computes the story's first half; slot 0 takes it by a copy.
        half = n_prompt // 2
        _decode(rt, [BatchEntry(t, p, 3, False) for p, t in enumerate(story[:half])])
        rt.seq_cp(3, 0)
        # The rest of the prompt, in one step with the canary's whole prompt.
        rest = [
            BatchEntry(t, p, 0, p == n_prompt - 1)
            for p, t in enumerate(story)
            if half <= p < n_prompt
        ]
        shift = 0
        if leak:
            rest.insert(1, BatchEntry(canary[3], rest[0].pos + 1, 0, False))
            rest = (
                rest[:1]
                + [rest[1]]
                + [BatchEntry(e.token, e.pos + 1, 0, e.logits) for e in rest[2:]]
            )
            shift = 1
        step = [BatchEntry(t, p, 1, False) for p, t in enumerate(canary)] + rest
        _decode(rt, step)
        out.append(_logits(rt, len(step) - 1))
        for k, p in enumerate(range(n_prompt, len(story))):
            entries = [
                BatchEntry(canary[k % len(canary)], len(canary) + k, 1, True),
                BatchEntry(story[p], p + shift, 0, True),
                BatchEntry(second[k % len(second)], k, 2, True),
            ]
            _decode(rt, entries)
            out.append(_logits(rt, 1))
        return out


def _worst(alone: list[np.ndarray], other: list[np.ndarray]) -> tuple[float, float]:
    """The largest logit difference, and the largest top-1 gap, over all steps."""
    diff = max(float(np.abs(a - b).max()) for a, b in zip(alone, other, strict=True))
    gap = max(float(a.max() - a[int(b.argmax())]) for a, b in zip(alone, other, strict=True))
    return diff, gap


@pytest.mark.parametrize("flash_attn", ["auto", "off"])
async def test_a_sequence_never_sees_its_neighbours_tokens(
    engine: LlamaCppEngine, flash_attn: FlashAttnMode
) -> None:
    alone = await engine.worker.call(lambda: story_logits(batched=False, flash_attn=flash_attn))
    together = await engine.worker.call(lambda: story_logits(batched=True, flash_attn=flash_attn))
    diff, gap = _worst(alone, together)
    assert gap <= NOISE and diff <= NOISE, f"logits moved {diff:.3f}, top-1 gap {gap:.3f}"


async def test_flash_attention_reaches_llama_cpp_and_moves_only_rounding(
    engine: LlamaCppEngine,
) -> None:
    """MUSE_FLASH_ATTN changes the attention kernel, so the logits differ, and nothing else: alone
    or among neighbours, each step's top-1 stays within NOISE. (Its CPU kernel sums V in f16:
    a tail logit moved 0.8 on SmolLM2 where the top-1 moved 0.02; a leaked token moves > 4 NOISE.)
    """
    for batched in (False, True):
        on = await engine.worker.call(lambda b=batched: story_logits(batched=b, flash_attn="on"))
        off = await engine.worker.call(lambda b=batched: story_logits(batched=b, flash_attn="off"))
        diff, gap = _worst(off, on)
        assert 0 < diff < 4 * NOISE and gap <= NOISE, f"logits moved {diff:.4f}, gap {gap:.3f}"


async def test_a_leaked_token_is_far_outside_the_noise(engine: LlamaCppEngine) -> None:
    """The negative control: the same schedule with one foreign token in the story's cells."""
    alone = await engine.worker.call(lambda: story_logits(batched=False))
    leaked = await engine.worker.call(lambda: story_logits(batched=True, leak=True))
    diff, _ = _worst(alone, leaked)
    assert diff > 4 * NOISE, f"a leak moved the logits only {diff:.3f}"


def cold_and_cached_logits(flash_attn: FlashAttnMode) -> tuple[np.ndarray, np.ndarray]:
    """The last prompt token's logits with the prompt decoded in one chunk (cold), and with all
    but that token decoded first and the token alone after (a prompt-cache hit)."""
    with bundled_runtime(512, 2, flash_attn) as rt:
        # Over 64 tokens: flash attention's CPU kernel takes its tiled path for such a chunk.
        prompt = rt.tokenize(STORY * 4, add_special=True)
        last = len(prompt) - 1
        _decode(rt, [BatchEntry(t, p, 0, p == last) for p, t in enumerate(prompt)])
        cold = _logits(rt, last)
        _decode(rt, [BatchEntry(t, p, 1, False) for p, t in enumerate(prompt[:last])])
        _decode(rt, [BatchEntry(prompt[last], last, 1, True)])
        return cold, _logits(rt, 0)


@pytest.mark.parametrize("flash_attn", ["on", "off"])
async def test_a_cache_hit_differs_from_a_cold_prompt_by_rounding_only(
    engine: LlamaCppEngine, flash_attn: FlashAttnMode
) -> None:
    """Neither mode is bit-exact here (without flash attention the KQ product of a long chunk
    and of a lone token take different kernels too); both stay far inside the noise."""
    cold, cached = await engine.worker.call(lambda: cold_and_cached_logits(flash_attn))
    diff, gap = _worst([cold], [cached])
    assert diff < 4 * NOISE and gap <= NOISE, f"logits moved {diff:.4f}, gap {gap:.3f}"


async def test_a_canary_in_one_sequence_never_reaches_another(
    engine: LlamaCppEngine, teacher: Teacher
) -> None:
    options = GREEDY.with_(max_tokens=32)
    canary = [ChatMessage("user", f"Repeat these words exactly: {CANARY}")]
    seen = record(engine)
    texts = await asyncio.wait_for(
        asyncio.gather(
            engine.complete(canary, options),
            *(engine.complete(ask(t), options) for t in TOPICS[:3]),
        ),
        HANG_GUARD,
    )
    assert "Zanzibar" in texts[0], "the canary sequence must carry the canary"
    assert not any("Zanzibar" in text or "marmalade" in text for text in texts[1:])
    await assert_as_if_alone(engine, teacher, *(seen[ask(t)[-1].content][-1] for t in TOPICS[:3]))
