"""StoryService on a real (temporary) database, a FakeEngine, a FakeClock and fake ports."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.db.repositories.outbox import OutboxRepository
from bot.errors import NotAllowed, UserInputError
from bot.services.actor import Actor
from bot.services.hooks import ContributionKind
from bot.services.outbox import Outbox
from bot.services.story import (
    FORMER_MEMBER,
    DeadlineKind,
    DeadlinePlan,
    NoticeKind,
    Publication,
    StoryRecord,
    StoryService,
)
from bot.services.story import prompts as story_prompts
from models import ChatMessage, FakeEngine, GenerationOptions, Priority

GUILD = 42
ALICE, BOB = 1001, 1002
START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


class RecordingPublisher:
    """Opens threads, and plays the outbox's Discord side: renders each pending story item
    through ``StoryService.publication`` and records what it would post."""

    def __init__(self, repo: OutboxRepository) -> None:
        self.repo = repo
        self.events: list[tuple[str, Any]] = []
        self.recaps: list[str | None] = []  # the text of each recap
        self.threads = 0

    async def open_thread(self, **kwargs: Any) -> int:
        self.threads += 1
        return 9000 + self.threads

    async def drain(self, service: StoryService) -> int:
        delivered = 0
        for item in await self.repo.pending():
            found = await service.publication(item.kind, item.payload)
            if found is not None:
                self._record(found)
            await self.repo.finish(item.id, "done", START, None)
            delivered += 1
        return delivered

    def _record(self, found: Publication) -> None:
        if found.kind == "intro":
            self.events.append(("intro", found.story.id))
        elif found.kind == "segment" and found.segment is not None:
            self.events.append(("segment", found.segment.seq))
        elif found.kind == "turn" and found.writer is not None:
            self.events.append(("turn", found.writer.user_id))
            self.recaps.append(found.recap.text if found.recap is not None else None)
        elif found.kind == "reminder":
            self.events.append(("remind", found.level))
        elif found.kind == "notice" and found.notice is not None:
            self.events.append(("notice", found.notice.kind))
        elif found.kind == "book":
            self.events.append(("book", [f.filename for f in found.files]))


class _SettlingService(StoryService):
    """``wait_idle`` also delivers what the outbox holds (and what that delivery leads to)."""

    recorder: RecordingPublisher

    async def wait_idle(self, timeout: float = 30.0) -> None:
        while True:
            await super().wait_idle(timeout)
            if not await self.recorder.drain(self):
                return


class RecordingTimer:
    def __init__(self) -> None:
        self.plans: dict[int, DeadlinePlan] = {}

    def arm(self, plan: DeadlinePlan) -> None:
        self.plans[plan.story_id] = plan

    def disarm(self, story_id: int) -> None:
        self.plans.pop(story_id, None)


class Hooks:
    def __init__(self) -> None:
        self.recorded: list[tuple[int, ContributionKind, str]] = []
        self.asked: list[int] = []

    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        self.recorded.append((user_id, kind, text))

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        self.asked.append(user_id)
        return "short sentences, lots of salt air"


def make_service(
    repos: Repositories, engine: FakeEngine, clock: FakeClock, hooks: Hooks | None = None
) -> tuple[StoryService, RecordingPublisher, RecordingTimer]:
    service = _SettlingService(
        repos.stories,
        engine,
        clock,
        outbox=Outbox(repos.outbox, clock),
        briefs=hooks,
        contributions=hooks,
        max_skips=3,
        rng=random.Random(1),
    )
    publisher, timer = RecordingPublisher(repos.outbox), RecordingTimer()
    service.recorder = publisher
    service.attach(publisher, timer)
    return service, publisher, timer


async def start(service: StoryService, **options: Any) -> StoryRecord:
    status = await service.start(
        Actor(GUILD, 7, ALICE, "alice"),
        title=options.pop("title", "Salt"),
        genre="sea",
        **options,
    )
    await service.join(Actor(GUILD, None, BOB, "bob"), str(status.story.id))
    await service.wait_idle()
    return status.story


async def write(service: StoryService, story: StoryRecord, user_id: int, text: str) -> None:
    await service.write(
        Actor(GUILD, None, user_id, "alice" if user_id == ALICE else "bob"), str(story.id), text
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


async def test_a_300_segment_story_keeps_every_recap_prompt_within_the_context(
    repos: Repositories, clock: FakeClock
) -> None:
    # A model that always answers at length: the code must bound what goes back into prompts.
    def verbose(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        return "And then the tide rose over the harbour wall once more. " * 60

    engine = FakeEngine(verbose)
    await engine.start()
    service, publisher, _ = make_service(repos, engine, clock)
    story = await start(service, word_limit=1000)
    long_part = "Waves broke against the old stones of the pier. " * 60  # ~3,000 characters
    for index in range(300):
        await write(service, story, ALICE if index % 2 == 0 else BOB, f"{index}. {long_part}")
        await service.wait_idle()
    await engine.close()

    recaps = [p for p in engine.prompts if "Previously" in p.text]
    summaries = [p for p in engine.prompts if "running summary" in p.text]
    assert len(recaps) == 300 and len(summaries) >= 290
    sizes = [len(p.text) for p in recaps + summaries]
    # Characters are bounded; at a pessimistic 2.5 characters a token, the prompt plus the
    # longest answer asked for fits the 2,048-token context the bundled model runs with.
    assert max(sizes) <= story_prompts.PROMPT_CHARS_LIMIT
    worst_tokens = max(sizes) / 2.5 + max(p.options.max_tokens or 0 for p in recaps + summaries)
    assert worst_tokens < 2048
    # The 300th recap costs what the 10th did: nothing grows with the story.
    assert len(recaps[-1].text) <= len(recaps[9].text) * 1.1
    final = await repos.stories.get(story.id)
    assert final is not None and 0 < len(final.summary) <= story_prompts.SUMMARY_CHARS
    assert final.summary_through >= 290
    assert all(r is not None and len(r) <= story_prompts.RECAP_CHARS for r in publisher.recaps[1:])
    assert len(await repos.stories.segments(story.id)) == 300


async def test_simultaneous_writes_commit_exactly_one_segment(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    story = await start(service)
    results = await asyncio.gather(
        *(write(service, story, ALICE, f"Take {n}.") for n in range(5)),
        write(service, story, BOB, "Bob too early."),
        return_exceptions=True,
    )
    await service.wait_idle()
    await engine.close()
    errors = [r for r in results if isinstance(r, Exception)]
    # Alice's first write wins; Bob may legitimately win the next turn if he came after it.
    assert all(isinstance(e, NotAllowed) and "not your turn" in str(e) for e in errors)
    texts = [s.text for s in await repos.stories.segments(story.id)]
    assert sum(t.startswith("Take") for t in texts) == 1
    assert len(texts) == len(results) - len(errors)


async def test_validation_happens_before_any_write(repos: Repositories, clock: FakeClock) -> None:
    engine = FakeEngine()
    await engine.start()
    service, publisher, _ = make_service(repos, engine, clock)
    story = await start(service, word_limit=10)
    before = list(publisher.events)
    for text, message in (
        ("one two three four five six seven eight nine ten eleven", "11 words"),
        ("   \u200b  ", "can't be empty"),
        ("x" * 5000, "limit is 4,000"),
    ):
        with pytest.raises(UserInputError, match=message):
            await write(service, story, ALICE, text)
    with pytest.raises(UserInputError, match="already running"):
        await start(service, title="SALT")
    with pytest.raises(UserInputError, match="letter"):
        await start(service, title="123")
    await service.wait_idle()
    await engine.close()
    assert await repos.stories.segments(story.id) == []
    assert publisher.events == before


async def test_contributions_and_briefs_are_used_only_where_they_belong(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    hooks = Hooks()
    service, _, timer = make_service(repos, engine, clock, hooks)
    story = await start(service, ai_partner=True)
    await write(service, story, ALICE, "Alice's line.")
    await service.wait_idle()  # the AI partner writes its own turn: no member brief for it
    assert hooks.asked == []
    clock.advance(timedelta(hours=24))
    plan = timer.plans[story.id]
    assert await service.on_deadline(story.id, plan.turn_seq, DeadlineKind.EXPIRE)
    await service.wait_idle()
    await engine.close()
    # Bob's turn expired: the stand-in written for him asked for his style brief.
    assert hooks.asked == [BOB]
    stand_in_prompt = next(p for p in engine.prompts if "salt air" in p.text)
    assert "stand in for" in stand_in_prompt.text
    kinds = [s.kind for s in await repos.stories.segments(story.id)]
    assert kinds == ["member", "ai", "stand_in"]
    assert hooks.recorded == [(ALICE, "story_segment", "Alice's line.")]


async def test_an_ai_turn_the_model_cannot_write_passes_on_with_a_notice(
    repos: Repositories, clock: FakeClock
) -> None:
    def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if "it is your turn" in messages[-1].content:  # the AI partner's passage fails
            raise RuntimeError("the model broke")
        return "A summary."

    engine = FakeEngine(responder=responder)
    await engine.start()
    service, publisher, _ = make_service(repos, engine, clock)
    story = await start(service, ai_partner=True)
    await write(service, story, ALICE, "Alice's line.")
    await service.wait_idle()
    await engine.close()
    assert ("notice", NoticeKind.AI_FAILED) in publisher.events
    current = await repos.stories.get(story.id)
    assert current is not None and current.current_user_id == BOB
    assert [s.kind for s in await repos.stories.segments(story.id)] == ["member"]


async def test_members_data_exports_and_erases_keeping_the_story(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    story = await start(service)
    await write(service, story, ALICE, "Alice's line.")
    await write(service, story, BOB, "Bob's line.")
    await service.wait_idle()

    exported = await repos.stories.export_member(GUILD, BOB)
    assert [s["text"] for s in exported["segments"]] == ["Bob's line."]
    assert exported["participation"][0]["display_name"] == "bob"
    assert await repos.stories.export_member(GUILD + 1, BOB) == {
        "segments": [],
        "canon": [],
        "participation": [],
        "stories_started": [],
    }

    changed = await repos.stories.erase_member(GUILD, BOB)
    assert changed == 2
    written = await repos.stories.segments(story.id)
    assert [(s.author_id, s.author_name, s.text) for s in written] == [
        (ALICE, "alice", "Alice's line."),
        (None, FORMER_MEMBER, "Bob's line."),
    ]
    assert [p.user_id for p in await repos.stories.participants(story.id)] == [ALICE]
    assert (await repos.stories.export_member(GUILD, BOB))["segments"] == []
    # The story still compiles, with the erased member's part credited anonymously.
    await service.end(Actor(GUILD, None, ALICE), str(story.id))
    files = await service.export(GUILD, str(story.id), None)
    markdown = files[0].data.decode()
    assert "Bob's line." in markdown and f"— *{FORMER_MEMBER}*" in markdown
    assert "bob" not in markdown.replace("Bob's line.", "")
    await engine.close()


async def test_recap_priority_and_deadline_plan(repos: Repositories, clock: FakeClock) -> None:
    engine = FakeEngine()
    await engine.start()
    seen: list[Priority] = []
    original = engine.complete

    async def spy(messages: Any, options: Any = None, **kwargs: Any) -> str:
        seen.append(kwargs.get("priority", Priority.INTERACTIVE))
        return await original(messages, options, **kwargs)

    engine.complete = spy  # type: ignore[method-assign]
    service, _, timer = make_service(repos, engine, clock)
    story = await start(service, turn_hours=10)
    await write(service, story, ALICE, "Alice's line.")
    await service.wait_idle()
    await engine.close()
    # The recap (rendered with the ping) is interactive; the summary runs in the background.
    assert sorted(seen) == [Priority.INTERACTIVE, Priority.BACKGROUND]
    plan = timer.plans[story.id]
    assert plan.times == {
        DeadlineKind.HALF: START + timedelta(hours=5),
        DeadlineKind.LATE: START + timedelta(hours=9),
        DeadlineKind.EXPIRE: START + timedelta(hours=10),
    }


async def test_hostile_titles_names_and_text_still_make_both_books(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    status = await service.start(
        Actor(GUILD, 7, ALICE, "\u202eali\x00ce\uffff" + "x" * 200),
        title="Moon\uffffLight",
        genre="sea",
    )
    story = status.story
    assert story.title == "MoonLight"
    await service.join(Actor(GUILD, None, BOB, "\ufffe"), str(story.id))
    await service.wait_idle()
    await write(service, story, ALICE, "👩\u200d👩\u200d👧 ```\n# not a heading\ufdd0")
    seats = await repos.stories.participants(story.id)
    assert [s.display_name[:5] for s in seats] == ["alice", "a wri"]
    assert all(len(s.display_name) <= 100 for s in seats)
    await service.end(Actor(GUILD, None, ALICE), str(story.id))
    files = await service.export(GUILD, str(story.id), None)
    assert [f.content_type for f in files] == ["text/markdown", "application/epub+zip"]
    markdown = files[0].data.decode()
    assert "👩\u200d👩\u200d👧" in markdown and "\ufdd0" not in markdown
    assert "\n# not" not in markdown and "\\`\\`\\`" in markdown
    await engine.close()


async def test_moderation_asks_about_the_storys_own_channel(
    repos: Repositories, clock: FakeClock
) -> None:
    """Manage Messages counts in the story's channel (its thread's parent), not in the channel
    the command was used in."""
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    story = await start(service)  # started in channel 7
    asked: list[int] = []

    def moderator_elsewhere(channel_id: int) -> bool:
        asked.append(channel_id)
        return channel_id == 99  # Manage Messages in another channel only

    with pytest.raises(NotAllowed, match="Manage Messages"):
        await service.end(
            # typed in the channel where the member is a moderator
            Actor(GUILD, 99, BOB, can_moderate=moderator_elsewhere),
            str(story.id),
        )
    assert asked == [7]
    current = await repos.stories.get(story.id)
    assert current is not None and current.status != "ended"  # nothing changed
    status = await service.pause(
        Actor(GUILD, 99, BOB, can_moderate=lambda channel_id: channel_id == 7), str(story.id)
    )
    assert status.story.status == "paused"
    await service.wait_idle()
    await engine.close()


async def test_releasing_an_erased_member_moves_their_turn_on(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, publisher, _ = make_service(repos, engine, clock)
    story = await start(service)  # Alice's turn first
    other = await start(service, title="Elsewhere")
    await write(service, other, ALICE, "Alice's line.")  # Bob's turn there
    await service.wait_idle()
    publisher.events.clear()

    assert await service.release_member(GUILD, ALICE) == 2
    assert await service.release_member(GUILD + 1, BOB) == 0  # another server: nothing
    await service.wait_idle()
    for record in (story, other):
        fresh = await repos.stories.get(record.id)
        assert fresh is not None and fresh.current_user_id == BOB
        seats = {p.user_id: p.active for p in await repos.stories.participants(record.id)}
        assert seats == {ALICE: False, BOB: True}
    assert publisher.events.count(("notice", NoticeKind.LEFT)) == 2
    assert ("turn", BOB) in publisher.events  # only where the turn was Alice's is Bob pinged
    assert publisher.events.count(("turn", BOB)) == 1
    await engine.close()
