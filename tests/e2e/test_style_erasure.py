"""Erasure is complete: a member's data, seeded through every feature the bot has, is gone from
every table and column, from the database file and its WAL, and from Muse's log after
/style forget or /erase-member (their story segments stay, credited to "a former member").
A story turn the member held moves on and the thread is told; an admin's moderation (prompt-of-
the-day settings, queued prompts, reviews) stays without their id.

Seeding fails when a feature is missing: a feature that stops registering its commands must not
quietly drop out of this test."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Sandbox
from models import ChatMessage, FakeEngine, GenerationOptions
from models.fake import _default_responder

from .conftest import MuseHarness, start_muse

pytestmark = pytest.mark.e2e

MARK = "Zephyrine"  # in everything the member writes that must go; in nothing else
SHARED = "Tidewalker"  # in the member's story segment, which stays with the story
FORMER = "a former member"
FEATURES = {"write", "style", "potd", "story", "lyrics", "sprint", "erase-member", "mydata"}
MUSE_LOGGERS = ("bot", "cogs", "models")


def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    schema = options.json_schema or {}
    if schema.get("title") == "TraitReport":
        return json.dumps(
            {"traits": [{"kind": "theme", "value": "tides", "confidence": 0.5, "evidence": "x"}]}
        )
    lines = schema.get("properties", {}).get("lines", {})
    if "minItems" in lines:  # the lyric studio's drafts
        return json.dumps({"lines": ["The harbour sleeps beneath the rain"] * lines["minItems"]})
    return _default_responder(messages, options)


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(responder, delay=0.001)
    )
    yield harness
    await harness.stop()


def command_names(sandbox: Sandbox) -> set[str]:
    return {str(c["name"]) for c in sandbox.commands(sandbox.guild)}


async def done(ix: Any) -> str:
    message = await ix.final_message()
    return str(message.content)


async def seed_everything(muse: MuseHarness, alice: Any, bob: Any) -> None:
    """Alice (and Bob, so shared things have other people in them) use every feature."""
    sandbox, services, gid = muse.sandbox, muse.bot.services, muse.sandbox.guild.id
    missing = FEATURES - command_names(sandbox)
    assert not missing, f"features this test seeds are gone: {missing}"
    await done(await sandbox.slash("style optin", user=alice))
    await done(await sandbox.slash("style set", {"themes": f"{MARK} tides"}, user=alice))
    ix = await sandbox.slash("style sample", user=alice)
    await ix.wait_modal()
    await done(
        await sandbox.submit_modal(
            ix, {"muse:style:sample:title": MARK, "muse:style:sample:text": f"{MARK} " * 8}
        )
    )
    for who, topic in ((alice, f"{MARK} at sea"), (bob, "a quiet harbour")):
        ix = await sandbox.slash("write", {"form": "poem", "topic": topic}, user=who)
        await ix.final_message()
    # The prompt of the day.
    ix = await sandbox.slash(
        "potd setup",
        {"channel": sandbox.channel, "time": "08:01", "timezone": "UTC", "medium": "writing"},
        user=sandbox.admin,
    )
    await ix.final_message()
    muse.clock.advance(timedelta(minutes=2))  # the post is due a minute after set-up
    await services.potd.post_if_due(gid)
    ix = await sandbox.slash("potd submit", {"text": f"{MARK} answers the prompt"}, user=alice)
    await ix.final_message()
    await muse.bot.services.outbox.settle()
    ix = await sandbox.slash(
        "potd suggest", {"title": "Idea", "prompt": f"{MARK} suggests a prompt"}, user=alice
    )
    await ix.final_message()
    # A story in which it is the member's turn when they are erased.
    await hold_the_turn(muse, alice, bob)
    # The lyric studio.
    ix = await sandbox.slash(
        "lyrics draft",
        {"topic": f"{MARK} by the sea", "structure": "verse", "lines": 2},
        user=alice,
    )
    draft = await ix.final_message(timeout=30)
    save = [
        c["custom_id"]
        for row in draft.components
        for c in row.get("components", [])
        if str(c.get("custom_id", "")).startswith("muse:lyrics:save:")
    ]
    assert save, "the lyric draft has no Save button"
    await (await sandbox.click(draft, save[0], user=alice)).final_message()
    # Melodies: the saved draft's, and one of pasted lines (which no draft takes with it).
    for options in ({"draft": f"{MARK} by the sea"}, {"lines": f"{MARK} sings / by the wall"}):
        melody = await (await sandbox.slash("lyrics melody", options, user=alice)).final_message()
        assert melody.attachments, melody.content
    # A writing sprint she started, with Bob in it, and her word count.
    await done(await sandbox.slash("sprint start", {"duration": 5, "delay": 1}, user=alice))
    await done(await sandbox.slash("sprint join", {}, user=bob))
    muse.clock.advance(timedelta(minutes=2))
    await services.sprint.recover(lambda _guild: True)  # the start, as its timer would
    await done(await sandbox.slash("sprint words", {"count": 42, "mode": "added"}, user=alice))
    await services.outbox.settle()
    # The works index: Alice's public works, and a shared story she started.
    await services.style.index_work(
        guild_id=gid, kind="potd_submission", ref="p1", title=MARK, text=MARK, author_id=alice.id
    )
    await services.style.index_work(
        guild_id=gid, kind="lyrics", ref="l1", title="Song", text=f"{MARK} la", author_id=alice.id
    )
    await services.style.index_work(
        guild_id=gid, kind="story", ref="s1", title="Tides", text="waves", author_id=alice.id
    )
    muse.clock.advance(timedelta(minutes=5))
    await services.style.drain()


async def hold_the_turn(muse: MuseHarness, member: Any, other: Any) -> None:
    """``member`` starts a story, ``other`` joins and writes: it is ``member``'s turn."""
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "story start",
        {"title": "Tides", "genre": "fantasy", "opening": f"{SHARED} walked into the sea."},
        user=member,
    )
    await ix.final_message()
    story = (await muse.bot.repos.stories.find_by_title(sandbox.guild.id, "Tides"))[0]
    await (await sandbox.slash("story join", {"story": str(story.id)}, user=other)).final_message()
    ix = await sandbox.slash(
        "story write", {"story": str(story.id), "text": "The gulls answered."}, user=other
    )
    await ix.final_message()
    fresh = await muse.bot.repos.stories.get(story.id)
    assert fresh is not None and fresh.current_user_id == member.id


