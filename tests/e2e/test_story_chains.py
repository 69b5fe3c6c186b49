"""Story chains end to end: the real bot in the sandbox, a FakeEngine and an injected clock.

The clock starts years ahead of the real one, so the scheduler never fires a deadline job by
itself during a test: tests advance the clock and call the job's function directly.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ebooklib import ITEM_DOCUMENT, epub  # type: ignore[import-untyped]

from bot.clock import FakeClock
from bot.sandbox import Sandbox, StoredMember, StoredMessage
from bot.scheduling.story import job_id
from bot.services.story import DeadlineKind
from bot.services.story.types import SegmentRecord, StoryRecord
from models import FakeEngine
from tests.e2e.conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, clock=FakeClock(START), story_max_skips=2)
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


# -- helpers ------------------------------------------------------------------------------------


async def run(
    muse: MuseHarness, command: str, options: dict[str, Any], user: StoredMember
) -> StoredMessage:
    ix = await muse.sandbox.slash(f"story {command}", options, user=user)
    message = await ix.final_message()
    await muse.bot.services.story.wait_idle()
    return message


async def start_story(
    muse: MuseHarness, user: StoredMember, title: str = "The Lighthouse", **options: Any
) -> StoryRecord:
    reply = await run(muse, "start", {"title": title, "genre": "mystery", **options}, user)
    assert "has begun" in reply.content, reply.content
    stories = await muse.bot.repos.stories.find_by_title(muse.sandbox.guild.id, title)
    return stories[0]


async def story_now(muse: MuseHarness, story: StoryRecord) -> StoryRecord:
    found = await muse.bot.repos.stories.get(story.id)
    assert found is not None
    return found


async def segments(muse: MuseHarness, story: StoryRecord) -> list[SegmentRecord]:
    return await muse.bot.repos.stories.segments(story.id)


def thread_texts(sandbox: Sandbox, story: StoryRecord) -> list[str]:
    return [m.content for m in sandbox.messages_in(story.thread_id)]


async def fire(muse: MuseHarness, story: StoryRecord, kind: DeadlineKind) -> bool:
    """Run a deadline job's function now, as the scheduler would at its time."""
    job = muse.bot.scheduler.get_job(job_id(story.id, kind))
    assert job is not None, f"no {kind.value} job for story {story.id}"
    result = await job.func(*job.args, **job.kwargs)
    await muse.bot.services.story.wait_idle()
    return bool(result)


def turn_pings(sandbox: Sandbox, story: StoryRecord, since: int = 0) -> list[StoredMessage]:
    return [
        m
        for m in sandbox.messages_in(story.thread_id)[since:]
        if ", it's your turn in" in m.content
    ]


def pinged_users(message: StoredMessage) -> list[int]:
    """The members a message may ping (its allowed_mentions), and who it mentions."""
    allowed = message.allowed_mentions or {}
    assert allowed.get("parse", []) == [] and not allowed.get("roles")
    return [int(u) for u in allowed.get("users", [])]


def _footer_says(message: StoredMessage, wanted: str) -> Callable[[], bool]:
    return lambda: wanted in message.embeds[0]["footer"]["text"]


def members(muse: MuseHarness) -> tuple[StoredMember, StoredMember, StoredMember]:
    alice, bob, carol = muse.sandbox.members
    return alice, bob, carol


# -- tests ------------------------------------------------------------------------------------


async def test_three_members_and_the_ai_partner_rotate_over_two_rounds(muse: MuseHarness) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice, ai_partner=True, max_rounds=2)
    await run(muse, "join", {"story": str(story.id)}, bob)
    await run(muse, "join", {"story": str(story.id)}, carol)

    expected = ["alice", "Muse", "bob", "carol"] * 2
    writers = {"alice": alice, "bob": bob, "carol": carol}
    for index, name in enumerate(expected):
        current = await story_now(muse, story)
        if name == "Muse":
            continue  # the AI partner wrote on its own when its turn came
        assert current.current_user_id == writers[name].id, f"turn {index}: {current}"
        reply = await run(
            muse,
            "write",
            {"story": str(story.id), "text": f"Part {index} by {name}."},
            writers[name],
        )
        assert "is in" in reply.content, reply.content

    written = await segments(muse, story)
    assert [s.author_name for s in written] == expected
    assert [s.round for s in written] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert [s.kind for s in written] == ["member", "ai", "member", "member"] * 2
    final = await story_now(muse, story)
    assert final.status == "ended"
    # The AI's passages came from the model, at normal priority, and are marked in the thread.
    ai_posts = [t for t in thread_texts(muse.sandbox, story) if t.startswith("🤖 **Muse** (AI")]
    assert len(ai_posts) == 2 and all("AI-written" in t for t in ai_posts)
    book = [m for m in muse.sandbox.messages_in(story.thread_id) if m.attachments]
    assert len(book) == 1
    assert sorted(book[0].attachment_names) == ["the-lighthouse.epub", "the-lighthouse.md"]
    # Each member was pinged exactly for their own turns, and only they were.
    pings = turn_pings(muse.sandbox, story)
    assert [pinged_users(p) for p in pings] == [[u.id] for u in (alice, bob, carol) * 2]
    assert_no_unwanted_pings(muse.sandbox.calls, {alice.id, bob.id, carol.id})


