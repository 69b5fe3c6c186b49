"""SprintService on a real (temporary) database, a FakeClock and a recording timer: the steps
of a sprint, what each announces, the checks on every command, and the restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services.actor import Actor
from bot.services.outbox import Outbox
from bot.services.sprint import (
    MAX_PARTICIPANTS,
    Phase,
    SprintPrompt,
    SprintService,
    WordsMode,
)

GUILD, CHANNEL = 42, 7
ALICE, BOB, CAROL = 1001, 1002, 1003
START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class RecordingTimer:
    def __init__(self) -> None:
        self.armed: dict[int, datetime] = {}

    def arm(self, sprint_id: int, guild_id: int, at: datetime) -> None:
        self.armed[sprint_id] = at

    def disarm(self, sprint_id: int) -> None:
        self.armed.pop(sprint_id, None)


class FixedPrompts:
    def __init__(self) -> None:
        self.asked: list[int] = []

    async def sprint_prompt(self, guild_id: int) -> SprintPrompt | None:
        self.asked.append(guild_id)
        return SprintPrompt("Lighthouse", "Write about the last keeper of a lighthouse.")


@dataclass(frozen=True)
class Streak:
    current: int
    best: int


class Streaks:
    async def streak(self, guild_id: int, user_id: int) -> Streak:
        return Streak(3, 9)


def actor(user_id: int, *, moderator: bool = False, channel: int = CHANNEL) -> Actor:
    return Actor(
        GUILD,
        channel,
        user_id,
        {ALICE: "alice", BOB: "bob", CAROL: "carol"}.get(user_id, "someone"),
        can_moderate=lambda _channel: moderator,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def timer() -> RecordingTimer:
    return RecordingTimer()


@pytest.fixture
def service(repos: Repositories, clock: FakeClock, timer: RecordingTimer) -> SprintService:
    made = SprintService(
        repos.sprints,
        clock,
        outbox=Outbox(repos.outbox, clock),
        prompts=FixedPrompts(),
        streaks=Streaks(),
        grace_minutes=2,
    )
    made.attach(timer)
    return made


async def announced(repos: Repositories) -> list[str]:
    return [i.kind for i in await repos.outbox.items()]


async def test_a_sprint_starts_ends_and_ranks_everyone(
    service: SprintService, repos: Repositories, clock: FakeClock, timer: RecordingTimer
) -> None:
    status = await service.start(actor(ALICE), duration=10, goal=300)
    sprint = status.sprint
    assert status.phase is Phase.RUNNING and sprint.stage == "running"
    assert [p.user_id for p in status.participants] == [ALICE]  # the starter is in
    assert timer.armed[sprint.id] == START + 10 * MINUTE
    assert await announced(repos) == ["sprint.start"]
    await service.join(actor(BOB), start_words=1000)
    await service.join(actor(CAROL))
    # Started at once: the starter, who just ran the command, is not pinged by its start.
    start = await service.publication("sprint.start", {"sprint_id": sprint.id})
    assert start is not None and list(start.pings) == []

    clock.advance(4 * MINUTE)
    report = await service.words(actor(ALICE), count=120, mode=WordsMode.ADDED)
    assert report.words == 120 and not report.reached_goal
    clock.advance(6 * MINUTE)
    assert await service.on_timer(sprint.id)  # time's up: the grace period begins
    assert await announced(repos) == ["sprint.start", "sprint.end"]
    assert timer.armed[sprint.id] == START + 12 * MINUTE
    end = await service.publication("sprint.end", {"sprint_id": sprint.id})
    assert end is not None and list(end.pings) == [ALICE, BOB, CAROL]
    # Final counts during the grace period; the latest report counts.
    assert (await service.words(actor(ALICE), count=400, mode=WordsMode.ADDED)).reached_goal
    assert (await service.words(actor(BOB), count=1250, mode=WordsMode.TOTAL)).words == 250
    timer.armed.clear()
    assert not await service.on_timer(sprint.id)  # early: nothing happens, nothing re-armed
    assert timer.armed == {}
    clock.advance(2 * MINUTE)
    assert await service.on_timer(sprint.id)
    assert sprint.id not in timer.armed
    assert await announced(repos) == ["sprint.start", "sprint.end", "sprint.results"]

    found = await service.publication("sprint.results", {"sprint_id": sprint.id})
    assert found is not None and found.kind == "results"
    board = [(s.rank, s.user_id, s.words, s.wpm, s.reached_goal) for s in found.standings]
    assert board == [
        (1, ALICE, 400, 40.0, True),
        (2, BOB, 250, 25.0, False),
        (3, CAROL, None, 0.0, False),
    ]
    # A new sprint may start in the channel now.
    again = await service.start(actor(BOB), duration=5)
    assert again.sprint.id != sprint.id


async def test_stats_add_up_ended_sprints_beside_the_daily_streak(
    service: SprintService, clock: FakeClock
) -> None:
    for minutes, words in ((10, 200), (5, 150)):
        sprint = (await service.start(actor(ALICE), duration=minutes)).sprint
        clock.advance(minutes * MINUTE)
        await service.words(actor(ALICE), count=words, mode=WordsMode.ADDED)
        clock.advance(2 * MINUTE)
        assert await service.on_timer(sprint.id)
    stats = await service.stats(actor(BOB), ALICE)
    assert (stats.sprints, stats.words, stats.best_wpm) == (2, 350, 30.0)
    assert (stats.streak_current, stats.streak_best) == (3, 9)
    nobody = await service.stats(actor(BOB))
    assert (nobody.sprints, nobody.words, nobody.best_wpm) == (0, 0, None)


async def test_a_delayed_sprint_waits_and_its_start_pings_who_joined(
    service: SprintService, repos: Repositories, clock: FakeClock, timer: RecordingTimer
) -> None:
    sprint = (await service.start(actor(ALICE), duration=5, delay=3)).sprint
    assert sprint.stage == "scheduled" and timer.armed[sprint.id] == START + 3 * MINUTE
    assert await announced(repos) == []
    await service.join(actor(BOB))
    with pytest.raises(UserInputError, match="hasn't started"):
        await service.words(actor(BOB), count=5, mode=WordsMode.ADDED)
    clock.advance(3 * MINUTE)
    assert await service.on_timer(sprint.id)
    found = await service.publication("sprint.start", {"sprint_id": sprint.id})
    assert found is not None and [p.user_id for p in found.participants] == [ALICE, BOB]
    assert list(found.pings) == [ALICE, BOB]  # everyone waiting for it
    assert timer.armed[sprint.id] == START + 8 * MINUTE


async def test_one_live_sprint_per_channel(service: SprintService) -> None:
    await service.start(actor(ALICE), duration=20)
    with pytest.raises(UserInputError, match="is running in this channel"):
        await service.start(actor(BOB), duration=5)
    other = await service.start(actor(BOB, channel=CHANNEL + 1), duration=5)
    assert other.sprint.channel_id == CHANNEL + 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"duration": 4}, "5 to 120"),
        ({"duration": 121}, "5 to 120"),
        ({"duration": 10, "delay": 61}, "at most 60"),
        ({"duration": 10, "delay": -1}, "at most 60"),
        ({"duration": 10, "goal": 0}, "goal"),
        ({"duration": 10, "goal": 10**12}, "goal"),
    ],
)
async def test_start_refuses_out_of_range_options(
    service: SprintService, repos: Repositories, options: dict[str, int], message: str
) -> None:
    with pytest.raises(UserInputError, match=message):
        await service.start(actor(ALICE), **options)
    assert await repos.sprints.live_in_channel(CHANNEL) is None


@pytest.mark.parametrize(
    ("count", "mode", "message"),
    [
        (-1, WordsMode.ADDED, "negative"),
        (10**12, WordsMode.ADDED, "1,000,000"),
        (10**12, WordsMode.TOTAL, "1,000,000"),
        (499, WordsMode.TOTAL, "below the 500 you started with"),
    ],
)
async def test_bad_word_counts_are_refused_and_change_nothing(
    service: SprintService, repos: Repositories, count: int, mode: WordsMode, message: str
) -> None:
    sprint = (await service.start(actor(ALICE), duration=10)).sprint
    await service.join(actor(BOB), start_words=500)
    await service.words(actor(BOB), count=520, mode=WordsMode.TOTAL)
    with pytest.raises(UserInputError, match=message):
        await service.words(actor(BOB), count=count, mode=mode)
    participant = await repos.sprints.participant(sprint.id, BOB)
    assert participant is not None and participant.words == 20


async def test_join_bounds_and_twice(service: SprintService) -> None:
    await service.start(actor(ALICE), duration=10)
    with pytest.raises(UserInputError, match="negative"):
        await service.join(actor(BOB), start_words=-5)
    with pytest.raises(UserInputError, match="1,000,000"):
        await service.join(actor(BOB), start_words=10**12)
    with pytest.raises(UserInputError, match="already in"):
        await service.join(actor(ALICE))


async def test_a_full_sprint_refuses_one_more(service: SprintService) -> None:
    await service.start(actor(ALICE), duration=10)
    for user in range(1, MAX_PARTICIPANTS):
        await service.join(actor(5000 + user))
    with pytest.raises(UserInputError, match="full"):
        await service.join(actor(BOB))


async def test_a_member_who_did_not_join_cannot_report(
    service: SprintService, repos: Repositories
) -> None:
    sprint = (await service.start(actor(ALICE), duration=10)).sprint
    with pytest.raises(NotAllowed, match="haven't joined"):
        await service.words(actor(BOB), count=100, mode=WordsMode.ADDED)
    assert await repos.sprints.participant(sprint.id, BOB) is None


async def test_no_sprint_in_the_channel(service: SprintService) -> None:
    for call in (
        service.status(actor(ALICE)),
        service.join(actor(ALICE)),
        service.leave(actor(ALICE)),
        service.end(actor(ALICE)),
        service.words(actor(ALICE), count=1, mode=WordsMode.ADDED),
    ):
        with pytest.raises(NotFound, match="No sprint"):
            await call


async def test_leaving_removes_the_member_before_time_is_up(
    service: SprintService, clock: FakeClock
) -> None:
    await service.start(actor(ALICE), duration=10)
    await service.join(actor(BOB))
    await service.leave(actor(BOB))
    assert [p.user_id for p in (await service.status(actor(ALICE))).participants] == [ALICE]
    with pytest.raises(NotFound, match="not in"):
        await service.leave(actor(BOB))
    clock.advance(10 * MINUTE)
    with pytest.raises(UserInputError, match="Time is up"):
        await service.leave(actor(ALICE))


async def test_only_the_starter_or_a_moderator_ends_it_and_nothing_is_written_otherwise(
    service: SprintService, repos: Repositories, clock: FakeClock
) -> None:
    sprint = (await service.start(actor(ALICE), duration=30)).sprint
    await service.join(actor(BOB))
    before = await repos.sprints.get(sprint.id)
    with pytest.raises(NotAllowed, match="started this sprint or a moderator"):
        await service.end(actor(BOB))
    assert await repos.sprints.get(sprint.id) == before
    assert await announced(repos) == ["sprint.start"]
    clock.advance(7 * MINUTE)
    ended = await service.end(actor(CAROL, moderator=True))
    assert ended.phase is Phase.GRACE and ended.sprint.ended_early
    assert ended.sprint.ends_at == START + 7 * MINUTE
    assert await announced(repos) == ["sprint.start", "sprint.end"]
    # Ending again during the grace period posts the leaderboard at once.
    closed = await service.end(actor(ALICE))
    assert closed.sprint.stage == "ended"
    assert await announced(repos) == ["sprint.start", "sprint.end", "sprint.results"]


async def test_ending_a_sprint_that_has_not_begun_calls_it_off(
    service: SprintService, repos: Repositories, timer: RecordingTimer
) -> None:
    sprint = (await service.start(actor(ALICE), duration=10, delay=5)).sprint
    ended = await service.end(actor(ALICE))
    assert ended.sprint.stage == "cancelled" and sprint.id not in timer.armed
    assert await announced(repos) == ["sprint.cancelled"]
    assert await repos.sprints.live_in_channel(CHANNEL) is None


async def test_the_prompt_is_drawn_only_when_asked(service: SprintService) -> None:
    plain = await service.start(actor(ALICE), duration=5)
    assert plain.sprint.prompt_title is None
    prompted = await service.start(actor(ALICE, channel=CHANNEL + 1), duration=5, prompt=True)
    assert prompted.sprint.prompt_title == "Lighthouse"
    assert prompted.sprint.prompt_text is not None


async def test_a_restart_rearms_live_sprints_and_ends_overdue_ones_at_once(
    repos: Repositories, clock: FakeClock
) -> None:
    def fresh_service(timer: RecordingTimer) -> SprintService:
        made = SprintService(repos.sprints, clock, outbox=Outbox(repos.outbox, clock))
        made.attach(timer)
        return made

    first = fresh_service(RecordingTimer())
    running = (await first.start(actor(ALICE), duration=30)).sprint
    overdue = (await first.start(actor(BOB, channel=CHANNEL + 1), duration=5)).sprint
    await first.join(actor(CAROL, channel=CHANNEL + 1))
    await first.words(actor(BOB, channel=CHANNEL + 1), count=90, mode=WordsMode.ADDED)

    clock.advance(10 * MINUTE)  # down for ten minutes: the five-minute sprint's end passed
    timer = RecordingTimer()
    second = fresh_service(timer)
    assert await second.recover(lambda _guild: True) == 1
    assert timer.armed == {running.id: running.ends_at}
    done = await repos.sprints.get(overdue.id)
    assert done is not None and done.stage == "ended"
    kinds = [(i.kind, i.payload["sprint_id"]) for i in await repos.outbox.items()]
    assert kinds.count(("sprint.end", overdue.id)) == 1
    assert kinds.count(("sprint.results", overdue.id)) == 1
    # A second recovery (another restart) announces nothing twice.
    assert await fresh_service(RecordingTimer()).recover(lambda _guild: True) == 1
    assert len(await repos.outbox.items()) == len(kinds)
    # Servers another process runs are left alone.
    assert await fresh_service(RecordingTimer()).recover(lambda _guild: False) == 0
