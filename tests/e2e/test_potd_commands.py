"""Prompt of the day, end to end: permissions, timezones, curation, submissions, streaks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMessage
from bot.services.potd import job_id
from models import FakeEngine
from tests.e2e.conftest import MuseHarness, assert_no_unwanted_pings, start_muse
from tests.e2e.test_potd_schedule import caught_up, fire_cron, posts_in, setup_potd

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))  # 07:00 in Berlin (CEST)
    harness = await start_muse(sandbox, tmp_path, clock=clock)
    await caught_up(harness)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes


async def reply_text(ix: object) -> str:
    message: StoredMessage = await ix.final_message()  # type: ignore[attr-defined]
    return message.content


async def test_non_admins_are_refused_configuration_and_nothing_changes(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    attempts: list[tuple[str, dict[str, Any]]] = [
        (
            "potd setup",
            {"channel": sandbox.channel, "time": "10:00", "timezone": "UTC", "medium": "music"},
        ),
        ("potd pause", {}),
        ("potd resume", {}),
        ("potd settings", {}),
        ("potd preview", {}),
        ("potd review", {}),
        ("potd queue add", {"title": "Sneaky", "prompt": "A prompt nobody approved of."}),
        ("potd queue list", {}),
        ("potd queue remove", {"item": 1}),
        ("potd calendar set", {"words": "one, two, three"}),
        ("potd calendar clear", {}),
    ]
    for name, options in attempts:  # before any setup
        ix = await sandbox.slash(name, options, user=alice)
        message = await ix.final_message()
        assert message.ephemeral and "Manage Server" in message.content, (name, message.content)
    assert await muse.bot.repos.potd.get_config(sandbox.guild.id) is None
    assert muse.bot.scheduler.get_job(job_id(sandbox.guild.id)) is None

    await setup_potd(muse, time="09:00", timezone="Europe/Berlin", medium="visual")
    before = await muse.bot.repos.potd.get_config(sandbox.guild.id)
    for name, options in attempts[:3] + attempts[6:7] + attempts[9:10]:  # and after it
        ix = await sandbox.slash(name, options, user=alice)
        assert "Manage Server" in await reply_text(ix), name
    assert await muse.bot.repos.potd.get_config(sandbox.guild.id) == before
    assert await muse.bot.repos.potd.queued(sandbox.guild.id) == []
    assert await muse.bot.repos.potd.get_calendar(sandbox.guild.id) == {}
    job = muse.bot.scheduler.get_job(job_id(sandbox.guild.id))
    assert job is not None and str(job.trigger.timezone) == "Europe/Berlin"
    assert muse.engine.prompts == []  # type: ignore[attr-defined]
    # The command group is usable by members (submit, streak), so the check is in code.
    synced = {c["name"]: c for c in sandbox.commands()}
    assert synced["potd"]["default_member_permissions"] is None


async def test_timezones_are_validated_suggested_and_autocompleted(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "potd setup",
        {
            "channel": sandbox.channel,
            "time": "09:00",
            "timezone": "Europe/Berln",
            "medium": "writing",
        },
        user=sandbox.admin,
    )
    text = await reply_text(ix)
    assert "not an IANA timezone" in text and "Europe/Berlin" in text
    ix = await sandbox.slash(
        "potd setup",
        {
            "channel": sandbox.channel,
            "time": "25:61",
            "timezone": "Europe/Berlin",
            "medium": "writing",
        },
        user=sandbox.admin,
    )
    assert "time" in (await reply_text(ix)).lower()
    assert await muse.bot.repos.potd.get_config(sandbox.guild.id) is None

    choices = await sandbox.autocomplete(
        "potd setup",
        {"channel": sandbox.channel, "time": "09:00", "timezone": "berl", "medium": "writing"},
        "timezone",
        user=sandbox.admin,
    )
    assert "Europe/Berlin" in [c["value"] for c in choices]
    choices = await sandbox.autocomplete(
        "potd setup", {"timezone": "new york"}, "timezone", user=sandbox.admin
    )
    assert "America/New_York" in [c["value"] for c in choices]

    await setup_potd(muse, time="7:30 pm", timezone="america/new_york", medium="writing")
    config = await muse.bot.repos.potd.get_config(sandbox.guild.id)
    assert config is not None
    assert (config.post_time, config.timezone) == ("19:30", "America/New_York")
    ix = await sandbox.slash("potd settings", user=sandbox.admin)
    settings = await ix.final_message()
    fields = {f["name"]: f["value"] for f in settings.embeds[0]["fields"]}
    assert fields["Time"] == "19:30 America/New_York" and "running" in fields["Status"]


async def test_queue_and_approved_suggestions_come_before_generation(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    await setup_potd(muse, medium="writing")
    ix = await sandbox.slash(
        "potd queue add",
        {
            "title": "The Admin's Pick",
            "prompt": "Write about a door you were never allowed to open.",
            "twists": "Second person; Under 200 words",
        },
        user=sandbox.admin,
    )
    assert "Queued as" in await reply_text(ix)
    for user, title in ((alice, "Alice's Lighthouse"), (bob, "Bob's Bad Idea")):
        ix = await sandbox.slash(
            "potd suggest",
            {"title": title, "prompt": f"{title}: a suggestion with enough words in it."},
            user=user,
        )
        assert "waiting for the admins" in await reply_text(ix)

    ix = await sandbox.slash("potd review", user=sandbox.admin)
    review = await ix.final_message()
    assert review.embeds[0]["title"] == "Alice's Lighthouse"
    approve = next(c for c in _custom_ids(review) if ":approve:" in c)
    refused = await sandbox.click(review, approve, user=alice)  # a member can't approve
    assert "Manage Server" in (await refused.final_message()).content
    clicked = await sandbox.click(review, approve, user=sandbox.admin)
    await clicked.response()
    await sandbox.wait_until(lambda: "Bob's Bad Idea" in str(sandbox.message(review.id).embeds))
    reject = next(c for c in _custom_ids(sandbox.message(review.id)) if ":reject:" in c)
    clicked = await sandbox.click(sandbox.message(review.id), reject, user=sandbox.admin)
    await clicked.response()
    await sandbox.wait_until(lambda: "No suggestions" in sandbox.message(review.id).content)
    assert _custom_ids(sandbox.message(review.id)) == []  # nothing left to review

    ix = await sandbox.slash("potd queue list", user=sandbox.admin)
    listing = (await ix.final_message()).embeds[0]["description"]
    assert listing.index("The Admin's Pick") < listing.index("Alice's Lighthouse")
    assert "Bob's Bad Idea" not in listing

    titles = []
    for _ in range(3):
        await fire_cron(muse, sandbox.guild.id)
        titles.append(posts_in(sandbox, sandbox.channel)[-1].embeds[0]["title"])
        if len(titles) < 3:
            assert muse.engine.prompts == []  # type: ignore[attr-defined]
    assert titles[:2] == ["The Admin's Pick", "Alice's Lighthouse"]
    assert titles[2] not in titles[:2]
    assert muse.engine.prompts  # type: ignore[attr-defined]  # the third day asked the model
    first = posts_in(sandbox, sandbox.channel)[0].embeds[0]
    assert "Second person" in str(first["fields"])


async def test_submissions_streaks_and_leaderboard(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice, bob, carol = sandbox.members
    await setup_potd(muse)
    ix = await sandbox.slash("potd submit", {"text": "too early"}, user=alice)
    assert "no prompt of the day" in (await reply_text(ix)).lower()

    plan = [[alice, bob], [alice], [alice, bob]]  # bob misses the second day
    for day, submitters in enumerate(plan):
        await fire_cron(muse, sandbox.guild.id)
        post = posts_in(sandbox, sandbox.channel)[-1]
        assert post.thread_id is not None
        for member in submitters:
            options: dict[str, object] = {"text": f"My answer for day {day + 1}."}
            if member is bob:
                options["file"] = ("sketch.png", PNG, "image/png")
            ix = await sandbox.slash("potd submit", options, user=member)
            reply = await ix.final_message()
            assert reply.ephemeral and "Submitted to" in reply.content, reply.content
        await muse.bot.services.outbox.settle()  # the outbox posts it in the thread
        thread_messages = sandbox.messages_in(post.thread_id)
        assert len(thread_messages) == len(submitters)
        if bob in submitters:
            bobs = next(m for m in thread_messages if str(bob.id) in m.content)
            assert bobs.attachment_names == ["sketch.png"]
    ix = await sandbox.slash("potd submit", {"text": "again"}, user=alice)
    assert "already answered" in await reply_text(ix)
    ix = await sandbox.slash("potd submit", {}, user=carol)
    assert "text, a file" in await reply_text(ix)

    service = muse.bot.services.potd
    assert (await service.streak(sandbox.guild.id, alice.id)).current == 3
    bob_streak = await service.streak(sandbox.guild.id, bob.id)
    assert (bob_streak.current, bob_streak.best, bob_streak.total) == (1, 1, 2)
    ix = await sandbox.slash("potd streak", user=alice)
    assert "**3**" in await reply_text(ix)
    ix = await sandbox.slash("potd streak", {"member": bob}, user=alice)
    assert "**1**" in await reply_text(ix)

    # A new day's prompt that alice hasn't answered yet doesn't break her streak; missing it does.
    await fire_cron(muse, sandbox.guild.id)
    assert (await service.streak(sandbox.guild.id, alice.id)).current == 3
    await fire_cron(muse, sandbox.guild.id)
    alice_now = await service.streak(sandbox.guild.id, alice.id)
    assert (alice_now.current, alice_now.best) == (0, 3)

    ix = await sandbox.slash("potd leaderboard", user=carol)
    board = (await ix.final_message()).embeds[0]["description"]
    assert board.index(str(alice.id)) < board.index(str(bob.id))
    assert str(carol.id) not in board
    assert_no_unwanted_pings(sandbox.calls)


async def test_history_is_paginated(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    await setup_potd(muse)
    for _ in range(12):
        await fire_cron(muse, sandbox.guild.id)
    ix = await sandbox.slash("potd history", user=sandbox.members[0])
    page = await ix.final_message()
    assert page.embeds[0]["description"].count("\n") == 9  # ten lines
    assert "Page 1 of 2" in page.embeds[0]["footer"]["text"]
    older = next(c for c in _custom_ids(page) if ":next:" in c)
    clicked = await sandbox.click(page, older, user=sandbox.members[0])
    await clicked.response()
    await sandbox.wait_until(
        lambda: "Page 2 of 2" in sandbox.message(page.id).embeds[0]["footer"]["text"]
    )
    assert sandbox.message(page.id).embeds[0]["description"].count("`2026-05-") == 2


async def test_preview_regenerates_and_keeps_into_the_queue(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    counter = iter(range(100))

    def responder(messages: object, options: object) -> str:
        n = next(counter)
        titles = ["Amber Alleyways", "Violet Orchards", "Copper Kettles", "Silent Quarry"]
        return (
            f'{{"title": "{titles[n % 4]}", "prompt": "Paint the scene number {n} in one hour '
            f'with a limited palette.", "twists": [], "tags": ["colour"]}}'
        )

    clock = FakeClock(datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    muse = await start_muse(
        sandbox, tmp_path, clock=clock, engine_factory=lambda: FakeEngine(responder)
    )
    try:
        await setup_potd(muse)
        ix = await sandbox.slash("potd preview", user=sandbox.admin)
        preview = await ix.final_message()
        assert preview.ephemeral and preview.embeds[0]["title"] == "Amber Alleyways"
        again = next(c for c in _custom_ids(preview) if c.endswith(":again"))
        clicked = await sandbox.click(preview, again, user=sandbox.admin)
        await clicked.response()
        await sandbox.wait_until(
            lambda: sandbox.message(preview.id).embeds[0]["title"] == "Violet Orchards"
        )
        keep = next(c for c in _custom_ids(sandbox.message(preview.id)) if ":keep:" in c)
        clicked = await sandbox.click(sandbox.message(preview.id), keep, user=sandbox.admin)
        await clicked.response()
        await sandbox.wait_until(lambda: "Queued as" in sandbox.message(preview.id).content)
        queued = await muse.bot.repos.potd.queued(sandbox.guild.id)
        assert [q.title for q in queued] == ["Violet Orchards"]
        assert await muse.bot.repos.potd.latest_post(sandbox.guild.id) is None  # nothing posted

        # The calendar word of the day reaches the model and the post.
        ix = await sandbox.slash(
            "potd calendar set", {"words": "ember, tide, moss, lantern, crow"}, user=sandbox.admin
        )
        assert "5 days" in await reply_text(ix)
        muse.clock.set(datetime(2026, 5, 5, 5, 0, tzinfo=UTC))
        await fire_cron(muse, sandbox.guild.id)  # 5 May: the queued prompt, word "crow"
        post = posts_in(sandbox, sandbox.channel)[-1].embeds[0]
        assert post["title"] == "Violet Orchards"
        assert {"name": "Word of the day", "value": "crow", "inline": True} in post["fields"]
    finally:
        await muse.stop()


def _custom_ids(message: StoredMessage) -> list[str]:
    found = []
    for row in message.components:
        for component in row.get("components", []):
            if component.get("custom_id"):
                found.append(str(component["custom_id"]))
    return found


async def test_setup_sets_the_servers_medium_that_inspire_reads(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    guild_id = sandbox.guild.id
    assert (await muse.bot.repos.guilds.get(guild_id)).medium == "mixed"  # nothing set yet
    reply = await setup_potd(muse, medium="music")
    assert reply.ephemeral and reply.embeds
    assert (await muse.bot.repos.guilds.get(guild_id)).medium == "music"
    await setup_potd(muse, medium="writing")
    assert (await muse.bot.repos.guilds.get(guild_id)).medium == "writing"
    # A refused setup changes nothing.
    ix = await sandbox.slash(
        "potd setup",
        {"channel": sandbox.channel, "time": "09:00", "timezone": "UTC", "medium": "visual"},
        user=sandbox.members[0],
    )
    assert "Manage Server" in (await ix.final_message()).content
    assert (await muse.bot.repos.guilds.get(guild_id)).medium == "writing"
