"""Erasure is complete: a member's data, seeded through every feature the bot has, is gone from
every table and column after /style forget (their story segments stay, credited to
"a former member")."""

from __future__ import annotations

import json
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

MARK = "Zephyrine"  # in everything the member writes; in nothing else
FORMER = "a former member"


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


async def seed_everything(muse: MuseHarness, alice: Any, bob: Any) -> list[str]:
    """Alice (and Bob, so shared things have other people in them) use every feature."""
    sandbox, services, gid = muse.sandbox, muse.bot.services, muse.sandbox.guild.id
    names = command_names(sandbox)
    used = ["write", "style"]
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
    if "potd" in names:
        used.append("potd")
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
        ix = await sandbox.slash(
            "potd suggest", {"title": "Idea", "prompt": f"{MARK} suggests a prompt"}, user=alice
        )
        await ix.final_message()
    if "story" in names:
        used.append("story")
        ix = await sandbox.slash(
            "story start",
            {"title": "Tides", "genre": "fantasy", "opening": f"{MARK} walked into the sea."},
            user=alice,
        )
        await ix.final_message()
    if "lyrics" in names:
        used.append("lyrics")
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
        if save:
            await (await sandbox.click(draft, save[0], user=alice)).final_message()
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
    return used


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


async def test_forget_leaves_nothing_that_identifies_the_member(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    used = await seed_everything(muse, alice, bob)
    name = alice.user.username
    before = await traces(muse, alice.id, name)
    seeded_tables = {t.split(".")[0] for t in before}
    assert {"members", "generations", "style_preferences", "style_traits", "style_samples"} <= (
        seeded_tables
    ), before
    if "potd" in used:
        assert "potd_submissions" in seeded_tables
    if "story" in used:
        assert "story_segments" in seeded_tables
    if "lyrics" in used:
        assert "lyrics_drafts" in seeded_tables

    ix = await sandbox.slash("style forget", user=alice)
    prompt = await ix.final_message()
    confirm = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if c["custom_id"].startswith("muse:style:erase:")
    )
    assert "erased" in await done(await sandbox.click(prompt, confirm, user=alice))
    await muse.bot.services.style.drain()

    assert await traces(muse, alice.id, name) == [], used
    # Bob's things are untouched; Alice's story segment stays, credited to a former member.
    assert await traces(muse, bob.id, bob.user.username)
    if "story" in used:
        rows = await muse.bot.repos.db.fetchall(
            "SELECT author_id, author_name FROM story_segments WHERE text LIKE ?", (f"%{MARK}%",)
        )
        assert [tuple(r) for r in rows] == [(None, FORMER)]
    assert await muse.bot.repos.style.work(sandbox.guild.id, "story", "s1") is not None
