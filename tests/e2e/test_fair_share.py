"""Fair share end to end: one member cannot crowd out the others, and refusals are private,
say when to try again, write nothing, and show in /muse status and /metrics."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.sandbox import InteractionHandle, Sandbox
from models import FakeEngine

from .conftest import MuseHarness, start_muse
from .test_ops_endpoint import get, ops_url
from .test_write import finished

pytestmark = pytest.mark.e2e

RELATIVE_TIME = re.compile(r"<t:\d+:R>")


@pytest.fixture
async def gated(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(replies=None, delay=0.001, queue_depth=32),
        ops_port=0,
    )
    assert isinstance(harness.engine, FakeEngine)
    harness.engine.gate = asyncio.Event()  # every generation waits until the test opens it
    yield harness
    harness.engine.gate.set()
    await harness.stop()
    assert not sandbox.unknown_routes


def refusal_text(ix: InteractionHandle) -> str:
    call = ix.callback_calls[0]
    assert isinstance(call.json, dict)
    data = call.json["data"]
    assert data["flags"] & 64, "a refusal must be private"
    return str(data["content"])


async def test_a_spammer_gets_two_at_once_and_others_are_still_served(
    gated: MuseHarness,
) -> None:
    sandbox = gated.sandbox
    spammer, honest = sandbox.members[0], sandbox.members[1]
    spam = await asyncio.gather(
        *(
            sandbox.slash("write", {"form": "poem", "topic": f"spam {i}"}, user=spammer)
            for i in range(6)
        )
    )
    kinds = [await ix.acknowledged() for ix in spam]
    assert kinds.count(5) == 2, "two generations in flight for one member, deferred"
    refused = [ix for ix, kind in zip(spam, kinds, strict=True) if kind == 4]
    assert len(refused) == 4
    for ix in refused:
        text = refusal_text(ix)
        assert RELATIVE_TIME.search(text), text
        assert "@" not in text

    # Nothing was queued for the refused ones: only two requests reached the model.
    def queued() -> int:
        stats = gated.engine.stats()
        return stats.waiting + stats.running

    await sandbox.wait_until(lambda: queued() >= 2, 5)
    await asyncio.sleep(0.2)
    assert queued() == 2

    other = await sandbox.slash("write", {"form": "poem", "topic": "mine"}, user=honest)
    assert await other.acknowledged() == 5

    status = await sandbox.slash("muse status", user=honest)
    embed = (await status.final_message()).embeds[0]
    fair = next(f for f in embed["fields"] if f["name"].startswith("Refused"))
    assert "member busy 4" in fair["value"]
    assert "3 in flight" in fair["value"]

    _, text = await get(f"{ops_url(gated)}/metrics")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    assert samples[("muse_generation_rejections_total", (("reason", "member_busy"),))] == 4
    assert samples[("muse_generation_rejections_total", (("reason", "queue_full"),))] == 0

    gated.engine.gate.set()  # type: ignore[attr-defined]
    done = [ix for ix, kind in zip(spam, kinds, strict=True) if kind == 5]
    for ix in [*done, other]:
        assert "cut off" not in (await finished(sandbox, ix))[0].content
    # Once the first two are finished the member may write again.
    again = await sandbox.slash("write", {"form": "poem", "topic": "later"}, user=spammer)
    assert await again.acknowledged() == 5
    await finished(sandbox, again)


async def test_regenerate_is_limited_by_the_same_share(gated: MuseHarness) -> None:
    sandbox = gated.sandbox
    member = sandbox.members[0]
    gated.engine.gate.set()  # type: ignore[attr-defined]
    first = await sandbox.slash("write", {"form": "poem", "topic": "sea"}, user=member)
    message = (await finished(sandbox, first))[-1]
    regen_id = next(c for c in message.custom_ids() if c.startswith("muse:write:regen:"))
    gated.engine.gate = asyncio.Event()  # type: ignore[attr-defined]
    presses = await asyncio.gather(
        *(sandbox.click(message, regen_id, user=member) for _ in range(4))
    )
    kinds = [await ix.acknowledged() for ix in presses]
    assert kinds.count(5) == 2
    for ix, kind in zip(presses, kinds, strict=True):
        if kind == 4:
            assert RELATIVE_TIME.search(refusal_text(ix))
    gated.engine.gate.set()  # type: ignore[attr-defined]


async def test_one_server_cannot_take_more_than_its_cap(sandbox: Sandbox, tmp_path: Path) -> None:
    muse = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(delay=0.001, queue_depth=32),
        guild_generations=3,
    )
    assert isinstance(muse.engine, FakeEngine)
    muse.engine.gate = asyncio.Event()
    try:
        members = [await sandbox.add_member(f"fan{i}") for i in range(4)]
        handles = [
            await sandbox.slash("write", {"form": "poem", "topic": f"t{i}"}, user=m)
            for i, m in enumerate(members)
        ]
        kinds = [await ix.acknowledged() for ix in handles]
        assert kinds == [5, 5, 5, 4]
        assert "many members" in refusal_text(handles[3])
    finally:
        muse.engine.gate.set()
        await muse.stop()
