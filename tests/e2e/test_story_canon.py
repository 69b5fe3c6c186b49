"""A story's canon, AI labels and human-only stories end to end: the real bot in the sandbox, a
FakeEngine that records every prompt, and an injected clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMember, StoredMessage
from bot.services.story import DeadlineKind
from models import FakeEngine
from tests.e2e.conftest import MuseHarness, start_muse
from tests.e2e.test_story_chains import (
    DAY,
    START,
    _epub_texts,
    fire,
    members,
    run,
    segments,
    start_story,
    thread_texts,
    turn_pings,
)
from tests.e2e.test_style_erasure import confirm_erasure
from tests.integration.test_book_validators import run_epubcheck

pytestmark = pytest.mark.e2e

ANNA = "Anna fears the sea and never lights the lamp."


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, clock=FakeClock(START))
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def canon(
    muse: MuseHarness, command: str, options: dict[str, str], user: StoredMember
) -> StoredMessage:
    ix = await muse.sandbox.slash(f"story canon {command}", options, user=user)
    message = await ix.final_message()
    await muse.bot.services.story.wait_idle()
    return message


def prompts_with(muse: MuseHarness, marker: str) -> list[str]:
    assert isinstance(muse.engine, FakeEngine)
    return [p.text for p in muse.engine.prompts if marker in p.text]


def book_files(muse: MuseHarness, thread_id: int) -> dict[str, bytes]:
    closing = [m for m in muse.sandbox.messages_in(thread_id) if m.attachments]
    assert len(closing) == 1
    return {a.filename: a.data for a in closing[0].attachments}


async def test_the_canon_reaches_the_ai_prompts_show_and_the_book_appendix(
    muse: MuseHarness, tmp_path: Path
) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice, ai_partner=True)
    ref = str(story.id)
    await run(muse, "join", {"story": ref}, bob)

    refused = await canon(
        muse, "add", {"story": ref, "kind": "place", "name": "Pier", "description": "x"}, carol
    )
    assert refused.ephemeral and "join" in refused.content
    assert await muse.bot.repos.stories.canon(story.id) == []
    added = await canon(
        muse,
        "add",
        {"story": ref, "kind": "character", "name": "Anna", "description": ANNA,
         "triggers": "keeper, the old woman"},
        bob,
    )  # fmt: skip
    assert added.ephemeral and "**Anna** (character) is in the canon" in added.content
    await canon(
        muse,
        "add",
        {"story": ref, "kind": "place", "name": "Pier", "description": "Rotten planks."},
        alice,
    )
    # Alice's passage names Anna's trigger, not the pier: the AI partner writes next.
    await run(muse, "write", {"story": ref, "text": "The keeper climbed the tower."}, alice)
    [passage] = prompts_with(muse, "it is your turn")
    assert f"<<<Anna (character): {ANNA}>>>" in passage
    assert "Rotten planks" not in passage
    # The recap for Bob came from a prompt with the canon too, and is labelled as the AI's.
    [recap] = prompts_with(muse, "Previously")
    assert f"Anna (character): {ANNA}" in recap
    [ping] = turn_pings(muse.sandbox, story)[-1:]
    assert ping.content.startswith(f"<@{bob.id}>") and "AI-written recap" in ping.content

    # Bob misses his turn: the AI stands in for him, with the canon in its prompt as well.
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)
    passages = prompts_with(muse, "it is your turn")
    assert len(passages) == 2 and ANNA in passages[1]
    assert [s.kind for s in await segments(muse, story)] == ["member", "ai", "stand_in"]

    shown = await run(muse, "show", {"story": ref}, carol)
    fields = {f["name"]: f["value"] for f in shown.embeds[0].get("fields", [])}
    assert "**Anna** (character)" in fields["Canon (2)"] and "added by bob" in fields["Canon (2)"]
    assert "Muse (AI partner, AI-written)" in shown.embeds[0]["description"]
    assert "AI-written stand-in for bob" in shown.embeds[0]["description"]
    listed = await canon(muse, "list", {"story": ref}, carol)
    assert "keeper, the old woman" in listed.embeds[0]["description"]

    done = await run(muse, "end", {"story": ref}, alice)
    assert "is finished" in done.content
    files = book_files(muse, story.thread_id)
    markdown = files["the-lighthouse.md"].decode("utf-8")
    body, appendix = markdown.split("## Appendix: Canon")
    assert "— *Muse (AI partner, AI-written)*" in body
    assert "— *Muse (AI-written stand-in for bob)*" in body
    assert "AI-written passages are marked as such." in body
    anna, pier = appendix.index("**Anna** (character)"), appendix.index("**Pier** (place)")
    assert anna < appendix.index(ANNA) < appendix.index("— *added by bob*") < pier
    assert pier < appendix.index("— *added by alice*")
    path = tmp_path / "canon.epub"
    path.write_bytes(files["the-lighthouse.epub"])
    run_epubcheck(path)
    text = _epub_texts(files["the-lighthouse.epub"], tmp_path)
    assert "— Muse (AI partner, AI-written)" in text
    assert "— Muse (AI-written stand-in for bob)" in text
    position = text.index("Appendix: Canon")
    for expected in ("Anna (character)", ANNA, "— added by bob", "Pier (place)", "added by alice"):
        position = text.index(expected, position)


async def test_only_the_author_starter_or_a_moderator_change_an_entry(muse: MuseHarness) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice)
    ref = str(story.id)
    for member in (bob, carol):
        await run(muse, "join", {"story": ref}, member)
    await canon(
        muse, "add", {"story": ref, "kind": "rule", "name": "No magic", "description": "None."}, bob
    )
    refused = await canon(
        muse, "edit", {"story": ref, "entry": "No magic", "description": "Some magic."}, carol
    )
    assert refused.ephemeral and "Only the member who added" in refused.content
    refused = await canon(muse, "remove", {"story": ref, "entry": "no magic"}, carol)
    assert "Only the member who added" in refused.content
    [kept] = await muse.bot.repos.stories.canon(story.id)
    assert kept.description == "None."

    choices = await muse.sandbox.autocomplete(
        "story canon edit", {"story": ref, "entry": "mag"}, "entry", user=carol
    )
    assert choices == [{"name": "No magic", "value": "No magic"}]
    edited = await canon(
        muse, "edit", {"story": ref, "entry": "No magic", "description": "Only old magic."}, alice
    )
    assert "is updated" in edited.content
    removed = await canon(muse, "remove", {"story": ref, "entry": "No magic"}, bob)
    assert "out of the canon" in removed.content
    assert await muse.bot.repos.stories.canon(story.id) == []


async def test_an_erased_members_entries_stay_credited_to_a_former_member(
    muse: MuseHarness,
) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice)
    ref = str(story.id)
    await run(muse, "join", {"story": ref}, bob)
    await canon(
        muse,
        "add",
        {"story": ref, "kind": "object", "name": "Brass lamp", "description": "It hums."},
        bob,
    )
    await run(muse, "write", {"story": ref, "text": "Alice lit the brass lamp."}, alice)
    # Bob's data export lists his entry.
    ix = await muse.sandbox.slash("mydata export", user=bob)
    exported = json.loads((await ix.final_message()).attachments[0].data)
    stories = exported["data"]["stories"]
    assert [(c["name"], c["kind"], c["description"]) for c in stories["canon"]] == [
        ("Brass lamp", "object", "It hums.")
    ]
    await confirm_erasure(muse, "erase-member", {"user_id": str(bob.id)}, muse.sandbox.admin)

    [entry] = await muse.bot.repos.stories.canon(story.id)
    assert (entry.author_id, entry.author_name, entry.description) == (
        None,
        "a former member",
        "It hums.",
    )
    await run(muse, "end", {"story": ref}, alice)
    markdown = book_files(muse, story.thread_id)["the-lighthouse.md"].decode("utf-8")
    appendix = markdown.split("## Appendix: Canon")[1]
    assert "**Brass lamp** (object)" in appendix and "— *added by a former member*" in appendix
    assert "bob" not in appendix


async def _discover(muse: MuseHarness, about: str, **options: object) -> str:
    ix = await muse.sandbox.slash("discover", {"about": about, **options}, user=muse.sandbox.admin)
    message = await ix.final_message()
    fields = message.embeds[0].get("fields", [])
    return "\n".join(f"{f['name']} {f['value']}" for f in fields)


async def test_a_human_only_story_never_gets_an_ai_turn_and_says_so(
    muse: MuseHarness, tmp_path: Path
) -> None:
    alice, bob, _ = members(muse)
    refused = await run(
        muse,
        "start",
        {"title": "Both", "genre": "mystery", "human_only": True, "ai_partner": True},
        alice,
    )
    assert refused.ephemeral and "human-only story has no AI partner" in refused.content
    assert await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, "Both") == []

    story = await start_story(muse, alice, title="Quince Tower", human_only=True)
    ref = str(story.id)
    assert story.human_only and not story.ai_partner
    await run(muse, "join", {"story": ref}, bob)
    await run(muse, "write", {"story": ref, "text": "Quinces rotted in the tower."}, alice)
    # Bob misses his turn: it is skipped, never written by the AI.
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)
    assert [s.kind for s in await segments(muse, story)] == ["member"]
    texts = thread_texts(muse.sandbox, story)
    assert any("**bob** ran out of time" in t for t in texts)
    assert any("**Human only:**" in t for t in texts)  # the intro
    assert not any("AI-written" in t for t in texts)
    assert isinstance(muse.engine, FakeEngine) and muse.engine.prompts == []

    status = await run(muse, "status", {"story": ref}, bob)
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "no AI partner, no AI stand-ins" in fields["Human only"]
    shown = await run(muse, "show", {"story": ref}, bob)
    assert "human only" in shown.embeds[0]["footer"]["text"]

    await run(muse, "end", {"story": ref}, alice)
    files = book_files(muse, story.thread_id)
    markdown = files["quince-tower.md"].decode("utf-8")
    assert "Human only: every passage was written by a member, none by AI." in markdown
    path = tmp_path / "human.epub"
    path.write_bytes(files["quince-tower.epub"])
    run_epubcheck(path)

    # Another finished story about quinces, with the AI partner: /discover can leave it out.
    other = await start_story(muse, alice, title="Quince Garden", ai_partner=True)
    await run(muse, "write", {"story": str(other.id), "text": "Quinces in the garden."}, alice)
    await run(muse, "end", {"story": str(other.id)}, alice)
    everything = await _discover(muse, "quinces")
    assert "Quince Tower" in everything and "Quince Garden" in everything
    human = await _discover(muse, "quinces", human_only=True)
    assert "Quince Tower" in human and "Quince Garden" not in human
    assert "human only" in human
