"""Style memory learns only with consent, in the background, and merges and decays traits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.db.repositories.style import TraitRecord
from bot.services.style import StyleConfig, StyleService
from bot.services.style.learning import (
    MAX_SINGLE_CONFIDENCE,
    Observation,
    ObservedTrait,
    TraitReport,
    clean_observations,
    effective_confidence,
    format_time,
    merge_traits,
)
from models import ChatMessage, FakeEngine, GenerationOptions, Priority

G, ALICE, BOB = 10, 1001, 1002
PIECE = "The tide keeps its promises. Salt on the window, a lantern for the drowned."


def traits_reply(*traits: tuple[str, str, float, str]) -> str:
    return json.dumps(
        {
            "traits": [
                {"kind": k, "value": v, "confidence": c, "evidence": e} for k, v, c, e in traits
            ]
        }
    )


class PriorityEngine(FakeEngine):
    """A fake that also records which schema ran at which priority."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[str, Priority]] = []

    async def structured(
        self,
        messages: Sequence[ChatMessage],
        schema: Any,
        options: GenerationOptions | None = None,
        *,
        user_id: int = 0,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Any:
        self.calls.append((schema.__name__, priority))
        return await super().structured(
            messages, schema, options, user_id=user_id, priority=priority
        )


def sea_responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    return traits_reply(
        ("imagery", "Sea imagery", 0.5, "Salt on the window"),
        ("tone", "wistful", 0.4, "not in the piece at all"),
    )


async def make_service(
    repos: Repositories, engine: FakeEngine, clock: FakeClock, **config: Any
) -> StyleService:
    await engine.start()
    settings = {"learn_delay": 0.0, "idle_poll": 0.01} | config
    return StyleService(
        repos.style, repos.members, repos.guilds, engine, clock, config=StyleConfig(**settings)
    )


# -- pure merging and decay ---------------------------------------------------------------------


def test_repeated_evidence_raises_confidence_and_counts_hits() -> None:
    clock = FakeClock()
    first = merge_traits(
        [],
        [Observation("tone", "wistful", 0.4, "a")],
        now=clock.now(),
        source="write_topic",
        half_life_days=60,
        cap=10,
        min_confidence=0.1,
    )
    assert [(t.value, t.confidence, t.hits) for t in first] == [("wistful", 0.4, 1)]
    stored = [replace(first[0], id=7)]
    second = merge_traits(
        stored,
        [Observation("tone", "wistful", 0.4, "b")],
        now=clock.now(),
        source="story_segment",
        half_life_days=60,
        cap=10,
        min_confidence=0.1,
    )
    assert len(second) == 1 and second[0].id == 7
    assert second[0].confidence == pytest.approx(1 - 0.6 * 0.6)  # noisy-OR: 0.64
    assert second[0].hits == 2 and second[0].evidence == "b"
    assert second[0].source == "story_segment"


def test_confidence_halves_every_half_life_and_faint_traits_drop() -> None:
    clock = FakeClock()
    seen = clock.now()
    assert effective_confidence(0.8, seen, seen + timedelta(days=60), 60) == pytest.approx(0.4)
    old = TraitRecord(1, "theme", "loss", 0.5, 3, "q", "x", format_time(seen), format_time(seen))
    fresh_obs = [Observation("theme", "the sea", 0.3, "q")]
    later = seen + timedelta(days=240)  # 0.5 * 2**-4 = 0.03 < 0.1
    merged = merge_traits(
        [old],
        fresh_obs,
        now=later,
        source="x",
        half_life_days=60,
        cap=10,
        min_confidence=0.1,
    )
    assert [t.value for t in merged] == ["the sea"]
    # Repeated evidence after a long gap starts from the decayed value, not the stored one.
    revived = merge_traits(
        [old],
        [Observation("theme", "loss", 0.3, "q")],
        now=seen + timedelta(days=60),
        source="x",
        half_life_days=60,
        cap=10,
        min_confidence=0.1,
    )
    assert revived[0].confidence == pytest.approx(1 - (1 - 0.25) * 0.7)


def test_trait_cap_keeps_the_most_confident() -> None:
    clock = FakeClock()
    observations = [Observation("theme", f"theme {i:02d}", 0.05 + i / 100, "q") for i in range(30)]
    merged = merge_traits(
        [],
        observations,
        now=clock.now(),
        source="x",
        half_life_days=60,
        cap=5,
        min_confidence=0.0,
    )
    assert len(merged) == 5
    assert [t.value for t in merged] == [f"theme {i:02d}" for i in (29, 28, 27, 26, 25)]


def test_observations_are_cleaned_by_code() -> None:
    report = TraitReport.model_construct(  # more than the schema allows: code copes
        traits=[
            ObservedTrait(kind="imagery", value="  Sea   Imagery!! ", confidence=3.0, evidence=""),
            ObservedTrait(kind="imagery", value="sea imagery", confidence=0.2, evidence="x"),
            ObservedTrait(kind="theme", value="{http://x}", confidence=0.5, evidence="x"),
            ObservedTrait(kind="tone", value="sample", confidence=0.5, evidence="x"),
            ObservedTrait(kind="tone", value="wistful", confidence=-1, evidence="salt ON the"),
        ]
    )
    found = clean_observations(report, PIECE)
    assert [(o.kind, o.value) for o in found] == [("imagery", "sea imagery"), ("tone", "wistful")]
    assert found[0].confidence == MAX_SINGLE_CONFIDENCE  # one piece never makes a trait certain
    assert found[1].confidence > 0
    # Evidence is always a real quote from the piece.
    assert found[1].evidence == "Salt on the"
    assert found[0].evidence in PIECE or found[0].evidence.rstrip("…") in PIECE


# -- the service: consent, background priority, merging over time -----------------------------


async def test_nothing_is_learned_or_stored_without_consent(repos: Repositories) -> None:
    engine = PriorityEngine(responder=sea_responder)
    service = await make_service(repos, engine, FakeClock())
    await service.record(G, ALICE, "write_topic", PIECE)
    await service.record(None, ALICE, "write_topic", PIECE)
    await service.drain()
    assert engine.calls == []
    for table in ("members", "style_pending", "style_traits"):
        row = await repos.db.fetchone(f"SELECT COUNT(*) FROM {table}")
        assert row is not None and row[0] == 0, table


async def test_learning_runs_in_the_background_and_merges(repos: Repositories) -> None:
    engine = PriorityEngine(responder=sea_responder)
    clock = FakeClock()
    service = await make_service(repos, engine, clock)
    await service.optin(G, ALICE)
    await service.record(G, ALICE, "story_segment", PIECE)
    await service.drain()
    assert engine.calls == [("TraitReport", Priority.BACKGROUND)]
    profile = await service.profile(G, ALICE)
    by_value = {t.value: t for t in profile.traits}
    assert set(by_value) == {"sea imagery", "wistful"}
    assert by_value["sea imagery"].record.evidence == "Salt on the window"
    assert by_value["sea imagery"].record.source == "story_segment"
    first = by_value["sea imagery"].confidence
    assert await repos.style.pending_count() == 0  # the piece itself is gone once learned

    clock.advance(timedelta(days=3))
    await service.record(G, ALICE, "lyrics_draft", PIECE)
    await service.drain()
    again = {t.value: t for t in (await service.profile(G, ALICE)).traits}
    assert again["sea imagery"].confidence > first
    assert again["sea imagery"].record.hits == 2
    assert again["sea imagery"].record.last_seen.startswith("2026-01-04")
    assert again["sea imagery"].record.first_seen.startswith("2026-01-01")

    clock.advance(timedelta(days=365))
    faded = {t.value: t for t in (await service.profile(G, ALICE)).traits}
    assert faded["sea imagery"].confidence < again["sea imagery"].confidence / 8
    assert await repos.style.traits(G, BOB) == []


async def test_learning_waits_for_members_requests(repos: Repositories) -> None:
    """A contribution recorded while a member's generation runs waits until the model is
    free; it never goes ahead of the member."""
    import asyncio

    engine = PriorityEngine(responder=sea_responder)
    service = await make_service(repos, engine, FakeClock())
    await service.optin(G, ALICE)
    engine.gate = asyncio.Event()
    member_request = asyncio.create_task(engine.complete([ChatMessage("user", "hi")], user_id=BOB))
    await asyncio.sleep(0.01)
    await service.record(G, ALICE, "write_topic", PIECE)
    await asyncio.sleep(0.05)
    assert engine.calls == []  # still waiting for the member's request to finish
    engine.gate.set()
    await member_request
    await service.drain()
    assert engine.calls == [("TraitReport", Priority.BACKGROUND)]


async def test_optout_stops_learning_and_drops_waiting_pieces(repos: Repositories) -> None:
    engine = PriorityEngine(responder=sea_responder)
    service = await make_service(repos, engine, FakeClock(), learn_delay=30.0)
    await service.optin(G, ALICE)
    await service.record(G, ALICE, "write_topic", PIECE)
    assert await repos.style.pending_count() == 1
    await service.optout(G, ALICE)
    assert await repos.style.pending_count() == 0
    await service.record(G, ALICE, "write_topic", PIECE)
    assert await repos.style.pending_count() == 0
    await service.stop()
    assert engine.calls == []


async def test_waiting_pieces_survive_a_restart(repos: Repositories) -> None:
    engine = PriorityEngine(responder=sea_responder)
    service = await make_service(repos, engine, FakeClock(), learn_delay=30.0)
    await service.optin(G, ALICE)
    await service.record(G, ALICE, "potd_submission", PIECE)
    await service.stop()  # shut down before learning
    assert await repos.style.pending_count() == 1
    restarted = await make_service(repos, engine, FakeClock())
    restarted.start()
    await restarted.drain()
    assert await repos.style.pending_count() == 0
    assert {t.value for t in await repos.style.traits(G, ALICE)} == {"sea imagery", "wistful"}


async def test_a_bad_model_answer_is_skipped_not_stored(repos: Repositories) -> None:
    engine = PriorityEngine(replies=["not json", "still not json"])
    service = await make_service(repos, engine, FakeClock())
    await service.optin(G, ALICE)
    await service.record(G, ALICE, "write_topic", PIECE)
    await service.drain()
    assert await repos.style.traits(G, ALICE) == []
    assert await repos.style.pending_count() == 0