async def confirm_erasure(
    muse: MuseHarness, command: str, options: dict[str, Any], by: Any
) -> None:
    ix = await muse.sandbox.slash(command, options, user=by)
    prompt = await ix.final_message()
    confirm = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if c["custom_id"].startswith("muse:style:erase:")
    )
    assert "erased" in await done(await muse.sandbox.click(prompt, confirm, user=by))
    await muse.bot.services.style.drain()


async def on_disk(muse: MuseHarness, word: str) -> list[str]:
    """The database files (main and WAL) that still hold ``word`` in any case (FTS5 stores
    lower-cased stems, so the first 8 letters are looked for)."""
    needle = word.lower()[:8].encode()

    def holders() -> list[str]:
        paths = (Path(str(muse.database) + suffix) for suffix in ("", "-wal"))
        return [p.name for p in paths if p.exists() and needle in p.read_bytes().lower()]

    return await asyncio.to_thread(holders)


async def story_turn_moved_on(muse: MuseHarness, erased: Any, heir: Any) -> None:
    story = (await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, "Tides"))[0]
    assert story.current_user_id == heir.id
    told = [m.content for m in muse.sandbox.messages_in(story.thread_id) if FORMER in m.content]
    assert told, "the thread was not told that the writer left"
    assert not any(erased.user.username in t for t in told)


async def traces(muse: MuseHarness, user_id: int, name: str) -> list[str]:
    """Every (table, column) that still holds the member's id, name or writing."""
    db = muse.bot.repos.db
    found = []
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    for (table,) in rows:
        columns = [r[1] for r in await db.fetchall(f"PRAGMA table_info('{table}')")]
        for column in columns:
            matches = await db.fetchall(
                f'SELECT * FROM "{table}" WHERE "{column}" = ? '
                f'OR CAST("{column}" AS TEXT) LIKE ? OR CAST("{column}" AS TEXT) LIKE ? '
                f'OR CAST("{column}" AS TEXT) LIKE ?',
                (user_id, f"%{user_id}%", f"%{MARK}%", f"%{name}%"),
            )
            for row in matches:
                record = dict(zip(row.keys(), tuple(row), strict=True))
                # Shared story segments stay with the story, credited to a former member.
                if (
                    table == "story_segments"
                    and record.get("author_name") == FORMER
                    and user_id not in record.values()
                ):
                    continue
                found.append(f"{table}.{column}: {record}")
    return found


