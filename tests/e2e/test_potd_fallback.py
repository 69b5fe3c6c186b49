"""Prompt of the day, end to end: what the model writes, and the curated fallback when it fails
or repeats itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox
from bot.services.potd import PromptDraft, load_curated
from models import ChatMessage, FakeEngine, GenerationOptions
from tests.e2e.conftest import real_engine, start_muse
from tests.e2e.test_potd_schedule import caught_up, fire_cron, posts_in, setup_potd

pytestmark = pytest.mark.e2e

CURATED_TITLES = {p.title for p in load_curated()}
LANTERNS = {
    "title": "Lanterns on the Harbour",
    "prompt": "Draw the harbour at night, lit only by the lanterns hanging from the boats.",
    "twists": ["Use only two colours"],
    "tags": ["night", "harbour"],
}
NEAR_DUPLICATE = {
    "title": "Lanterns on a Harbour",
    "prompt": "Draw a harbour at night lit only by lanterns hanging from boats.",
    "twists": [],
    "tags": ["night"],
}


def _start(sandbox: Sandbox, tmp_path: Path, engine: FakeEngine):  # type: ignore[no-untyped-def]
    clock = FakeClock(datetime(2026, 6, 1, 5, 0, tzinfo=UTC))  # 07:00 in Berlin
    return start_muse(sandbox, tmp_path, clock=clock, engine_factory=lambda: engine)


async def test_a_failing_model_falls_back_to_the_curated_list(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    engine = FakeEngine()
    engine.fail_next = 1000
    muse = await _start(sandbox, tmp_path, engine)
    try:
        await setup_potd(muse, medium="music")
        await fire_cron(muse, sandbox.guild.id)
        await fire_cron(muse, sandbox.guild.id)
        posts = posts_in(sandbox, sandbox.channel)
        titles = [p.embeds[0]["title"] for p in posts]
        assert len(titles) == 2 and len(set(titles)) == 2
        assert set(titles) <= CURATED_TITLES
        music = {p.title for p in load_curated() if p.medium == "music"}
        assert set(titles) <= music
        rows = [
            await muse.bot.repos.potd.get_post(sandbox.guild.id, d)
            for d in ("2026-06-01", "2026-06-02")
        ]
        assert [r.source for r in rows if r] == ["fallback", "fallback"]
        assert len(engine.prompts) == 2 * 3  # three tries a day, each refused by the backend
    finally:
        await muse.stop()


async def test_a_near_duplicate_is_rejected_and_the_fallback_used(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    replies = [json.dumps(LANTERNS)] + [json.dumps(NEAR_DUPLICATE)] * 10

    def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return replies.pop(0)

    engine = FakeEngine(responder)
    muse = await _start(sandbox, tmp_path, engine)
    try:
        await setup_potd(muse)
        await fire_cron(muse, sandbox.guild.id)
        first = posts_in(sandbox, sandbox.channel)[0].embeds[0]
        assert first["title"] == LANTERNS["title"]
        assert first["description"] == LANTERNS["prompt"]
        assert "Use only two colours" in str(first["fields"])

        await fire_cron(muse, sandbox.guild.id)
        second = posts_in(sandbox, sandbox.channel)[1].embeds[0]
        assert second["title"] in CURATED_TITLES
        assert len(engine.prompts) == 1 + 3
        day_two = engine.prompts[1:]
        assert all(str(LANTERNS["title"]) in p.text for p in day_two)  # the avoid-list
        assert str(NEAR_DUPLICATE["title"]) in day_two[-1].text  # rejected titles are added to it
        assert all(p.options.json_schema is not None for p in day_two)
        row = await muse.bot.repos.potd.get_post(sandbox.guild.id, "2026-06-02")
        assert row is not None and row.source == "fallback"
    finally:
        await muse.stop()


@pytest.mark.model
async def test_bundled_model_gives_a_valid_prompt_or_a_clean_fallback(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 5, 0, tzinfo=UTC))
    muse = await start_muse(
        sandbox, tmp_path, clock=clock, engine_factory=real_engine, potd_generation_attempts=1
    )
    try:
        await caught_up(muse)
        await setup_potd(muse, medium="writing")
        await fire_cron(muse, sandbox.guild.id)
        row = await muse.bot.repos.potd.get_post(sandbox.guild.id, "2026-06-01")
        assert row is not None and row.status == "posted" and row.source in ("model", "fallback")
        assert row.title and row.prompt
        PromptDraft.model_validate(
            {
                "title": row.title,
                "prompt": row.prompt,
                "twists": list(row.twists),
                "tags": list(row.tags),
            }
        )
        assert len(posts_in(sandbox, sandbox.channel)) == 1
    finally:
        await muse.stop()