async def test_out_of_turn_writes_are_refused_and_change_nothing(muse: MuseHarness) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice)
    await run(muse, "join", {"story": "the lighthouse"}, bob)  # by title, any case
    before_story = await story_now(muse, story)
    before_thread = thread_texts(muse.sandbox, story)
    calls = len(muse.sandbox.calls)

    refused = await run(muse, "write", {"story": str(story.id), "text": "Me first!"}, bob)
    assert refused.ephemeral and "not your turn" in refused.content and "alice" in refused.content
    outsider = await run(muse, "write", {"story": "the lighthouse", "text": "Hi"}, carol)
    assert "not your turn" in outsider.content and "/story join" in outsider.content
    modal = await muse.sandbox.slash("story write", {"story": str(story.id)}, user=bob)
    assert "not your turn" in (await modal.final_message()).content and modal.modal is None

    assert await segments(muse, story) == []
    assert await story_now(muse, story) == before_story
    assert thread_texts(muse.sandbox, story) == before_thread
    # Nothing but the three private refusals went out.
    public = [
        c
        for c in muse.sandbox.calls[calls:]
        if c.method == "POST" and c.path.startswith("/channels/")
    ]
    assert public == []


async def test_two_simultaneous_writes_yield_one_segment(muse: MuseHarness) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice)
    await run(muse, "join", {"story": str(story.id)}, bob)

    # The writer whose turn it is submits twice at the same moment (say, the form and the
    # text option): one segment, and the other submission is told it's not their turn.
    handles = await asyncio.gather(
        *(
            muse.sandbox.slash(
                "story write", {"story": str(story.id), "text": f"Alice {n}."}, user=alice
            )
            for n in range(2)
        )
    )
    answers = [(await h.final_message()).content for h in handles]
    await muse.bot.services.story.wait_idle()
    assert sum("is in" in a for a in answers) == 1, answers
    assert sum("not your turn" in a for a in answers) == 1, answers
    assert len(await segments(muse, story)) == 1

    # Bob writes at the very moment his turn expires: exactly one of the two happens.
    muse.clock.advance(DAY)
    write = await muse.sandbox.slash(
        "story write", {"story": str(story.id), "text": "Just in time?"}, user=bob
    )
    expired = await fire(muse, story, DeadlineKind.EXPIRE)
    answer = (await write.final_message()).content
    await muse.bot.services.story.wait_idle()
    written = await segments(muse, story)
    if expired:
        assert "not your turn" in answer and len(written) == 1
    else:
        assert "is in" in answer and [s.author_name for s in written] == ["alice", "bob"]
    assert (await story_now(muse, story)).current_user_id == alice.id


async def test_an_expired_turn_is_skipped_when_the_ai_partner_is_off(muse: MuseHarness) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice)
    await run(muse, "join", {"story": str(story.id)}, bob)

    assert not await fire(muse, story, DeadlineKind.EXPIRE)  # not due yet: nothing happens
    assert (await story_now(muse, story)).current_user_id == alice.id
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)
    now = await story_now(muse, story)
    assert now.current_user_id == bob.id and await segments(muse, story) == []
    assert any("ran out of time" in t for t in thread_texts(muse.sandbox, story))
    assert muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE)).next_run_time == (
        muse.clock.now() + DAY
    )

    # Bob writes; Alice misses again: two misses in a row (the setting) take her out.
    await run(muse, "write", {"story": str(story.id), "text": "Bob carries on."}, bob)
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)
    seats = await muse.bot.repos.stories.participants(story.id)
    assert [(s.display_name, s.active) for s in seats] == [("alice", False), ("bob", True)]
    assert any("missed 2 turns in a row" in t for t in thread_texts(muse.sandbox, story))
    # Bob alone: no turn passes back to the one who just wrote; the story waits.
    now = await story_now(muse, story)
    assert now.current_user_id == bob.id or now.current_user_id is None


