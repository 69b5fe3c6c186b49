"""The prompt-of-the-day service against a real database, a fake publisher and a FakeEngine:
the never-twice rules for interrupted posts, permissions, and member data."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.db.repositories.outbox import OutboxItem
from bot.db.repositories.potd.base import SUBMISSION_COLUMNS, submission_from_row
from bot.errors import NotAllowed, UserInputError
from bot.services.outbox import (
    DeliveryRefused,
    DeliveryRetry,
    Outbox,
    OutboxMessage,
    OutboxWorker,
)
from bot.services.potd import (
    POST_KIND,
    Actor,
    AttachmentInfo,
    PotdOptions,
    PotdPostRecord,
    PotdService,
    PotdSubmissionRecord,
    PromptGenerator,
)
from bot.services.potd.generation import CuratedPrompt
from models import FakeEngine

GUILD = 100
ADMIN = Actor(1, can_manage=True)
MEMBER = Actor(2, can_manage=False)
CURATED = [
    CuratedPrompt(
        f"Curated Prompt {word}", f"A curated prompt about {word} for testing.", (), (), "mixed"
    )
    for word in ("amber", "basalt", "cedar", "dune", "ember", "fjord")
]


class FakePublisher:
    """The Discord side of the day's post, as the outbox worker drives it: renders through the
    service, "sends" (or fails as scripted), looks up by nonce, and reports back."""

    def __init__(self) -> None:
        self.service: PotdService | None = None
        self.sent: list[PotdPostRecord] = []
        self.visible: dict[str, int] = {}  # nonce -> message id
        self.failures: list[Exception] = []
        self.lookup_fails = False
        self.lookups = 0
        self.delay = 0.0

    def _service(self) -> PotdService:
        assert self.service is not None
        return self.service

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        if item.kind != POST_KIND:
            return None  # submission posts are not this test's subject
        post = await self._service().post_to_publish(int(item.payload["post_id"]))
        if post is None:
            return None
        embed = {"title": post.title, "footer": {"text": post.local_date}}
        return [OutboxMessage("", embeds=[embed])]

    async def send(self, item: OutboxItem, message: OutboxMessage, nonce: str) -> int:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        post = await self._service().post_to_publish(int(item.payload["post_id"]))
        assert post is not None
        self.sent.append(post)
        self.visible[nonce] = 1000 + len(self.sent)
        return self.visible[nonce]

    async def find_sent(
        self, item: OutboxItem, message: OutboxMessage, nonce: str, after: float
    ) -> int | None:
        self.lookups += 1
        if self.lookup_fails:
            raise DeliveryRefused("can't read the channel")
        return self.visible.get(nonce)

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        post = await self._service().post_delivered(int(item.payload["post_id"]), message_ids[0])
        if post is not None and post.thread_id is None:
            await self._service().set_post_thread(post.id, message_ids[0] + 1000)

    async def failed(self, item: OutboxItem, reason: str) -> None:
        await self._service().post_failed(
            int(item.payload["post_id"]), reason, uncertain=item.attempts > 1
        )


async def submission_items(repos: Repositories) -> list[OutboxItem]:
    """The outbox items of submission posts (the day's post is an outbox item too)."""
    return [i for i in await repos.outbox.items() if i.kind == "potd.submission"]


class Env(NamedTuple):
    service: PotdService
    publisher: FakePublisher
    clock: FakeClock
    engine: FakeEngine
    outbox: Outbox


async def submissions_for(repos: Repositories, post_id: int) -> list[PotdSubmissionRecord]:
    """The submissions recorded for a post, read from its table."""
    rows = await repos.db.fetchall(
        f"SELECT {SUBMISSION_COLUMNS} FROM potd_submissions WHERE post_id = ? ORDER BY id",
        (post_id,),
    )
    return [submission_from_row(row) for row in rows]


def start_worker(repos: Repositories, outbox: Outbox, publisher: FakePublisher) -> OutboxWorker:
    worker = OutboxWorker(
        repos.outbox,
        publisher,
        FakeClock(datetime(2026, 7, 1, 6, 0, tzinfo=UTC)),
        base_delay=0.01,
        max_delay=0.05,
        rng=random.Random(5),
    )
    outbox.listen(worker.wake, worker.wait_idle)
    worker.start()
    return worker


@pytest.fixture
async def env(repos: Repositories) -> AsyncIterator[Env]:
    clock = FakeClock(datetime(2026, 7, 1, 6, 0, tzinfo=UTC))  # 08:00 in Berlin
    engine = FakeEngine()
    engine.fail_next = 10_000
    await engine.start()
    outbox = Outbox(repos.outbox, clock)
    service = PotdService(
        repos.potd,
        PromptGenerator(engine, attempts=1, curated=CURATED),
        clock,
        options=PotdOptions(grace_hours=6, post_wait_seconds=5),
        outbox=outbox,
    )
    publisher = FakePublisher()
    publisher.service = service
    worker = start_worker(repos, outbox, publisher)
    service.bind(None)
    await service.configure(
        GUILD, ADMIN, channel_id=5, post_time="09:00", timezone="Europe/Berlin", medium="mixed"
    )
    yield Env(service, publisher, clock, engine, outbox)
    await worker.close()
    await engine.close()


async def test_concurrent_due_checks_post_once(env: Env) -> None:
    service, publisher, clock, _, _ = env
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    publisher.delay = 0.05
    outcomes = await asyncio.gather(*(service.post_if_due(GUILD) for _ in range(5)))
    assert len(publisher.sent) == 1
    assert sorted(o.action for o in outcomes).count("posted") == 1


async def test_a_refused_post_is_not_retried_the_same_day(env: Env) -> None:
    service, publisher, clock, _, _ = env
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    publisher.failures = [DeliveryRefused("no access")]
    assert (await service.post_if_due(GUILD)).action == "failed"
    clock.advance(timedelta(minutes=10))
    assert (await service.post_if_due(GUILD)).action == "exists"
    assert publisher.sent == []
    overview = await service.overview(GUILD, ADMIN)
    assert overview.last_post_status == "failed" and overview.last_post_note == "no access"


async def test_uncertain_send_is_looked_up_then_sent_once_by_the_outbox(
    env: Env, repos: Repositories
) -> None:
    service, publisher, clock, _, outbox = env
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    publisher.failures = [DeliveryRetry("network went away mid-send")]
    service.options = PotdOptions(grace_hours=6, post_wait_seconds=0)  # report without waiting
    assert (await service.post_if_due(GUILD)).action == "queued"  # the outbox retries it
    await outbox.settle(5)
    assert len(publisher.sent) == 1 and publisher.lookups == 1  # looked before re-sending
    row = await repos.potd.get_post(GUILD, "2026-07-01")
    assert row is not None and row.status == "posted" and row.thread_id is not None
    assert (await service.post_if_due(GUILD)).action == "exists"


async def test_unreadable_channel_marks_the_day_unknown_rather_than_risk_a_duplicate(
    env: Env, repos: Repositories
) -> None:
    service, publisher, clock, _, outbox = env
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    publisher.failures = [DeliveryRetry("timed out")]
    publisher.lookup_fails = True
    service.options = PotdOptions(grace_hours=6, post_wait_seconds=0)
    assert (await service.post_if_due(GUILD)).action == "queued"
    await outbox.settle(5)
    assert publisher.sent == []
    row = await repos.potd.get_post(GUILD, "2026-07-01")
    assert row is not None and row.status == "unknown"
    assert (await service.post_if_due(GUILD)).action == "exists"


async def test_an_interrupted_post_past_the_grace_window_is_missed(
    env: Env, repos: Repositories
) -> None:
    service, publisher, clock, _, outbox = env
    outbox.listen(None)  # the process dies right after handing the post to the outbox
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    assert (await service.post_if_due(GUILD)).action == "queued"
    clock.set(datetime(2026, 7, 1, 14, 0, tzinfo=UTC))  # 16:00 Berlin: 7 h late
    worker = start_worker(repos, outbox, publisher)
    try:
        assert (await service.post_if_due(GUILD)).action == "missed"
    finally:
        await worker.close()
    assert publisher.sent == []


async def test_pause_and_resume_do_not_cause_a_late_post_for_paused_days(env: Env) -> None:
    service, _publisher, clock, _, _ = env
    await service.set_paused(GUILD, ADMIN, True)
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    assert (await service.post_if_due(GUILD)).action == "paused"
    clock.set(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    await service.set_paused(GUILD, ADMIN, False)  # 10:00 Berlin: today's time had passed
    assert (await service.post_if_due(GUILD)).action == "not_due"
    clock.set(datetime(2026, 7, 2, 7, 0, tzinfo=UTC))
    assert (await service.post_if_due(GUILD)).action == "posted"
    with pytest.raises(UserInputError):
        await service.set_paused(GUILD, ADMIN, False)


async def test_managers_only_and_nothing_changes(env: Env, repos: Repositories) -> None:
    service, _, _, _, _ = env
    before = await repos.potd.get_config(GUILD)
    calls = [
        service.configure(
            GUILD, MEMBER, channel_id=9, post_time="10:00", timezone="UTC", medium="music"
        ),
        service.set_paused(GUILD, MEMBER, True),
        service.queue_add(GUILD, MEMBER, title="Mine", prompt="A member's sneaky prompt."),
        service.set_calendar(GUILD, MEMBER, "a, b", None),
        service.clear_calendar(GUILD, MEMBER, None),
        service.preview(GUILD, MEMBER),
        service.review(GUILD, MEMBER, 1, approve=True),
        service.queue_remove(GUILD, MEMBER, 1),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            await call
    assert await repos.potd.get_config(GUILD) == before
    assert await repos.potd.queued(GUILD) == []
    assert await repos.potd.get_calendar(GUILD) == {}
    assert await service.queue_choices(GUILD, MEMBER) == []


async def test_calendar_words_are_parsed_and_bounded() -> None:
    parse = PotdService.parse_calendar_words
    assert parse("ember, tide , moss") == ["ember", "tide", "moss"]
    assert parse("ember tide moss") == ["ember", "tide", "moss"]
    assert parse("blue moon, red sky") == ["blue moon", "red sky"]
    with pytest.raises(UserInputError):
        parse(" ".join(["w"] * 32))
    with pytest.raises(UserInputError):
        parse("x" * 40)


async def test_member_data_is_exported_and_erased(env: Env, repos: Repositories) -> None:
    service, _, clock, _, _ = env
    suggestion = await service.suggest(
        GUILD, 7, title="Tide Pools", prompt="Draw a tide pool up close."
    )
    await service.review(GUILD, ADMIN, suggestion.id, approve=True)
    await service.suggest(GUILD, 7, title="Second Idea", prompt="Another idea from member seven.")
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    await service.post_if_due(GUILD)
    result = await service.submit(
        GUILD, 7, text="my answer", attachment=AttachmentInfo("a.png", "http://x/a.png", 10)
    )
    assert result.title == "Tide Pools" and result.streak.current == 1
    exported = await repos.potd.export_member(GUILD, 7)
    assert [s["text"] for s in exported["submissions"]] == ["my answer"]
    assert {s["title"] for s in exported["suggestions"]} == {"Tide Pools", "Second Idea"}
    assert await repos.potd.erase_member(GUILD, 7) >= 3
    assert await repos.potd.export_member(GUILD, 7) == {"submissions": [], "suggestions": []}
    assert (await service.streak(GUILD, 7)).total == 0
    post = await repos.potd.get_post(GUILD, "2026-07-01")
    assert post is not None and post.title == "Tide Pools"  # the server's post stays
    assert repos.potd.data_name == "prompt_of_the_day"


async def test_submissions_are_validated(env: Env, repos: Repositories) -> None:
    service, _, clock, _, _ = env
    with pytest.raises(UserInputError, match="no prompt"):
        await service.submit(GUILD, 3, text="early", attachment=None)
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    await service.post_if_due(GUILD)
    with pytest.raises(UserInputError, match="text, a file"):
        await service.submit(GUILD, 3, text="   ", attachment=None)
    with pytest.raises(UserInputError, match="limit"):
        await service.submit(GUILD, 3, text="x" * 1501, attachment=None)
    with pytest.raises(UserInputError, match="MB"):
        await service.submit(
            GUILD, 3, text=None, attachment=AttachmentInfo("big.wav", "u", 50 * 1024 * 1024)
        )
    assert await submission_items(repos) == []  # refusals record nothing
    ok = await service.submit(GUILD, 3, text="fine", attachment=None)
    assert ok.streak.total == 1
    # The submission and the post that shows it in the day's thread were recorded together.
    items = await submission_items(repos)
    assert [(i.kind, i.channel_id, i.payload["submission_id"]) for i in items] == [
        ("potd.submission", ok.thread_id, ok.submission_id)
    ]
    with pytest.raises(UserInputError, match="already answered"):
        await service.submit(GUILD, 3, text="again", attachment=None)
    assert len(await submission_items(repos)) == 1


async def test_a_submission_needs_the_thread_and_records_nothing_without_it(
    env: Env, repos: Repositories
) -> None:
    service, _, clock, _, _ = env
    clock.set(datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    await service.post_if_due(GUILD)
    post = await repos.potd.latest_posted(GUILD)
    assert post is not None and post.thread_id is not None
    await repos.db.execute("UPDATE potd_posts SET thread_id = NULL WHERE id = ?", (post.id,))
    asked: list[tuple[int, int, str]] = []

    async def no_thread(channel_id: int, message_id: int, local_date: str) -> int | None:
        asked.append((channel_id, message_id, local_date))
        return None

    with pytest.raises(UserInputError, match="thread"):
        await service.submit(GUILD, 3, text="fine", attachment=None, ensure_thread=no_thread)
    assert asked == [(post.channel_id, post.message_id, post.local_date)]
    assert await submissions_for(repos, post.id) == []
    assert await submission_items(repos) == []

    async def new_thread(channel_id: int, message_id: int, local_date: str) -> int | None:
        return 4242

    ok = await service.submit(GUILD, 3, text="fine", attachment=None, ensure_thread=new_thread)
    assert ok.thread_id == 4242
    assert [i.channel_id for i in await submission_items(repos)] == [4242]
    again = await repos.potd.latest_posted(GUILD)
    assert again is not None and again.thread_id == 4242  # remembered for the next member