async def test_forget_leaves_nothing_that_identifies_the_member(
    muse: MuseHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox = muse.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    await seed_everything(muse, alice, bob)
    name = alice.user.username
    before = await traces(muse, alice.id, name)
    seeded_tables = {t.split(".")[0] for t in before}
    assert {
        "members",
        "generations",
        "style_preferences",
        "style_traits",
        "style_samples",
        "potd_submissions",
        "potd_suggestions",
        "story_participants",
        "stories",
        "lyrics_drafts",
        "melodies",
        "sprints",
        "sprint_participants",
    } <= seeded_tables, before
    assert await on_disk(muse, MARK)

    await confirm_erasure(muse, "style forget", {}, alice)

    assert await traces(muse, alice.id, name) == []
    assert await on_disk(muse, MARK) == []
    # Bob's things are untouched; Alice's story segment stays, credited to a former member.
    assert await traces(muse, bob.id, bob.user.username)
    rows = await muse.bot.repos.db.fetchall(
        "SELECT author_id, author_name FROM story_segments WHERE text LIKE ?", (f"%{SHARED}%",)
    )
    assert [tuple(r) for r in rows] == [(None, FORMER)]
    assert await muse.bot.repos.style.work(sandbox.guild.id, "story", "s1") is not None
    # It was Alice's turn: the story moved on to Bob and said so in its thread.
    await story_turn_moved_on(muse, alice, bob)
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(MUSE_LOGGERS) and not r.name.startswith("bot.sandbox")
    ]
    assert logged and not [line for line in logged if MARK.lower() in line.lower()]


async def test_erase_member_removes_an_admins_traces(muse: MuseHarness) -> None:
    """An admin set up the prompt of the day, queued a prompt, reviewed a suggestion and holds
    a story turn; another admin erases them with /erase-member."""
    sandbox = muse.sandbox
    bob = sandbox.members[1]
    carol = await sandbox.add_member("carol", admin=True)
    ix = await sandbox.slash(
        "potd setup",
        {"channel": sandbox.channel, "time": "08:01", "timezone": "UTC", "medium": "writing"},
        user=carol,
    )
    await ix.final_message()
    ix = await sandbox.slash(
        "potd queue add",
        {"title": "Harbour lights", "prompt": "Paint the harbour when the lights come on."},
        user=carol,
    )
    await ix.final_message()
    ix = await sandbox.slash(
        "potd suggest",
        {"title": "Foghorn", "prompt": "A foghorn's song, in three colours."},
        user=bob,
    )
    await ix.final_message()
    ix = await sandbox.slash("potd review", user=carol)
    review = await ix.final_message()
    approve = next(
        c["custom_id"]
        for row in review.components
        for c in row["components"]
        if ":approve:" in c["custom_id"]
    )
    await (await sandbox.click(review, approve, user=carol)).response()
    await hold_the_turn(muse, carol, bob)
    before = {t.split(".")[0] for t in await traces(muse, carol.id, carol.user.username)}
    assert {"potd_config", "potd_queue", "potd_suggestions", "stories"} <= before, before

    await confirm_erasure(muse, "erase-member", {"user_id": str(carol.id)}, sandbox.admin)

    assert await traces(muse, carol.id, carol.user.username) == []
    # Their moderation stays, without them: the setup, the queued and the approved prompts.
    queue = await muse.bot.repos.db.fetchall("SELECT title, added_by FROM potd_queue ORDER BY id")
    assert [r["title"] for r in queue] == ["Harbour lights", "Foghorn"]
    assert await muse.bot.repos.db.fetchone("SELECT 1 FROM potd_config") is not None
    await story_turn_moved_on(muse, carol, bob)