async def test_an_expired_turn_gets_an_ai_stand_in_when_the_ai_partner_is_on(
    muse: MuseHarness,
) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice, ai_partner=True)
    await run(muse, "join", {"story": str(story.id)}, bob)
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)

    written = await segments(muse, story)
    # Alice's turn was written by the model for her, then the AI partner took its own turn.
    assert [(s.kind, s.author_name, s.author_id) for s in written] == [
        ("stand_in", "alice", None),
        ("ai", "Muse", None),
    ]
    assert written[0].stand_in_for == alice.id
    posts = thread_texts(muse.sandbox, story)
    assert any(t.startswith("🤖 **Muse**, *AI-written stand-in for alice*") for t in posts)
    assert (await story_now(muse, story)).current_user_id == bob.id


async def test_reminders_fire_at_half_and_at_ninety_percent_of_the_turn(
    muse: MuseHarness,
) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice, turn_hours=10)
    await run(muse, "join", {"story": str(story.id)}, bob)
    scheduler = muse.bot.scheduler
    half = scheduler.get_job(job_id(story.id, DeadlineKind.HALF))
    late = scheduler.get_job(job_id(story.id, DeadlineKind.LATE))
    expire = scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE))
    assert half.next_run_time == START + timedelta(hours=5)
    assert late.next_run_time == START + timedelta(hours=9)
    assert expire.next_run_time == START + timedelta(hours=10)

    def reminders() -> list[StoredMessage]:
        return [m for m in muse.sandbox.messages_in(story.thread_id) if m.content.startswith("⏰")]

    muse.clock.advance(timedelta(hours=4, minutes=59))
    assert not await fire(muse, story, DeadlineKind.HALF) and reminders() == []
    muse.clock.advance(timedelta(minutes=1))
    calls = len(muse.sandbox.calls)
    assert await fire(muse, story, DeadlineKind.HALF)
    assert not await fire(muse, story, DeadlineKind.HALF)  # once only
    assert [m.content.split(",")[0] for m in reminders()] == [f"⏰ <@{alice.id}>"]
    assert "half your time" in reminders()[0].content
    assert pinged_users(reminders()[0]) == [alice.id]
    assert_no_unwanted_pings(muse.sandbox.calls[calls:], {alice.id})

    muse.clock.advance(timedelta(hours=4))
    assert await fire(muse, story, DeadlineKind.LATE)
    assert len(reminders()) == 2 and "nearly over" in reminders()[1].content
    assert (await story_now(muse, story)).current_user_id == alice.id  # reminders don't skip


async def test_a_restart_mid_story_keeps_every_segment_and_rearms_the_deadline(
    muse: MuseHarness,
) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice)
    for member in (bob, carol):
        await run(muse, "join", {"story": str(story.id)}, member)
    await run(muse, "write", {"story": str(story.id), "text": "The lamp went dark."}, alice)
    muse.clock.advance(timedelta(hours=3))
    await run(muse, "write", {"story": str(story.id), "text": "A boat drifted in."}, bob)
    before = await story_now(muse, story)
    assert before.current_user_id == carol.id and before.turn_deadline is not None

    await muse.restart()
    job = muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE))
    assert job is not None and job.next_run_time == before.turn_deadline
    assert job.args[2] == before.turn_seq
    half = muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.HALF))
    assert half is not None and half.next_run_time == before.turn_deadline - DAY / 2
    assert [s.text for s in await segments(muse, story)] == [
        "The lamp went dark.",
        "A boat drifted in.",
    ]
    shown = await run(muse, "show", {"story": "The Lighthouse"}, carol)
    description = shown.embeds[0]["description"]
    assert description.index("The lamp went dark.") < description.index("A boat drifted in.")
    # Carol is not pinged a second time by the restart, and the story goes on.
    assert len(turn_pings(muse.sandbox, story)) == 3
    reply = await run(muse, "write", {"story": str(story.id), "text": "Carol lit a match."}, carol)
    assert "is in" in reply.content
    # The deadline after the restart still works: Alice's new turn expires on time.
    muse.clock.advance(DAY)
    assert await fire(muse, story, DeadlineKind.EXPIRE)
    assert (await story_now(muse, story)).current_user_id == bob.id


