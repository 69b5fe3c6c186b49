"""A story's canon: trigger matching, the prompt budget, the rights to change it, erasure, and
human-only stories, on a real (temporary) database with a FakeEngine and a FakeClock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotAllowed, UserInputError
from bot.services.actor import Actor
from bot.services.story import FORMER_MEMBER, CanonEntry, DeadlineKind, StoryService
from bot.services.story import prompts as story_prompts
from bot.services.story.canon import (
    CANON_BASE_CHARS,
    CANON_MAX_CHARS,
    canon_budget,
    canon_line,
    canon_slot,
    parse_triggers,
    triggered,
)
from bot.services.story.types import SegmentRecord, StoryRecord
from models import FakeEngine
from tests.unit.test_story_service import ALICE, BOB, GUILD, START, make_service, start, write

CAROL, MOD = 1003, 1004
T0 = datetime(2031, 1, 1, tzinfo=UTC)


def entry(entry_id: int, name: str, *triggers: str, description: str = "") -> CanonEntry:
    return CanonEntry(
        entry_id, 1, "character", name, description or f"All about {name}.", triggers, ALICE,
        "alice", T0, T0,
    )  # fmt: skip


def segment(seq: int, text: str) -> SegmentRecord:
    return SegmentRecord(seq, 1, seq, 1, "member", ALICE, "alice", None, text, 10, True, T0)


def actor(user_id: int, *, moderator: bool = False) -> Actor:
    names = {ALICE: "alice", BOB: "bob", CAROL: "carol", MOD: "mod"}
    return Actor(GUILD, None, user_id, names[user_id], can_moderate=lambda _: moderator)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


# -- trigger words --------------------------------------------------------------------------


def test_triggers_are_cleaned_deduplicated_and_bounded() -> None:
    assert parse_triggers(None) == ()
    assert parse_triggers(" , ,") == ()
    assert parse_triggers("lamp,  Old   Lamp , LAMP, keeper") == ("lamp", "Old Lamp", "keeper")
    with pytest.raises(UserInputError, match="8"):
        parse_triggers(",".join(f"word{n}" for n in range(9)))
    with pytest.raises(UserInputError, match="40"):
        parse_triggers("x" * 41)
    assert parse_triggers("x" * 40) == ("x" * 40,)


def test_an_entry_comes_up_by_its_name_or_a_trigger_as_a_whole_word_in_any_case() -> None:
    anna = entry(1, "Anna", "the keeper")
    lamp = entry(2, "Lamp")
    assert triggered([anna, lamp], "ANNA climbed.") == [anna]
    assert triggered([anna, lamp], "The Keeper climbed to the lamp.") == [lamp, anna]
    # Part of a longer word is not a mention.
    assert triggered([anna, lamp], "Annabel lit the lamplight.") == []
    assert triggered([anna, lamp], "") == []
    # Phrases and names that are not plain words are found whole, too.
    keeper = entry(3, "Ó'Rourke", "old lamp")
    assert triggered([keeper], "Then ó'rourke came.") == [keeper]
    assert triggered([keeper], "The OLD\n  LAMP.") == [keeper]  # any spaces between the words
    # Both end on the same word: the older entry first.
    assert triggered([keeper, lamp], "The old lamp. Then the old lampshade.") == [lamp, keeper]
    assert triggered([keeper], "bold lamp, old lamps, xó'rourke") == []


def test_the_most_recently_mentioned_entry_comes_first_and_ties_go_to_the_older_entry() -> None:
    anna, boat, lamp = entry(1, "Anna"), entry(2, "Boat"), entry(3, "Lamp")
    text = "Anna saw the boat. Later the lamp failed, and Anna ran."
    assert triggered([lamp, boat, anna], text) == [anna, lamp, boat]
    # Two entries named by one phrase: same position, so the older one first, every time.
    twin_a, twin_b = entry(5, "Storm", "gale"), entry(4, "Gale")
    assert triggered([twin_a, twin_b], "A gale.") == [twin_b, twin_a]


def test_the_canon_slot_keeps_within_its_budget_most_recent_first() -> None:
    anna = entry(1, "Anna", description="A keeper. " * 10)
    boat = entry(2, "Boat", description="Small.")
    lamp = entry(3, "Lamp", description="Old. " * 200)  # longer than any budget
    passages = [segment(1, "Anna rowed the boat."), segment(2, "The lamp went dark.")]
    budget = len(canon_line(anna)) + 1 + len(canon_line(boat))
    slot = canon_slot([anna, boat, lamp], passages, budget)
    assert slot is not None and len(slot) <= budget
    # The lamp was mentioned last but can't fit: it is passed over for the next ones.
    assert slot.split("\n") == [canon_line(boat), canon_line(anna)]
    assert canon_slot([anna, boat, lamp], passages, budget) == slot  # deterministic
    smaller = canon_slot([anna, boat, lamp], passages, len(canon_line(boat)))
    assert smaller == canon_line(boat)
    assert canon_slot([anna], [segment(1, "Nobody here.")], 1000) is None


def test_the_budget_grows_with_the_context_and_is_capped() -> None:
    assert canon_budget(512) == CANON_BASE_CHARS
    assert canon_budget(2048) == CANON_BASE_CHARS
    assert CANON_BASE_CHARS < canon_budget(4096) < canon_budget(5000) <= CANON_MAX_CHARS
    assert canon_budget(131072) == CANON_MAX_CHARS


def _story() -> StoryRecord:
    return StoryRecord(
        1, 1, 1, 1, "T" * 80, "g" * 40, 1, 86400, 1000, None, None, True, False, "open", 4, 20,
        0, 1.0, T0, T0, None, 0, 0, "s" * story_prompts.SUMMARY_CHARS, 10, T0, None,
    )  # fmt: skip


def test_the_canon_goes_into_a_marked_member_slot_and_the_prompt_bound_holds() -> None:
    story = _story()
    recent = [segment(n, "Keeper Anna climbed the stairs. " * 80) for n in range(1, 9)]
    entries = [entry(n, f"Anna{n}", "keeper", description="d" * 370) for n in range(1, 6)]
    slot = canon_slot(entries, recent, canon_budget(2048))
    assert slot is not None and len(slot) <= CANON_BASE_CHARS
    plain = story_prompts.segment_messages(story, recent, words=150, style_brief="b " * 150)
    with_canon = story_prompts.segment_messages(
        story, recent, words=150, style_brief="b " * 150, canon=slot
    )
    recap = story_prompts.recap_messages(story, recent, canon=slot)
    for messages in (with_canon, recap):
        assert f"<<<{slot}>>>" in messages[-1].content
        # Our instructions come before the member slots: the canon is never among them.
        assert messages[-1].content.index("<<<") > 50
        assert sum(len(m.content) for m in messages) <= story_prompts.PROMPT_CHARS_LIMIT
    # At the smallest context the canon takes its room from the passages.
    assert abs(sum(len(m.content) for m in with_canon) - sum(len(m.content) for m in plain)) < 80


# -- the service ----------------------------------------------------------------------------


async def _story_with_carol_outside(
    repos: Repositories, clock: FakeClock
) -> tuple[StoryService, StoryRecord]:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    return service, await start(service)  # alice started it, bob joined; carol is not in it


async def test_writers_add_entries_and_only_author_starter_or_moderator_change_them(
    repos: Repositories, clock: FakeClock
) -> None:
    service, story = await _story_with_carol_outside(repos, clock)
    ref = str(story.id)
    with pytest.raises(NotAllowed, match="join"):
        await service.add_canon(actor(CAROL), ref, kind="place", name="Pier", description="Wet.")
    assert await repos.stories.canon(story.id) == []

    added = await service.add_canon(
        actor(BOB), ref, kind="character", name="Anna", description="The keeper.",
        triggers="keeper, the old woman",
    )  # fmt: skip
    assert (added.author_id, added.author_name) == (BOB, "bob")
    assert added.triggers == ("keeper", "the old woman")
    with pytest.raises(UserInputError, match="already has an entry"):
        await service.add_canon(actor(ALICE), ref, kind="place", name="ANNA", description="x")
    with pytest.raises(UserInputError):
        await service.add_canon(actor(BOB), ref, kind="weather", name="Fog", description="x")
    with pytest.raises(UserInputError, match="400"):
        await service.add_canon(actor(BOB), ref, kind="rule", name="Law", description="x" * 401)

    # Neither Carol (not a writer) nor a member without Manage Messages may change Bob's
    # entry; nothing changes.
    for who in (actor(CAROL), actor(MOD)):
        with pytest.raises(NotAllowed):
            await service.edit_canon(who, ref, "anna", description="Changed.")
        with pytest.raises(NotAllowed):
            await service.remove_canon(who, ref, "Anna")
    assert await repos.stories.canon(story.id) == [added]

    edited = await service.edit_canon(actor(BOB), ref, "anna", description="The lamp keeper.")
    assert edited.description == "The lamp keeper." and edited.triggers == added.triggers
    cleared = await service.edit_canon(actor(ALICE), ref, "Anna", triggers=",")  # the starter
    assert cleared.triggers == ()
    moved = await service.edit_canon(actor(MOD, moderator=True), ref, "Anna", kind="event")
    assert moved.kind == "event"
    removed = await service.remove_canon(actor(MOD, moderator=True), ref, "anna")
    assert removed.id == added.id and await repos.stories.canon(story.id) == []
    with pytest.raises(UserInputError, match="no canon entry"):
        await service.remove_canon(actor(BOB), ref, "Anna")


async def test_a_kicked_writer_cannot_add_and_an_ended_story_keeps_its_canon(
    repos: Repositories, clock: FakeClock
) -> None:
    service, story = await _story_with_carol_outside(repos, clock)
    ref = str(story.id)
    await service.add_canon(actor(BOB), ref, kind="object", name="Lamp", description="Old.")
    await service.kick(actor(ALICE), ref, BOB)
    with pytest.raises(NotAllowed):
        await service.add_canon(actor(BOB), ref, kind="place", name="Pier", description="x")
    with pytest.raises(NotAllowed):  # nor change what he added before
        await service.edit_canon(actor(BOB), ref, "Lamp", description="New.")
    assert [e.description for e in await repos.stories.canon(story.id)] == ["Old."]
    await service.end(actor(ALICE), ref)
    await service.wait_idle()
    with pytest.raises(UserInputError, match="has ended"):
        await service.remove_canon(actor(ALICE), ref, "Lamp")
    assert [e.name for e in await repos.stories.canon(story.id)] == ["Lamp"]


async def test_erasure_credits_a_former_member_and_the_export_lists_the_entries(
    repos: Repositories, clock: FakeClock
) -> None:
    service, story = await _story_with_carol_outside(repos, clock)
    ref = str(story.id)
    await service.add_canon(
        actor(BOB), ref, kind="place", name="Pier", description="Wet.", triggers="dock"
    )
    await service.add_canon(actor(ALICE), ref, kind="rule", name="No magic", description="None.")
    exported = await repos.stories.export_member(GUILD, BOB)
    assert [(c["name"], c["triggers"]) for c in exported["canon"]] == [("Pier", ["dock"])]

    assert await repos.stories.erase_member(GUILD, BOB) > 0
    kept = {e.name: e for e in await repos.stories.canon(story.id)}
    assert (kept["Pier"].author_id, kept["Pier"].author_name) == (None, FORMER_MEMBER)
    assert kept["Pier"].description == "Wet."  # the shared work stays
    assert (kept["No magic"].author_id, kept["No magic"].author_name) == (ALICE, "alice")
    assert (await repos.stories.export_member(GUILD, BOB))["canon"] == []


async def test_the_ai_partner_prompt_carries_the_canon_that_came_up(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    story = await start(service, ai_partner=True)
    ref = str(story.id)
    await service.add_canon(
        actor(ALICE), ref, kind="character", name="Anna", description="Anna fears the sea.",
        triggers="keeper",
    )  # fmt: skip
    await service.add_canon(actor(ALICE), ref, kind="place", name="Pier", description="Rotten.")
    await write(service, story, ALICE, "The keeper climbed the tower.")
    await service.wait_idle()
    await engine.close()
    exported = await repos.stories.export_member(GUILD, ALICE)
    assert [(g["kind"], g["ai_written"]) for g in exported["segments"]] == [("member", False)]
    passage = next(p for p in engine.prompts if "it is your turn" in p.text)
    assert "<<<Anna (character): Anna fears the sea.>>>" in passage.text
    assert "Rotten." not in passage.text  # the pier never came up


async def test_a_human_only_story_refuses_the_ai_and_skips_instead_of_standing_in(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, publisher, timer = make_service(repos, engine, clock)
    with pytest.raises(UserInputError, match="human-only"):
        await start(service, human_only=True, ai_partner=True)
    assert await repos.stories.list_for_guild(GUILD, ("open",)) == []

    story = await start(service, human_only=True)
    assert story.human_only and not story.ai_partner
    await write(service, story, ALICE, "Alice begins.")
    plan = timer.plans[story.id]
    clock.set(plan.times[DeadlineKind.EXPIRE])
    assert await service.on_deadline(story.id, plan.turn_seq, DeadlineKind.EXPIRE)
    await service.wait_idle()
    await engine.close()
    assert [s.kind for s in await repos.stories.segments(story.id)] == ["member"]
    assert engine.prompts == []  # no passage, no recap, no summary by the model
    assert all(r is None or r.startswith("…") for r in publisher.recaps)
