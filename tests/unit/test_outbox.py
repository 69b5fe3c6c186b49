"""The outbox worker on a real (temporary) database and a scripted transport."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.db import Database
from bot.db.connection import load_migrations
from bot.db.repositories.outbox import OutboxItem, OutboxRepository
from bot.services.outbox import (
    DeliveryRefused,
    DeliveryRetry,
    Outbox,
    OutboxFile,
    OutboxMessage,
    OutboxWorker,
)

NOW = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


class ScriptedTransport:
    """Renders ``payload["parts"]`` messages; fails sends as scripted per channel."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str]] = []  # (channel, content, nonce)
        self.failures: dict[int, list[Exception]] = {}
        self.renders = 0
        self.lookups: list[float] = []
        self.already: dict[str, int] = {}  # content -> id the bot "already posted"
        self.delivered_ids: list[tuple[int, list[int]]] = []  # (item id, message ids)

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        self.renders += 1
        if item.payload.get("gone"):
            return None
        return [OutboxMessage(f"{item.payload['text']} #{n}") for n in range(item.payload["parts"])]

    async def send(self, item: OutboxItem, message: OutboxMessage, nonce: str) -> int:
        queue = self.failures.get(item.channel_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((item.channel_id, message.content, nonce))
        return 1000 + len(self.sent)

    async def find_sent(
        self, item: OutboxItem, message: OutboxMessage, nonce: str, after: float
    ) -> int | None:
        self.lookups.append(after)
        return self.already.get(message.content)

    async def delivered(self, item: OutboxItem, message_ids: Sequence[int]) -> None:
        self.delivered_ids.append((item.id, list(message_ids)))


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[OutboxRepository]:
    db = Database(tmp_path / "outbox.db")
    await db.open()
    yield OutboxRepository(db)
    await db.close()


async def add(outbox: Outbox, channel: int, text: str, parts: int = 1, **extra: object) -> int:
    item = await outbox.add(
        guild_id=1,
        channel_id=channel,
        kind="test.post",
        payload={"text": text, "parts": parts, **extra},
    )
    assert item is not None
    return item


def worker(repo: OutboxRepository, transport: ScriptedTransport, **kw: object) -> OutboxWorker:
    return OutboxWorker(
        repo,
        transport,
        FakeClock(NOW),
        base_delay=0.01,
        max_delay=0.05,
        rng=random.Random(3),
        **kw,  # type: ignore[arg-type]
    )


async def test_order_within_a_channel_holds_through_failures_and_others_go_on(
    repo: OutboxRepository,
) -> None:
    outbox, transport = Outbox(repo, FakeClock(NOW)), ScriptedTransport()
    for n in range(3):
        await add(outbox, 10, f"a{n}", parts=2)
        await add(outbox, 20, f"b{n}")
    transport.failures[10] = [DeliveryRetry("503"), DeliveryRetry("503"), OSError("reset")]
    running = worker(repo, transport)
    running.start()
    await running.wait_idle(10)
    await running.close()
    channel_a = [content for channel, content, _ in transport.sent if channel == 10]
    assert channel_a == ["a0 #0", "a0 #1", "a1 #0", "a1 #1", "a2 #0", "a2 #1"]
    assert [c for ch, c, _ in transport.sent if ch == 20] == ["b0 #0", "b1 #0", "b2 #0"]
    # The other channel did not wait for the failing one.
    first_a = next(i for i, (ch, _, _) in enumerate(transport.sent) if ch == 10)
    assert first_a > 0
    # Each part went out once, with a nonce of its own that Discord accepts (<= 25 chars).
    nonces = [nonce for _, _, nonce in transport.sent]
    assert len(set(nonces)) == len(nonces) and all(len(n) <= 25 for n in nonces)
    assert all(i.status == "done" for i in await repo.items())
    # Each item was reported delivered once, with the ids of all its parts, in order.
    items = {i.id: i for i in await repo.items()}
    assert sorted(item_id for item_id, _ in transport.delivered_ids) == sorted(items)
    for item_id, ids in transport.delivered_ids:
        assert ids == items[item_id].message_ids and len(ids) == items[item_id].payload["parts"]


def test_a_message_keeps_its_embeds_through_json() -> None:
    embed = {"description": "answer", "footer": {"text": "Title · date"}}
    message = OutboxMessage("hi", None, (OutboxFile("a.png", b"\x89PNG", "image/png"),), (embed,))
    again = OutboxMessage.from_json(message.to_json())
    assert again.embeds == (embed,) and again.files == message.files
    assert OutboxMessage.from_json({"content": "old item"}).embeds == ()


async def test_a_part_confirmed_before_a_failure_is_not_sent_again(
    repo: OutboxRepository,
) -> None:
    outbox, transport = Outbox(repo, FakeClock(NOW)), ScriptedTransport()
    item_id = await add(outbox, 10, "long", parts=3)

    class FailSecond(ScriptedTransport):
        calls = 0

        async def send(self, item: OutboxItem, message: OutboxMessage, nonce: str) -> int:
            self.calls += 1
            if self.calls == 2:
                raise DeliveryRetry("502")
            return await super().send(item, message, nonce)

    flaky = FailSecond()
    running = worker(repo, flaky)
    running.start()
    await running.wait_idle(10)
    await running.close()
    assert [c for _, c, _ in flaky.sent] == ["long #0", "long #1", "long #2"]
    item = await repo.get(item_id)
    assert item is not None and item.status == "done" and len(item.message_ids) == 3
    assert item.parts is None  # the rendered text is not kept once delivered
    assert transport.sent == []


async def test_after_a_crash_the_worker_finds_what_was_already_posted(
    repo: OutboxRepository,
) -> None:
    outbox, transport = Outbox(repo, FakeClock(NOW)), ScriptedTransport()
    item_id = await add(outbox, 10, "lost answer", parts=2)
    # A first process rendered the item, began sending and died before recording anything.
    await repo.set_parts(
        item_id,
        [OutboxMessage("lost answer #0").to_json(), OutboxMessage("lost answer #1").to_json()],
    )
    await repo.start_attempt(item_id, 1_700_000_000.0)
    transport.already["lost answer #0"] = 777
    running = worker(repo, transport)
    running.start()
    await running.wait_idle(10)
    await running.close()
    assert [c for _, c, _ in transport.sent] == ["lost answer #1"]
    assert transport.renders == 0  # the stored rendering was used, not a new one
    assert transport.lookups and transport.lookups[0] == 1_700_000_000.0
    item = await repo.get(item_id)
    assert item is not None and item.message_ids[0] == 777 and item.status == "done"


async def test_refused_items_fail_without_blocking_and_gone_ones_are_dropped(
    repo: OutboxRepository,
) -> None:
    outbox, transport = Outbox(repo, FakeClock(NOW)), ScriptedTransport()
    refused = await add(outbox, 10, "no access")
    gone = await add(outbox, 10, "deleted story", gone=True)
    after = await add(outbox, 10, "next")
    transport.failures[10] = [DeliveryRefused("403 50001: Missing Access")]
    running = worker(repo, transport)
    running.start()
    await running.wait_idle(10)
    await running.close()
    statuses = {i.id: i.status for i in await repo.items()}
    assert statuses == {refused: "failed", gone: "dropped", after: "done"}
    assert [c for _, c, _ in transport.sent] == ["next #0"]


async def test_backoff_grows_with_jitter_and_honours_retry_after(repo: OutboxRepository) -> None:
    running = OutboxWorker(
        repo,
        ScriptedTransport(),
        FakeClock(NOW),
        base_delay=1.0,
        max_delay=60.0,
        rng=random.Random(7),
    )
    delays = [running._delay(n, None) for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        ceiling = min(60.0, 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered, never in lockstep
    assert delays[-1] <= 60.0
    assert running._delay(1, 12.5) >= 12.5  # a 429's retry_after wins over a shorter backoff


async def test_only_owned_guilds_are_delivered_and_pending_items_resume_on_start(
    repo: OutboxRepository,
) -> None:
    outbox, transport = Outbox(repo, FakeClock(NOW)), ScriptedTransport()
    await add(outbox, 10, "mine")
    await outbox.add(guild_id=2, channel_id=30, kind="test.post", payload={"text": "x", "parts": 1})
    running = worker(repo, transport, owns_guild=lambda guild_id: guild_id == 1)
    running.start()  # items recorded before the start are picked up without a wake
    await running.wait_idle(10)
    await asyncio.sleep(0.05)
    await running.close()
    assert [c for _, c, _ in transport.sent] == ["mine #0"]
    assert await repo.count_pending() == 1


async def test_files_survive_the_round_trip_through_the_database() -> None:
    message = OutboxMessage(
        "book", files=[OutboxFile("a.epub", b"\x00\xffdata", "application/epub+zip")]
    )
    again = OutboxMessage.from_json(message.to_json())
    assert again.files[0].data == b"\x00\xffdata" and again.files[0].filename == "a.epub"
    assert again.ping_user_id is None


async def test_the_migration_hands_an_older_versions_unfinished_posts_to_the_outbox(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "old.db")
    await db.open(migrate=False)
    await db.migrate(load_migrations()[:6])
    now = NOW.isoformat()
    await db.execute(
        "INSERT INTO stories (id, guild_id, channel_id, thread_id, title, genre, turn_seconds, "
        "word_limit, current_user_id, turn_seq, pinged_turn_seq, created_at) "
        "VALUES (1, 5, 6, 77, 'Old', 'sea', 3600, 300, 42, 3, 2, ?)",
        (now,),
    )
    await db.execute(
        "INSERT INTO story_segments (story_id, seq, round, kind, author_id, author_name, text, "
        "words, posted, created_at) VALUES (1, 1, 1, 'member', 41, 'ann', 'Unposted.', 1, 0, ?)",
        (now,),
    )
    await db.migrate()
    items = await OutboxRepository(db).items()
    assert [(i.kind, i.channel_id, i.guild_id) for i in items] == [
        ("story.segment", 77, 5),
        ("story.turn", 77, 5),
    ]
    assert items[1].payload == {"story_id": 1, "turn_seq": 3, "user_id": 42}
    assert len({i.nonce for i in items}) == 2
    row = await db.fetchone("SELECT posted FROM story_segments")
    assert row is not None and row[0] == 1
    await db.close()


async def test_erasing_a_member_forgets_their_pings_and_rerenders_pending_posts(
    repo: OutboxRepository,
) -> None:
    outbox = Outbox(repo, FakeClock(NOW))
    ping = await outbox.add(
        guild_id=1, channel_id=10, kind="story.turn", payload={"story_id": 1, "user_id": 42}
    )
    other = await outbox.add(
        guild_id=1, channel_id=10, kind="story.turn", payload={"story_id": 1, "user_id": 43}
    )
    post = await add(outbox, 10, "by ann")
    assert ping is not None and other is not None
    await repo.set_parts(post, [OutboxMessage("by ann #0").to_json()])
    exported = await repo.export_member(1, 42)
    assert [m["kind"] for m in exported["messages_to_you"]] == ["story.turn"]
    assert await repo.erase_member(1, 42) == 1
    remaining = {i.id: i for i in await repo.items()}
    assert set(remaining) == {other, post}
    assert remaining[post].parts is None  # rendered again, from the erased data


async def test_the_migration_hands_an_older_versions_unconfirmed_daily_post_to_the_outbox(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "old-potd.db")
    await db.open(migrate=False)
    await db.migrate(load_migrations()[:7])
    started = datetime(2031, 1, 6, 8, 0, 30, 250000, tzinfo=UTC)
    rows = [  # (id, date, status, title, send_started_at)
        (1, "2031-01-04", "posted", "Done", started.isoformat()),
        (2, "2031-01-05", "pending", None, None),  # nothing chosen yet: the due-check goes on
        (3, "2031-01-06", "pending", "Tide", started.isoformat()),  # sent, never confirmed
    ]
    for post_id, day, status, title, sent_at in rows:
        await db.execute(
            "INSERT INTO potd_posts (id, guild_id, local_date, status, title, prompt, "
            "channel_id, claimed_at, send_started_at) VALUES (?, 5, ?, ?, ?, ?, 66, ?, ?)",
            (post_id, day, status, title, title and "A prompt.", NOW.isoformat(), sent_at),
        )
    await db.migrate()
    items = await OutboxRepository(db).items()
    assert [(i.kind, i.guild_id, i.channel_id, i.payload) for i in items] == [
        ("potd.post", 5, 66, {"post_id": 3})
    ]
    # One attempt from the old send's time on: the worker looks in the channel before posting.
    assert items[0].attempts == 1 and items[0].status == "pending"
    assert items[0].first_attempt_at == pytest.approx(started.timestamp(), abs=0.01)
    assert await OutboxRepository(db).by_dedupe_key("potd.post:3") == items[0]
    await db.close()