async def test_only_the_next_writer_is_pinged(muse: MuseHarness) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice)
    for member in (bob, carol):
        await run(muse, "join", {"story": str(story.id)}, member)
    calls = len(muse.sandbox.calls)
    since = len(muse.sandbox.messages_in(story.thread_id))
    await run(muse, "write", {"story": str(story.id), "text": "Alice begins."}, alice)

    checked = assert_no_unwanted_pings(muse.sandbox.calls[calls:], allowed_users={bob.id})
    assert checked >= 3  # the reply, the segment, the ping
    pings = turn_pings(muse.sandbox, story, since)
    assert len(pings) == 1 and pings[0].content.startswith(f"<@{bob.id}>")
    assert pinged_users(pings[0]) == [bob.id]
    assert "*Previously…*" in pings[0].content
    # Every other message of the turn pings nobody.
    others = [m for m in muse.sandbox.messages_in(story.thread_id)[since:] if m not in pings]
    assert others and all(pinged_users(m) == [] for m in others)
    # The recap came from the model, from a prompt with the story in marked slots.
    assert isinstance(muse.engine, FakeEngine)
    recap_prompt = next(p for p in muse.engine.prompts if "Previously" in p.text)
    assert "<<<Alice begins.>>>" in recap_prompt.text


def _epub_texts(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    book = epub.read_epub(str(path))
    spine = [book.get_item_with_id(item_id) for item_id, _ in book.spine]
    docs = [d for d in spine if d is not None and d.get_type() == ITEM_DOCUMENT]
    html = "".join(d.get_content().decode("utf-8") for d in docs)
    assert book.get_metadata("DC", "title")[0][0] == "The Lighthouse"
    return re.sub(r"<[^>]+>", " ", html)


async def test_end_compiles_a_markdown_and_epub_book_crediting_every_segment(
    muse: MuseHarness, tmp_path: Path
) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice, ai_partner=True, opening="The lamp went dark.")
    await run(muse, "join", {"story": str(story.id)}, bob)
    # The opening was Alice's turn and the AI partner wrote next, before Bob joined.
    await run(muse, "write", {"story": str(story.id), "text": "Alice rowed out."}, alice)
    await run(muse, "write", {"story": str(story.id), "text": "Bob saw a boat."}, bob)

    refused = await run(muse, "end", {"story": str(story.id)}, carol)
    assert "Only the story's starter" in refused.content
    assert (await story_now(muse, story)).status == "open"
    early = await run(muse, "export", {"story": str(story.id)}, carol)
    assert "still being written" in early.content and not early.attachments

    done = await run(muse, "end", {"story": str(story.id)}, alice)
    assert "is finished" in done.content
    written = await segments(muse, story)
    assert [s.author_name for s in written] == ["alice", "Muse", "alice", "Muse", "bob"]
    closing = [m for m in muse.sandbox.messages_in(story.thread_id) if m.attachments]
    assert len(closing) == 1 and "is finished" in closing[0].content
    files = {a.filename: a.data for a in closing[0].attachments}

    ai = "Muse (AI partner, AI-written)"
    credits = ["alice", ai, "alice", ai, "bob"]
    markdown = files["the-lighthouse.md"].decode("utf-8")
    assert markdown.startswith("# The Lighthouse") and "*Genre:* mystery" in markdown
    assert "*Started:* 2031-01-06" in markdown and "*Finished:* 2031-01-06" in markdown
    position = 0
    for segment, credit in zip(written, credits, strict=True):
        position = markdown.index(segment.text, position)
        position = markdown.index(f"— *{credit}*", position)

    text = _epub_texts(files["the-lighthouse.epub"], tmp_path)
    assert "mystery" in text and "2031-01-06" in text
    position = 0
    for segment, credit in zip(written, credits, strict=True):
        position = text.index(segment.text, position)
        position = text.index(f"— {credit}", position)

    # Anyone can export the finished story; the files are the same book.
    ix = await muse.sandbox.slash("story export", {"story": str(story.id)}, user=carol)
    exported = await ix.final_message()
    assert sorted(exported.attachment_names) == ["the-lighthouse.epub", "the-lighthouse.md"]
    assert {a.filename: a.data for a in exported.attachments}["the-lighthouse.md"] == files[
        "the-lighthouse.md"
    ]
    assert muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE)) is None


