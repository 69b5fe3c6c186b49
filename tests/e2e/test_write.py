"""/write end to end: the real bot against the sandbox over sockets (FakeEngine unless noted)."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import discord
import pytest

from bot.sandbox import InteractionHandle, Sandbox, StoredMessage
from bot.services.continuation import MAX_COPIED_SHARE, copied_share
from models import FakeEngine

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

CURSOR = "▌"


async def finished(
    sandbox: Sandbox, ix: InteractionHandle, timeout: float = 20
) -> list[StoredMessage]:
    """Wait until the reply is complete: buttons under the last message, no cursor anywhere."""

    def done() -> list[StoredMessage] | None:
        messages = ix.messages
        if not messages or any(m.loading for m in messages):
            return None
        if any(CURSOR in m.content for m in messages):
            return None
        if not messages[-1].custom_ids() and "*(" not in messages[-1].content:
            return None
        return messages

    result: list[StoredMessage] = await sandbox.wait_until(done, timeout)
    return result


def body_of(messages: list[StoredMessage]) -> str:
    return "\n".join(m.content for m in messages)


async def test_start_ready_and_commands_synced_once(sandbox: Sandbox, tmp_path: Path) -> None:
    muse = await start_muse(sandbox, tmp_path)
    try:
        names = {c["name"] for c in sandbox.commands()}
        assert {"write", "muse"} <= names
        write = next(c for c in sandbox.commands() if c["name"] == "write")
        assert write["description"].startswith("Write a poem")
        syncs = [c for c in sandbox.calls if c.method == "PUT" and c.path.endswith("/commands")]
        assert len(syncs) == 1
        await muse.restart()
        syncs = [c for c in sandbox.calls if c.method == "PUT" and c.path.endswith("/commands")]
        assert len(syncs) == 1, "an unchanged command set must not be synced again"
        assert muse.bot.intents == discord.Intents(guilds=True)  # minimal intents
    finally:
        await muse.stop()


async def test_dev_guild_sync_goes_to_that_guild_only(sandbox: Sandbox, tmp_path: Path) -> None:
    muse = await start_muse(sandbox, tmp_path, dev_guild_id=sandbox.guild.id)
    try:
        syncs = [c for c in sandbox.calls if c.method == "PUT" and c.path.endswith("/commands")]
        assert len(syncs) == 1 and f"/guilds/{sandbox.guild.id}/commands" in syncs[0].path
        assert {"write", "muse"} <= {c["name"] for c in sandbox.commands(sandbox.guild)}
    finally:
        await muse.stop()


async def test_write_streams_with_throttled_edits_and_a_complete_final_edit(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    words = " ".join(f"word{i}" for i in range(120))
    muse = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(replies=[words], delay=0.03),
        stream_edit_interval=1.0,
    )
    try:
        ix = await sandbox.slash(
            "write", {"form": "poem", "topic": "rain"}, user=sandbox.members[0]
        )
        messages = await finished(sandbox, ix)
        assert ix.latency is not None and ix.latency < 3.0
        original = messages[0]
        assert not original.ephemeral
        assert original.content.startswith("**Poem · rain**")
        assert original.content.endswith("word119")  # the final edit holds the complete text
        edits = [e for e in original.edits if "content" in e.body]
        assert len(edits) >= 3, "the reply should stream in several edits"
        assert any(CURSOR in e.body["content"] for e in edits[:-1])
        gaps = [b.at - a.at for a, b in itertools.pairwise(edits[:-1])]
        assert all(gap >= 0.9 for gap in gaps), f"streaming edits came too fast: {gaps}"
        assert {"muse:write:regen:1", "muse:write:cont:1"} <= set(original.custom_ids())
        assert assert_no_unwanted_pings(sandbox.calls) >= 3
    finally:
        await muse.stop()


async def test_long_reply_splits_cleanly_into_follow_ups(sandbox: Sandbox, tmp_path: Path) -> None:
    paragraph = "Lighthouses remember extraordinary conversations between weathered fishermen. " * 3
    code = "```\n" + "\n".join(f"verse_{i} = chant({i})" for i in range(40)) + "\n```"
    reply = "\n\n".join([paragraph] * 14 + [code] + [paragraph] * 6)
    assert len(reply) > 5000 and len(reply.split(" ")) < 700  # fits the "long" token budget
    muse = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(replies=[reply], delay=0.0005)
    )
    try:
        ix = await sandbox.slash(
            "write", {"form": "story", "topic": "tides", "length": "long"}, user=sandbox.admin
        )
        messages = await finished(sandbox, ix)
        assert len(messages) >= 3
        assert all(len(m.content) <= 2000 for m in messages)
        for message in messages:
            assert message.content.count("```") % 2 == 0, "a message broke a code block"
        assert " ".join(body_of(messages).split()).endswith(" ".join(reply.split())[-200:])
        normalised = " ".join(body_of(messages).replace("**Short story · tides**", "").split())
        assert normalised == " ".join(reply.split())
        # Every page but the last ends at a paragraph or sentence boundary.
        for message in messages[:-1]:
            assert message.content.rstrip().endswith((".", "```")), message.content[-40:]
        assert messages[-1].custom_ids(), "the buttons belong under the last message"
    finally:
        await muse.stop()


async def test_queue_position_shows_under_load(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    assert isinstance(muse.engine, FakeEngine)
    muse.engine.gate = asyncio.Event()
    first = await sandbox.slash("write", {"form": "poem", "topic": "one"}, user=sandbox.members[0])
    second = await sandbox.slash("write", {"form": "poem", "topic": "two"}, user=sandbox.members[1])

    def queued() -> bool:
        original = second.original
        return original is not None and "position 1 in the queue" in original.content

    await sandbox.wait_until(queued, 5)
    assert "you're next" in second.original.content  # type: ignore[union-attr]
    muse.engine.gate.set()
    await finished(sandbox, first)
    messages = await finished(sandbox, second)
    assert "queue" not in messages[0].content and "two" in messages[0].content


async def test_nothing_pings_anyone_even_with_everyone_in_the_topic(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "write",
        {"form": "poem", "topic": f"@everyone @here <@{sandbox.members[1].id}> <@&1> hello"},
        user=sandbox.members[0],
    )
    messages = await finished(sandbox, ix)
    assert "@everyone" in body_of(messages)
    bad = await sandbox.slash("write", {"form": "poem", "topic": " "}, user=sandbox.members[0])
    await bad.final_message()
    status = await sandbox.slash("muse status", user=sandbox.members[0])
    await status.final_message()
    assert assert_no_unwanted_pings(sandbox.calls) >= 4


async def test_thirty_concurrent_writes_from_ten_members(sandbox: Sandbox, tmp_path: Path) -> None:
    # Three at once per member and thirty in one server: above the default fair share (two per
    # member, half the queue per server), which has tests of its own.
    muse = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(delay=0.002, queue_depth=64),
        member_generations=3,
        guild_generations=30,
    )
    try:
        members = [sandbox.admin, *sandbox.members]
        for index in range(10 - len(members)):
            members.append(await sandbox.add_member(f"writer{index}"))
        handles = await asyncio.gather(
            *(
                sandbox.slash(
                    "write", {"form": "poem", "topic": f"topic {i}"}, user=members[i % 10]
                )
                for i in range(30)
            )
        )
        results = await asyncio.gather(*(finished(sandbox, ix, timeout=60) for ix in handles))
        assert all(ix.latency is not None and ix.latency < 3.0 for ix in handles)
        for index, messages in enumerate(results):
            assert f"topic {index}" in messages[0].content
            assert "cut off" not in messages[0].content
        assert len({m[0].id for m in results}) == 30
        assert muse.engine.stats().requests_served == 30
    finally:
        await muse.stop()


async def test_dropped_gateway_is_resumed_and_the_next_command_works(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    await sandbox.drop_gateway()
    await sandbox.wait_for_event("RESUMED", timeout=15)
    ix = await sandbox.slash("write", {"form": "poem", "topic": "after"}, user=sandbox.members[0])
    messages = await finished(sandbox, ix)
    assert "after" in messages[0].content
    await sandbox.send_reconnect()
    await sandbox.wait_until(lambda: len(sandbox.dispatched("RESUMED")) >= 2, 15)
    ix = await sandbox.slash("muse status", user=sandbox.members[0])
    assert (await ix.final_message()).embeds


async def test_model_failure_gives_a_friendly_reply_and_the_bot_stays_up(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    assert isinstance(muse.engine, FakeEngine)
    muse.engine.fail_next = 1
    ix = await sandbox.slash("write", {"form": "poem", "topic": "doom"}, user=sandbox.members[0])
    messages = await finished(sandbox, ix)
    text = messages[0].content
    assert "couldn't" in text or "failed" in text or "wrong" in text
    assert "Traceback" not in text and "FakeEngineFailure" not in text
    ok = await sandbox.slash("write", {"form": "poem", "topic": "hope"}, user=sandbox.members[0])
    assert "hope" in (await finished(sandbox, ok))[0].content


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("x" * 6000, "6,000 characters"),
        ("   \t  ", "can't be empty"),
        ("\u200b\u200c\u200d\ufeff", "can't be empty"),
        ("\x00\x01\x02\x07", "can't be empty"),
        ("y" * 301, "limit is 300"),
    ],
)
async def test_bad_topics_get_clear_private_replies(
    muse: MuseHarness, topic: str, expected: str
) -> None:
    sandbox = muse.sandbox
    before = len(await muse.bot.db.fetchall("SELECT id FROM generations"))
    # Discord's client enforces the schema's lengths; a modified one need not, so the service
    # re-checks them.
    ix = await sandbox.slash(
        "write", {"form": "poem", "topic": topic}, user=sandbox.members[0], check_lengths=False
    )
    message = await ix.final_message()
    assert message.ephemeral and expected in message.content
    assert len(await muse.bot.db.fetchall("SELECT id FROM generations")) == before


async def test_control_characters_are_cleaned_not_refused(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "write",
        {"form": "poem", "topic": "sea\u200bside\x00 glow", "tone": " \u200b "},
        user=sandbox.members[0],
    )
    messages = await finished(sandbox, ix)
    assert messages[0].content.startswith("**Poem · seaside glow**")
    row = await muse.bot.db.fetchone("SELECT topic, tone FROM generations")
    assert row is not None and (row["topic"], row["tone"]) == ("seaside glow", None)


async def test_buttons_regenerate_and_continue_for_the_owner_only(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    owner, other = sandbox.members[0], sandbox.members[1]
    ix = await sandbox.slash("write", {"form": "poem", "topic": "moths"}, user=owner)
    first = (await finished(sandbox, ix))[-1]
    refused = await sandbox.click(first, "muse:write:regen:1", other)
    refusal = await refused.final_message()
    assert refusal.ephemeral and "Only the member who asked" in refusal.content
    again = await sandbox.click(first, "muse:write:regen:1", owner)
    regenerated = await finished(sandbox, again)
    assert regenerated[0].content.startswith("**Poem · moths**")
    assert regenerated[0].id != first.id
    cont = await sandbox.click(first, "muse:write:cont:1", owner)
    continued = await finished(sandbox, cont)
    assert "(continued)" in continued[0].content
    assert isinstance(muse.engine, FakeEngine)
    assert "Last lines:" in muse.engine.prompts[-1].text  # the piece's end, not all of it
    # After a restart the stored buttons still work.
    await muse.restart()
    after = await sandbox.click(first, "muse:write:cont:1", owner)
    assert "(continued)" in (await finished(sandbox, after))[0].content


async def test_shutdown_tells_members_their_generation_was_cut_off(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    muse = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(replies=["slow " * 2000], delay=0.02)
    )
    ix = await sandbox.slash("write", {"form": "poem", "topic": "late"}, user=sandbox.members[0])
    await sandbox.wait_until(lambda: ix.original is not None and "slow" in ix.original.content, 10)
    await muse.stop()
    assert ix.original is not None
    assert "cut off" in ix.original.content and CURSOR not in ix.original.content
    row = await _status_after(muse)
    assert row == "failed"


async def _status_after(muse: MuseHarness) -> str:
    from bot.db import Database

    db = Database(muse.database)
    await db.open()
    row = await db.fetchone("SELECT status FROM generations ORDER BY id DESC LIMIT 1")
    await db.close()
    assert row is not None
    return str(row["status"])


async def test_muse_status(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash("write", {"form": "poem", "topic": "x"}, user=sandbox.members[0])
    await finished(sandbox, ix)
    status = await sandbox.slash("muse status", user=sandbox.members[1])
    embed = (await status.final_message()).embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Model"].startswith("fake-model")
    assert fields["Requests served"] == "1"
    assert "waiting" in fields["Queue"] and fields["Version"]


@pytest.mark.model
async def test_write_on_the_real_model_streams_a_complete_piece(muse_real: MuseHarness) -> None:
    sandbox = muse_real.sandbox
    ix = await sandbox.slash(
        "write",
        {"form": "poem", "topic": "rain on a tin roof", "length": "short"},
        user=sandbox.members[0],
    )
    messages = await finished(sandbox, ix, timeout=300)  # a hang guard for a busy machine
    body = messages[0].content.removeprefix("**Poem · rain on a tin roof**").strip()
    assert len(body) > 20
    assert ix.latency is not None and ix.latency < 3.0
    assert assert_no_unwanted_pings(sandbox.calls) >= 2
    # /muse status says how the model runs on this CPU: the repacking choice and why.
    status = await sandbox.slash("muse status", user=sandbox.members[1])
    embed = (await status.final_message()).embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "weight repacking" in fields["CPU"] and "AMX" in fields["CPU"]


@pytest.mark.model
async def test_continue_on_the_real_model_adds_new_text(muse_real: MuseHarness) -> None:
    """Continue used to write the piece out again; its n-grams may now barely overlap."""
    sandbox = muse_real.sandbox
    owner = sandbox.members[0]
    ix = await sandbox.slash(
        "write", {"form": "poem", "topic": "rain", "length": "short"}, user=owner
    )
    first = await finished(sandbox, ix, timeout=90)
    original = "\n".join(m.content for m in first)
    generation_id = first[-1].custom_ids()[-1].rsplit(":", 1)[-1]
    cont = await sandbox.click(first[-1], f"muse:write:cont:{generation_id}", owner)
    continued = await finished(sandbox, cont, timeout=120)
    body = "\n".join(m.content for m in continued).split("(continued)**", 1)[-1].strip()
    assert body
    assert copied_share(body, original) <= MAX_COPIED_SHARE


async def test_rate_limited_edits_are_retried_and_the_reply_completes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    words = " ".join(f"tok{i}" for i in range(60))
    muse = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(replies=[words], delay=0.02),
        stream_edit_interval=0.3,
    )
    try:
        rule = sandbox.rate_limit_edits(every_n=2, retry_after=0.2)
        ix = await sandbox.slash("write", {"form": "poem", "topic": "limits"}, user=sandbox.admin)
        messages = await finished(sandbox, ix)
        assert rule.hits >= 1, "the sandbox should have answered at least one edit with 429"
        assert messages[0].content.endswith("tok59")
    finally:
        sandbox.clear_rate_limits()
        await muse.stop()


async def test_unexpected_errors_get_an_incident_id_that_is_in_the_log(
    muse: MuseHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(**_: object) -> None:
        raise RuntimeError("kaboom: secret internals")

    monkeypatch.setattr(muse.bot.services.writing, "write", broken)
    ix = await muse.sandbox.slash("write", {"form": "poem", "topic": "x"}, user=muse.sandbox.admin)
    message = await ix.final_message()
    assert message.ephemeral and "incident" in message.content
    assert "kaboom" not in message.content
    incident = message.content.split("**")[1]
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "kaboom" in str(logged[0].exc_info[1])


async def test_the_prompts_slot_markers_never_reach_the_reply(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    echoed = "<<<rain on a tin roof>>\nRain taps the tin,\nsoft <<as>> a sigh.\n"
    muse = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(replies=[echoed], delay=0.01)
    )
    try:
        ix = await sandbox.slash(
            "write", {"form": "poem", "topic": "rain on a tin roof"}, user=sandbox.admin
        )
        body = "\n".join(m.content for m in await finished(sandbox, ix))
        assert "Rain taps the tin,\nsoft as a sigh." in body
        assert "<<" not in body and ">>" not in body
    finally:
        await muse.stop()
