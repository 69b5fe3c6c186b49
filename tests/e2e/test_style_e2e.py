"""Style memory end to end: the real bot against the sandbox, on a scripted fake model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, StoredMessage
from models import ChatMessage, FakeEngine, GenerationOptions
from models.fake import _default_responder

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

TONE = "quietly-luminous"  # a word no prompt template contains


def style_responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    title = (options.json_schema or {}).get("title")
    if title == "TraitReport":
        return json.dumps(
            {
                "traits": [
                    {"kind": "imagery", "value": "lanterns", "confidence": 0.5, "evidence": "x"},
                    {"kind": "tone", "value": "hushed", "confidence": 0.4, "evidence": "x"},
                ]
            }
        )
    if title == "InspireReport":
        return json.dumps(
            {
                "prompts": [
                    {"title": "Lantern", "prompt": "Paint a lantern left burning in daylight."},
                    {"title": "Harbour", "prompt": "Paint the harbour as the tide goes out."},
                    {"title": "Keeper", "prompt": "Paint the keeper's empty chair."},
                ],
                "colours": ["#1B1F3B", "#F2B880"],
            }
        )
    if title == "AnalysisReport":
        return json.dumps(
            {
                "themes": ["memory", "the sea"],
                "motifs": ["lanterns"],
                "imagery": ["salt", "tide"],
                "tone": "hushed",
                "form": "free verse",
                "strengths": ["precise images"],
                "remixes": ["Tell it from the tide.", "Make it a lullaby.", "Set it in 2150."],
            }
        )
    return _default_responder(messages, options)


@pytest.fixture
async def muse_style(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(style_responder, delay=0.002)
    )
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, sandbox.unknown_routes


async def count_rows_of(muse: MuseHarness, user_id: int) -> int:
    db = muse.bot.repos.db
    total = 0
    for table in await db.tables():
        columns = [r[1] for r in await db.fetchall(f"PRAGMA table_info('{table}')")]
        where = " OR ".join(f'"{c}" = ?' for c in columns)
        row = await db.fetchone(
            f'SELECT COUNT(*) FROM "{table}" WHERE {where}', [user_id] * len(columns)
        )
        total += int(row[0]) if row else 0
    return total


def text_of(message: StoredMessage) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        parts.append(str(embed.get("footer", {}).get("text", "")))
    return "\n".join(parts)


async def test_consent_profile_samples_show_and_remove(muse_style: MuseHarness) -> None:
    sandbox, alice = muse_style.sandbox, muse_style.sandbox.members[0]
    uid = alice.id

    # Before opting in: refused, and nothing is stored.
    ix = await sandbox.slash("style set", {"tone": "wry"}, user=alice)
    assert "optin" in (await ix.final_message()).content
    ix = await sandbox.slash("style sample", user=alice)
    assert (await ix.final_message()).ephemeral
    ix = await sandbox.slash("style show", user=alice)
    assert "nothing about your style is stored" in (await ix.final_message()).content
    ix = await sandbox.slash("write", {"form": "poem", "topic": "lanterns"}, user=alice)
    await ix.final_message()
    await muse_style.bot.services.style.drain()
    assert await count_rows_of(muse_style, uid) == 1  # only the /write request itself

    ix = await sandbox.slash("style optin", user=alice)
    message = await ix.final_message()
    assert message.ephemeral and "What" not in message.content[:0]
    assert "stores" in message.content and "Why" in message.content

    ix = await sandbox.slash("style set", {"tone": TONE, "media": "watercolour"}, user=alice)
    assert "Saved" in (await ix.final_message()).content

    # With no options, /style set opens a form prefilled with the profile.
    ix = await sandbox.slash("style set", user=alice)
    modal = await ix.wait_modal()
    defaults = {
        c["custom_id"]: c.get("value")
        for row in modal["components"]
        for c in row.get("components", [row.get("component", {})])
    }
    assert defaults.get("muse:style:profile:tone") == TONE
    sub = await sandbox.submit_modal(
        ix,
        {
            "muse:style:profile:media": "watercolour",
            "muse:style:profile:tone": TONE,
            "muse:style:profile:genres": "",
            "muse:style:profile:themes": "the sea, lanterns",
            "muse:style:profile:avoid": "gore",
        },
    )
    assert "the sea, lanterns" in text_of(await sub.final_message())

    # A writing sample through its form; an empty one is refused and stores nothing.
    ix = await sandbox.slash("style sample", user=alice)
    await ix.wait_modal()
    bad = await sandbox.submit_modal(
        ix, {"muse:style:sample:title": "", "muse:style:sample:text": "   "}
    )
    reply = await bad.final_message()
    assert reply.ephemeral and "can't be empty" in reply.content
    ix = await sandbox.slash("style sample", user=alice)
    await ix.wait_modal()
    good = await sandbox.submit_modal(
        ix,
        {
            "muse:style:sample:title": "Harbour",
            "muse:style:sample:text": "Lanterns sway in the harbour; the tide keeps its word.",
        },
    )
    assert "Sample saved" in (await good.final_message()).content
    await muse_style.bot.services.style.drain()

    ix = await sandbox.slash("style show", user=alice)
    shown = await ix.final_message()
    body = text_of(shown)
    assert shown.ephemeral
    for expected in (TONE, "watercolour", "gore", "Harbour", "lanterns", "hushed", "confidence"):
        assert expected in body, expected
    assert "Lanterns sway in the harbour" in body  # the evidence quote

    # Remove single items, chosen through autocomplete.
    choices = await sandbox.autocomplete("style remove", {"item": "hushed"}, "item", user=alice)
    assert len(choices) == 1 and choices[0]["value"].startswith("trait:")
    ix = await sandbox.slash("style remove", {"item": choices[0]["value"]}, user=alice)
    assert "removed" in (await ix.final_message()).content
    sample = await sandbox.autocomplete("style remove", {"item": "Sample"}, "item", user=alice)
    ix = await sandbox.slash("style remove", {"item": sample[0]["value"]}, user=alice)
    assert "removed" in (await ix.final_message()).content
    ix = await sandbox.slash("style remove", {"item": "trait:999999"}, user=alice)
    assert "can't find" in (await ix.final_message()).content
    profile = await muse_style.bot.services.style.profile(sandbox.guild.id, uid)
    assert [t.value for t in profile.traits] == ["lanterns"] and profile.samples == []

    ix = await sandbox.slash("style optout", user=alice)
    assert "stopped" in (await ix.final_message()).content
    assert_no_unwanted_pings(sandbox.calls)


async def test_brief_reaches_only_opted_in_members_prompts(muse_style: MuseHarness) -> None:
    sandbox, engine = muse_style.sandbox, muse_style.engine
    alice, bob = sandbox.members[0], sandbox.members[1]
    assert isinstance(engine, FakeEngine)
    await (await sandbox.slash("style optin", user=alice)).final_message()
    await (await sandbox.slash("style set", {"tone": TONE}, user=alice)).final_message()

    async def write_prompt(user: object, topic: str) -> str:
        ix = await sandbox.slash("write", {"form": "poem", "topic": topic}, user=user)
        await ix.final_message()
        found = [
            p.text for p in engine.prompts if topic in p.text and p.options.json_schema is None
        ]
        assert len(found) == 1
        return found[0]

    assert TONE in await write_prompt(alice, "a harbour at dusk")
    assert TONE not in await write_prompt(bob, "a harbour at noon")
    # Bob sets nothing; even another opted-in member's brief never leaks into his prompts.
    await (await sandbox.slash("style personalise", {"enabled": False}, user=alice)).final_message()
    assert TONE not in await write_prompt(alice, "a harbour at night")
    await (await sandbox.slash("style personalise", {"enabled": True}, user=alice)).final_message()
    assert TONE in await write_prompt(alice, "a harbour at dawn")
    # Alice's /write topics were learned from in the background, at low priority.
    await muse_style.bot.services.style.drain()
    learned = [
        p for p in engine.prompts if (p.options.json_schema or {}).get("title") == "TraitReport"
    ]
    assert learned and all("harbour" in p.text for p in learned)
    assert not any("noon" in p.text for p in learned)  # Bob never opted in


async def test_inspire_analyze_and_bad_files(muse_style: MuseHarness) -> None:
    sandbox, alice = muse_style.sandbox, muse_style.sandbox.members[0]
    await muse_style.bot.repos.guilds.set_medium(
        sandbox.guild.id, "visual", muse_style.bot.clock.now()
    )
    ix = await sandbox.slash("inspire", user=alice)
    message = await ix.final_message()
    body = text_of(message)
    assert "lantern left burning" in body and "keeper's empty chair" in body
    assert message.attachment_names == ["palette.png"]
    assert message.attachments[0].data.startswith(b"\x89PNG")
    assert "#1B1F3B" in body and body.count("`#") == 5
    assert "/style optin" in body  # not personalised yet

    ix = await sandbox.slash(
        "analyze", {"text": "Salt on the sill.\nThe lanterns forgive the tide."}, user=alice
    )
    message = await ix.final_message()
    body = text_of(message)
    assert message.ephemeral
    for expected in ("Themes", "memory", "Motifs", "Imagery", "Tone", "Form", "Strengths"):
        assert expected in body
    assert "Make it a lullaby." in body and "nothing was stored" in body

    ix = await sandbox.slash(
        "analyze", {"file": ("poem.md", b"# Tide\n\nThe tide keeps time.")}, user=alice
    )
    assert "Analysis of poem.md" in text_of(await ix.final_message())

    before = len(muse_style.engine.prompts)
    cases = [
        (("huge.txt", b"a" * (5 * 1024 * 1024)), "5.0 MB"),
        (("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00"), "plain-text files"),
        (("sneaky.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00"), "binary"),
        (("empty.txt", b""), "empty"),
        (("blank.md", b"   \n\n  "), "can't be empty"),
    ]
    for attachment, reason in cases:
        ix = await sandbox.slash("analyze", {"file": attachment}, user=alice)
        reply = await ix.final_message()
        assert reply.ephemeral and reason in reply.content, (attachment[0], reply.content)
    ix = await sandbox.slash("analyze", user=alice)
    assert "either" in (await ix.final_message()).content
    assert len(muse_style.engine.prompts) == before
    assert await count_rows_of(muse_style, alice.id) == 0
    assert_no_unwanted_pings(sandbox.calls)


async def test_discover_export_and_forget(muse_style: MuseHarness) -> None:
    sandbox, style = muse_style.sandbox, muse_style.bot.services.style
    alice, bob = sandbox.members[0], sandbox.members[1]
    gid = sandbox.guild.id
    await style.index_work(
        guild_id=gid,
        kind="story",
        ref="1",
        title="The lantern harbour",
        text="Lanterns along the harbour wall.",
        url="https://discord.com/channels/1/2/3",
    )
    await style.index_work(
        guild_id=gid,
        kind="lyrics",
        ref="2",
        title="Desert",
        text="Dunes and heat.",
        author_id=bob.id,
    )
    await style.index_work(
        guild_id=gid,
        kind="potd_submission",
        ref="3",
        title="Mine",
        text="lanterns",
        author_id=alice.id,
    )
    await (await sandbox.slash("style optin", user=alice)).final_message()
    await (
        await sandbox.slash("style set", {"themes": "lanterns, harbours"}, user=alice)
    ).final_message()
    ix = await sandbox.slash("discover", user=alice)
    body = text_of(await ix.final_message())
    assert "[The lantern harbour](https://discord.com/channels/1/2/3)" in body
    assert "Desert" not in body and "Mine" not in body

    ix = await sandbox.slash("mydata export", user=alice)
    message = await ix.final_message()
    assert message.ephemeral and message.attachment_names[0].endswith(".json")
    exported = json.loads(message.attachments[0].data)
    assert exported["user_id"] == alice.id
    style_data = exported["data"]["style"]
    assert [p["value"] for p in style_data["preferences"]] == ["lanterns, harbours"]
    assert [w["title"] for w in style_data["indexed_works"]] == ["Mine"]
    assert exported["data"]["membership"]["member"]["consent"] == 1

    # /style forget asks first; only Alice can confirm.
    ix = await sandbox.slash("style forget", user=alice)
    prompt = await ix.final_message()
    confirm = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if c["custom_id"].startswith("muse:style:erase:")
    )
    other = await sandbox.click(prompt, confirm, user=bob)
    assert "Only the member" in (await other.final_message()).content
    assert await count_rows_of(muse_style, alice.id) > 0
    done = await sandbox.click(prompt, confirm, user=alice)
    assert "erased" in (await done.final_message()).content
    assert await count_rows_of(muse_style, alice.id) == 0
    assert (await style.profile(gid, alice.id)).is_empty
    assert_no_unwanted_pings(sandbox.calls)


async def test_admin_erases_a_member_who_left(muse_style: MuseHarness) -> None:
    sandbox, style = muse_style.sandbox, muse_style.bot.services.style
    alice, bob = sandbox.members[0], sandbox.members[1]
    await (await sandbox.slash("style optin", user=alice)).final_message()
    await (await sandbox.slash("style set", {"tone": "wry"}, user=alice)).final_message()
    await sandbox.remove_member(alice)

    ix = await sandbox.slash("erase-member", {"user_id": str(alice.id)}, user=bob)
    assert "Manage Server" in (await ix.final_message()).content
    ix = await sandbox.slash("erase-member", {"user_id": "not an id"}, user=sandbox.admin)
    assert "isn't a user ID" in (await ix.final_message()).content
    assert await count_rows_of(muse_style, alice.id) > 0

    ix = await sandbox.slash("erase-member", {"user_id": str(alice.id)}, user=sandbox.admin)
    prompt = await ix.final_message()
    cancel = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if "cancel" in c["custom_id"]
    )
    assert (
        "Cancelled"
        in (await (await sandbox.click(prompt, cancel, user=sandbox.admin)).final_message()).content
    )
    assert await count_rows_of(muse_style, alice.id) > 0

    ix = await sandbox.slash("erase-member", {"user_id": str(alice.id)}, user=sandbox.admin)
    prompt = await ix.final_message()
    confirm = next(
        c["custom_id"]
        for row in prompt.components
        for c in row["components"]
        if c["custom_id"].startswith("muse:style:erase:")
    )
    done = await sandbox.click(prompt, confirm, user=sandbox.admin)
    assert "that member's" in (await done.final_message()).content
    assert await count_rows_of(muse_style, alice.id) == 0
    assert not (await style.profile(sandbox.guild.id, alice.id)).consent


@pytest.mark.model
async def test_real_model_analysis_and_learning_keep_their_guarantees(
    muse_real: MuseHarness,
) -> None:
    """On the bundled SmolLM2: /analyze answers with a complete embed, and learning stores only
    well-formed traits whose evidence is a real quote (whatever the model proposes)."""
    sandbox, style = muse_real.sandbox, muse_real.bot.services.style
    alice = sandbox.members[0]
    poem = "Salt on the sill.\nThe lanterns forgive the tide.\nThe harbour keeps its word."
    ix = await sandbox.slash("analyze", {"text": poem}, user=alice)
    message = await ix.final_message(timeout=300)  # a hang guard: two answers, each retried
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    remixes = [line for line in fields["Remix prompts"].splitlines() if line.strip()]
    assert len(remixes) == 3 and len(set(remixes)) == 3
    assert fields["Form"] and fields["Tone"]

    gid = sandbox.guild.id
    await style.optin(gid, alice.id)
    await style.record(gid, alice.id, "potd_submission", poem)
    await style.drain()
    traits = await muse_real.bot.repos.style.traits(gid, alice.id)
    assert len(traits) <= style.config.max_traits
    flat = " ".join(poem.split())
    for trait in traits:
        assert trait.kind in ("tone", "imagery", "theme", "form", "vocabulary")
        assert 0 < trait.confidence <= 0.6 and 2 <= len(trait.value) <= 40
        assert trait.evidence.rstrip("…") in flat