async def test_show_paginates_with_buttons_and_status_and_list_report(muse: MuseHarness) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice, word_limit=1000)
    await run(muse, "join", {"story": str(story.id)}, bob)
    for index in range(6):
        writer = alice if index % 2 == 0 else bob
        text = f"Chapter {index}. " + "The sea was grey and the wind was cold. " * 40
        await run(muse, "write", {"story": str(story.id), "text": text}, writer)

    shown = await run(muse, "show", {"story": str(story.id)}, bob)
    assert shown.ephemeral and "Chapter 0." in shown.embeds[0]["description"]
    footer = shown.embeds[0]["footer"]["text"]
    pages = int(footer.rsplit(" ", 1)[1])
    assert pages >= 2 and "page 1 of" in footer
    seen = [shown.embeds[0]["description"]]
    message = shown
    for page in range(1, pages):
        next_id = next(c for c in message.custom_ids() if c.endswith(":next"))
        click = await muse.sandbox.click(message, next_id, user=bob)
        await click.acknowledged()
        message = muse.sandbox.message(message.id)
        await muse.sandbox.wait_until(_footer_says(message, f"page {page + 1} of"))
        seen.append(message.embeds[0]["description"])
    joined = "\n".join(seen)
    order = [joined.index(f"Chapter {i}.") for i in range(6)]
    assert order == sorted(order)

    status = await run(muse, "status", {"story": str(story.id)}, bob)
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Whose turn"] == "alice" and fields["Segments"] == "6"
    assert fields["Rotation"] == "alice → bob"
    listing = await run(muse, "list", {}, bob)
    assert "The Lighthouse" in listing.embeds[0]["description"]

    choices = await muse.sandbox.autocomplete("story join", {"story": "light"}, "story", user=bob)
    assert choices == [{"name": "The Lighthouse", "value": str(story.id)}]


async def test_moderation_needs_the_starter_or_manage_messages(muse: MuseHarness) -> None:
    alice, bob, carol = members(muse)
    story = await start_story(muse, alice)
    await run(muse, "join", {"story": str(story.id)}, bob)
    await run(muse, "join", {"story": str(story.id)}, carol)
    before = await story_now(muse, story)
    for command, options in (
        ("skip", {}),
        ("pause", {}),
        ("end", {}),
        ("kick", {"member": alice}),
    ):
        reply = await run(muse, command, {"story": str(story.id), **options}, bob)
        assert "Only the story's starter" in reply.content, (command, reply.content)
    assert await story_now(muse, story) == before

    await run(muse, "skip", {"story": str(story.id)}, alice)  # the starter skips herself
    assert (await story_now(muse, story)).current_user_id == bob.id
    admin = muse.sandbox.admin
    await run(muse, "kick", {"story": str(story.id), "member": bob}, admin)
    assert (await story_now(muse, story)).current_user_id == carol.id
    rejoin = await run(muse, "join", {"story": str(story.id)}, bob)
    assert "removed you" in rejoin.content

    paused = await run(muse, "pause", {"story": str(story.id)}, admin)
    assert "paused" in paused.content
    assert muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE)) is None
    blocked = await run(muse, "write", {"story": str(story.id), "text": "Hello"}, carol)
    assert "paused" in blocked.content
    muse.clock.advance(timedelta(hours=5))
    await run(muse, "resume", {"story": str(story.id)}, alice)
    resumed = await story_now(muse, story)
    assert before.turn_deadline is not None
    assert resumed.turn_deadline == before.turn_deadline + timedelta(hours=5)
    job = muse.bot.scheduler.get_job(job_id(story.id, DeadlineKind.EXPIRE))
    assert job is not None and job.next_run_time == resumed.turn_deadline


async def test_the_writing_form_and_limits(muse: MuseHarness) -> None:
    alice, bob, _ = members(muse)
    story = await start_story(muse, alice, word_limit=10)
    await run(muse, "join", {"story": str(story.id)}, bob)
    too_long = await run(muse, "write", {"story": str(story.id), "text": "word " * 11}, alice)
    assert "11 words" in too_long.content and await segments(muse, story) == []

    # In the story's thread the story option can be left out; no text opens the form.
    ix = await muse.sandbox.slash("story write", {}, user=alice, channel=story.thread_id)
    modal = await ix.wait_modal()
    field_id = modal["components"][0]["components"][0]["custom_id"]
    submitted = await muse.sandbox.submit_modal(ix, {field_id: "Fog rolled over the rocks."})
    reply = await submitted.final_message()
    await muse.bot.services.story.wait_idle()
    assert "is in" in reply.content and "Next up: bob" in reply.content
    assert [s.text for s in await segments(muse, story)] == ["Fog rolled over the rocks."]

    duplicate = await run(muse, "start", {"title": "the LIGHTHOUSE", "genre": "x"}, bob)
    assert "already running" in duplicate.content
